import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

/**
 * The capture cursor of each partition: the highest outbox id already enqueued for it. It lives
 * in Redis beside the queues on purpose: if Redis loses its data, the jobs and the cursors go
 * together, and capture starts again from the oldest row still in the outbox.
 * The cursors are tagged with the database's instance id, so a new database file never inherits
 * the cursors of an old one (which would skip its rows).
 */
export class CursorStore {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #instanceId: string;
  readonly #epochKey: string;

  constructor(redis: RedisClient, names: Pick<PipelineNames, 'cursors' | 'epoch'>, instanceId: string) {
    this.#redis = redis;
    this.#key = names.cursors;
    this.#epochKey = names.epoch;
    this.#instanceId = instanceId;
  }

  /** The saved cursors, or `null` when there are none for this database. */
  async load(partitions: number): Promise<number[] | null> {
    const saved = await this.#redis.hgetall(this.#key);
    if (saved.instanceId !== this.#instanceId || saved.partitions !== String(partitions)) return null;
    return Array.from({ length: partitions }, (_, p) => Number(saved[`p${p}`] ?? 0));
  }

  async save(cursors: readonly number[]): Promise<void> {
    const fields: Record<string, string> = { instanceId: this.#instanceId, partitions: String(cursors.length) };
    for (const [p, cursor] of cursors.entries()) fields[`p${p}`] = String(cursor);
    await this.#redis.hset(this.#key, fields);
  }

  /** The current epoch (see {@link PipelineNames.epoch}), or null when Redis has none. */
  async epoch(): Promise<string | null> {
    return this.#redis.get(this.#epochKey);
  }

  async setEpoch(epoch: string): Promise<void> {
    await this.#redis.set(this.#epochKey, epoch);
  }

  async partitionCount(): Promise<number | null> {
    const value = await this.#redis.hget(this.#key, 'partitions');
    return value === null ? null : Number(value);
  }
}
