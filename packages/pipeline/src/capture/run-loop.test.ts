import { OutboxError } from '@outbox/errors';
import { createLogger } from '@outbox/logger';
import { describe, expect, it } from 'vitest';
import { errorType, runLoop } from './run-loop.ts';

describe('errorType', () => {
  it("is an error's string code, else its name", () => {
    expect(errorType(new OutboxError('busy', { code: 'SQLITE_BUSY' }))).toBe('SQLITE_BUSY');
    expect(errorType(Object.assign(new Error('x'), { code: 5 }))).toBe('Error');
    expect(errorType(new TypeError('x'))).toBe('TypeError');
  });
});

describe('runLoop', () => {
  it('reports a failed round, retries it, and runs until stopped', async () => {
    const outcomes: (boolean | Error)[] = [new Error('Redis gone'), true, false];
    const after: boolean[] = [];
    const errored: unknown[] = [];
    await runLoop({
      name: 'ack',
      once: async () => {
        const outcome = outcomes.shift();
        if (outcome instanceof Error) throw outcome;
        return outcome ?? false;
      },
      after: async (progressed) => {
        after.push(progressed);
      },
      stopped: () => outcomes.length === 0,
      log: createLogger({ level: 'silent', format: 'json' }),
      observer: { errored: (failure) => errored.push(failure) },
    });
    expect(errored).toEqual([{ component: 'capture ack loop', errorType: 'Error', message: 'Redis gone' }]);
    expect(after).toEqual([true, false]);
  });
});
