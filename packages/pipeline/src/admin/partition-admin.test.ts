import type { OutboxEvent } from '@outbox/contracts';
import { createLogger } from '@outbox/logger';
import type { PartitionQueues, RedisClient } from '@outbox/queue';
import { pipelineNames } from '@outbox/queue';
import { serial } from '@outbox/runtime';
import { describe, expect, it } from 'vitest';
import { PartitionAdmin } from './partition-admin.ts';

const names = pipelineNames('t', 'c');

/** The few hash commands the admin uses, over a Map. */
function fakeRedis() {
  const hashes = new Map<string, Map<string, string>>();
  const hash = (key: string) => hashes.get(key) ?? hashes.set(key, new Map()).get(key) ?? new Map<string, string>();
  const redis = {
    hget: async (key: string, field: string) => hash(key).get(field) ?? null,
    hgetall: async (key: string) => Object.fromEntries(hash(key)),
    hset: async (key: string, field: string, value: string) => void hash(key).set(field, value),
    hexists: async (key: string, field: string) => (hash(key).has(field) ? 1 : 0),
    hdel: async (key: string, ...fields: string[]) => fields.filter((f) => hash(key).delete(f)).length,
  };
  return { redis: redis as unknown as RedisClient, hash };
}

function event(id: number): OutboxEvent {
  return {
    id,
    aggregateType: 'users',
    eventId: `e-${id}`,
    aggregateId: 'a',
    eventType: 'E',
    payload: '{}',
    occurredAt: '',
    traceparent: null,
  };
}

function setup(jobs: number[][]) {
  const { redis, hash } = fakeRedis();
  const restarted: number[] = [];
  const queue = { getJobs: async () => jobs.map((ids) => ({ data: { events: ids.map(event) } })) };
  const admin = new PartitionAdmin({
    capture: { offsets: async () => [], rewind: async () => [] },
    redis,
    names,
    queues: [queue] as unknown as PartitionQueues,
    store: { connectorState: () => 'PAUSED' },
    restart: async (p) => {
      restarted.push(...p);
      return [...p];
    },
    operatorTurn: serial(),
    logger: createLogger({ level: 'silent', format: 'json' }),
  });
  const halt = (state: object) => hash(names.halted).set('0', JSON.stringify({ publisher: 'p', since: 'now', ...state }));
  const actions = () => [...hash(names.headActions).entries()].map(([field, text]) => [field, JSON.parse(text)]);
  return { admin, redis, hash, halt, actions, restarted };
}

describe('PartitionAdmin.resolveHead', () => {
  it('targets the event the halt names, wherever it sits in its job', async () => {
    const { admin, halt, actions, restarted } = setup([[100, 130, 149]]);
    halt({ reason: 'MESSAGE_TOO_LARGE', outboxId: 130, poison: true });
    const result = await admin.resolveHead(0, { action: 'skip' }, 'me');
    expect(result.event).toMatchObject({ outboxId: 130, eventId: 'e-130' });
    expect(actions()).toEqual([['0/130', expect.objectContaining({ outboxId: 130, done: false })]]);
    expect(restarted).toEqual([0]);
  });

  it('refuses a partition that is not halted, and one halted on a retriable error unless forced', async () => {
    const { admin, halt, actions } = setup([[7, 8], [5]]);
    await expect(admin.resolveHead(0, { action: 'skip' }, null)).rejects.toMatchObject({ code: 'PARTITION_NOT_HALTED' });
    halt({ reason: '5 attempts failed, last: KafkaJSConnectionError', outboxId: null, poison: false });
    await expect(admin.resolveHead(0, { action: 'dead-letter' }, null)).rejects.toMatchObject({
      kind: 'CONFLICT',
      code: 'HALT_NOT_POISON',
      message: expect.stringContaining('"force": true (CLI: --force)'),
    });
    expect(actions()).toEqual([]);
    // Forced, with no event named: the oldest queued event.
    expect((await admin.resolveHead(0, { action: 'skip', force: true }, null)).event.outboxId).toBe(5);
  });

  it('reads a halted entry it cannot parse as not poison, and refuses an event no longer queued', async () => {
    const { admin, hash, halt } = setup([[1]]);
    hash(names.halted).set('0', 'not json');
    await expect(admin.resolveHead(0, { action: 'skip' }, null)).rejects.toMatchObject({ code: 'HALT_NOT_POISON' });
    halt({ reason: 'MESSAGE_TOO_LARGE', outboxId: 9, poison: true });
    await expect(admin.resolveHead(0, { action: 'skip' }, null)).rejects.toMatchObject({ code: 'NO_HEAD_EVENT' });
  });

  it('drops pending head actions of the partitions it rewinds', async () => {
    const { admin, hash } = setup([[1]]);
    hash(names.headActions).set('0/1', '{}').set('0/2', '{}').set('10/1', '{}');
    await admin.rewind([{ partition: 0 }], 'me');
    expect([...hash(names.headActions).keys()]).toEqual(['10/1']);
  });
});
