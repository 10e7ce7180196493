import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

/**
 * Live publishers, as a Redis sorted set of names scored by their last heartbeat
 * (PipelineNames.members). A publisher that stops beating (killed, frozen, cut off) drops out after
 * the time to live, and the others take its partitions; one that closes leaves at once.
 */
export class MembershipStore {
  readonly #redis: RedisClient;
  readonly #key: string;

  constructor(redis: RedisClient, names: Pick<PipelineNames, 'members'>) {
    this.#redis = redis;
    this.#key = names.members;
  }

  /**
   * Records `name` as alive, drops members silent for `ttlMs`, and returns every live publisher,
   * sorted, in one round trip.
   */
  async heartbeat(name: string, ttlMs: number, now = Date.now()): Promise<string[]> {
    const [, , members] =
      (await this.#redis
        .multi()
        .zadd(this.#key, now, name)
        .zremrangebyscore(this.#key, '-inf', String(now - ttlMs))
        .zrange(this.#key, '0', '-1')
        .exec()) ?? [];
    const names = members?.[1];
    return Array.isArray(names) ? (names as string[]).sort() : [name];
  }

  async leave(name: string): Promise<void> {
    await this.#redis.zrem(this.#key, name);
  }

  /** Publishers with a heartbeat within the last `withinMs`, sorted (read-only: drops no one). */
  async live(withinMs: number, now = Date.now()): Promise<string[]> {
    return (await this.#redis.zrangebyscore(this.#key, now - withinMs, '+inf')).sort();
  }
}
