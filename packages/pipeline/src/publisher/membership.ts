import type { RedisClient } from '@outbox/queue';

/**
 * Live publishers, as a Redis sorted set of names scored by their last heartbeat. A publisher
 * that stops beating (killed, frozen, cut off) drops out after `ttlMs`, and the others take its
 * partitions; one that closes leaves at once.
 */
export class PublisherMembership {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #name: string;
  readonly #ttlMs: number;

  constructor(options: { redis: RedisClient; key: string; name: string; ttlMs: number }) {
    this.#redis = options.redis;
    this.#key = options.key;
    this.#name = options.name;
    this.#ttlMs = options.ttlMs;
  }

  /** Records this publisher as alive and returns every live publisher, sorted. */
  async heartbeat(now = Date.now()): Promise<string[]> {
    const [, , members] =
      (await this.#redis
        .multi()
        .zadd(this.#key, now, this.#name)
        .zremrangebyscore(this.#key, '-inf', String(now - this.#ttlMs))
        .zrange(this.#key, '0', '-1')
        .exec()) ?? [];
    const names = members?.[1];
    return Array.isArray(names) ? (names as string[]).sort() : [this.#name];
  }

  async leave(): Promise<void> {
    await this.#redis.zrem(this.#key, this.#name);
  }
}
