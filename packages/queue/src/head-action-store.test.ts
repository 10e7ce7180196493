import { describe, expect, it } from 'vitest';
import { HeadActionStore } from './head-action-store.ts';
import { pipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

const names = pipelineNames('t', 'c');

/** The few hash commands the store uses, over a Map. */
function fakeRedis() {
  const hashes = new Map<string, Map<string, string>>();
  const hash = (key: string) => hashes.get(key) ?? hashes.set(key, new Map()).get(key) ?? new Map<string, string>();
  const redis = {
    hgetall: async (key: string) => Object.fromEntries(hash(key)),
    hdel: async (key: string, ...fields: string[]) => fields.filter((f) => hash(key).delete(f)).length,
  };
  return { redis: redis as unknown as RedisClient, hash };
}

describe('HeadActionStore.read', () => {
  it("reads the partition's actions and drops entries that are not valid instead of failing on them", async () => {
    const { redis, hash } = fakeRedis();
    const valid = { action: 'skip', outboxId: 4, eventId: 'e-4', reason: null, requestedBy: null, requestedAt: 'now' };
    hash(names.headActions)
      .set('3/1', '{oops')
      .set('3/2', '{"action":"explode","outboxId":2}')
      .set('3/5', JSON.stringify(valid))
      .set('3/4', JSON.stringify(valid))
      .set('13/4', JSON.stringify(valid));
    const invalid: string[] = [];
    expect(await new HeadActionStore(redis, names).read(3, (t) => invalid.push(t))).toEqual([{ ...valid, done: false }]);
    expect(invalid).toHaveLength(3);
    expect([...hash(names.headActions).keys()]).toEqual(['3/4', '13/4']);
  });
});
