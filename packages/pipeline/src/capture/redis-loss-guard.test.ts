import { createLogger } from '@outbox/logger';
import type { RedisMarks } from '@outbox/queue';
import { describe, expect, it } from 'vitest';
import { RedisLossGuard, redisChange } from './redis-loss-guard.ts';

describe('redisChange', () => {
  const seen = { epoch: 'e1', generation: 3, rolledBack: false };

  it('is nothing while Redis holds the epoch and the generation saved last', () => {
    expect(redisChange({ epoch: 'e1', generation: 3 }, seen)).toBeNull();
  });

  it('is a loss when the epoch is gone or another', () => {
    expect(redisChange({ epoch: null, generation: 3 }, seen)).toBe('lost');
    expect(redisChange({ epoch: 'e2', generation: 3 }, seen)).toBe('lost');
  });

  it('is a rollback when the generation differs or a save found Redis older', () => {
    expect(redisChange({ epoch: 'e1', generation: 2 }, seen)).toBe('rolled back');
    expect(redisChange({ epoch: 'e1', generation: 3 }, { ...seen, rolledBack: true })).toBe('rolled back');
  });
});

/** Redis as the cursor store sees it; `goBack` replaces what it holds, as a snapshot restore would. */
function fakeRedis() {
  let marks: RedisMarks = { epoch: 'e1', generation: 4, jobCounters: [0] };
  const applied: string[] = [];
  const cursorStore = {
    load: async () => ({ cursors: [7], generation: marks.generation }),
    marks: async () => ({ ...marks }),
    save: async (_: readonly number[], generation: number) => {
      const found = { generation: marks.generation, jobCounters: marks.jobCounters };
      marks = { ...marks, generation };
      return found;
    },
    setEpoch: async (epoch: string) => {
      marks = { ...marks, epoch };
    },
  };
  const goBack = (generation: number) => {
    marks = { ...marks, generation };
  };
  const guard = new RedisLossGuard({
    cursorStore,
    applyQueueSettings: async () => {
      applied.push('settings');
    },
    log: createLogger({ level: 'silent', format: 'json' }),
  });
  return { guard, goBack, applied, marks: () => marks };
}

describe('RedisLossGuard', () => {
  it('goes on from the saved cursors and epoch, and sees nothing while saves follow each other', async () => {
    const { guard } = fakeRedis();
    expect(await guard.load(1)).toEqual([7]);
    expect(await guard.adoptEpoch()).toBe(true);
    expect(guard.epoch).toBe('e1');
    await guard.save([8]);
    expect((await guard.check()).change).toBeNull();
  });

  it('remembers a save that found Redis older, and starts over under a new epoch', async () => {
    const { guard, goBack, applied, marks } = fakeRedis();
    await guard.load(1);
    await guard.adoptEpoch();
    goBack(2);
    await guard.save([9]);
    // The save wrote the expected generation over the older one: only the save's answer tells.
    expect((await guard.check()).change).toBe('rolled back');
    let forgotten = false;
    await guard.recover('rolled back', () => {
      forgotten = true;
      return [0];
    });
    expect(forgotten).toBe(true);
    expect(applied).toEqual(['settings']);
    expect(guard.epoch).not.toBe('e1');
    expect(marks().epoch).toBe(guard.epoch);
    expect((await guard.check()).change).toBeNull();
  });

  it('ignores what a fresh save finds', async () => {
    const { guard, goBack } = fakeRedis();
    await guard.load(1);
    await guard.adoptEpoch();
    goBack(2);
    await guard.saveFresh([0]);
    expect((await guard.check()).change).toBeNull();
  });
});
