import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

/**
 * The capture cursor of each partition: the highest outbox id already enqueued for it. It lives
 * in Redis beside the queues on purpose: if Redis loses its data, the jobs and the cursors go
 * together, and capture starts again from the oldest row still in the outbox.
 * The cursors are tagged with the database's instance id, so a new database file never inherits
 * the cursors of an old one (which would skip its rows).
 */
export interface SavedCursors {
  cursors: number[];
  /**
   * How many times the cursors were saved. Redis that comes back with older data (a snapshot, a
   * lagging replica) has an older generation than the capture worker last saved, which tells a
   * rollback apart from a restart.
   */
  generation: number;
}

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

  /** The saved cursors and their generation, or `null` when there are none for this database. */
  async load(partitions: number): Promise<SavedCursors | null> {
    const saved = await this.#redis.hgetall(this.#key);
    if (saved.instanceId !== this.#instanceId || saved.partitions !== String(partitions)) return null;
    return {
      cursors: Array.from({ length: partitions }, (_, p) => Number(saved[`p${p}`] ?? 0)),
      generation: Number(saved.generation ?? 0),
    };
  }

  /** Saves the cursors and returns their new generation: one more than the one they replace. */
  async save(cursors: readonly number[]): Promise<number> {
    const fields: Record<string, string> = { instanceId: this.#instanceId, partitions: String(cursors.length) };
    for (const [p, cursor] of cursors.entries()) fields[`p${p}`] = String(cursor);
    const replies = await this.#redis.multi().hset(this.#key, fields).hincrby(this.#key, 'generation', 1).exec();
    const [, generation] = replies?.[1] ?? [];
    if (typeof generation !== 'number') throw new Error('Redis did not answer the cursor save');
    return generation;
  }

  /** The epoch (see {@link PipelineNames.epoch}), null when Redis has none, and the cursors' generation. */
  async state(): Promise<{ epoch: string | null; generation: number }> {
    const [epoch, generation] = await Promise.all([this.#redis.get(this.#epochKey), this.#redis.hget(this.#key, 'generation')]);
    return { epoch, generation: Number(generation ?? 0) };
  }

  async setEpoch(epoch: string): Promise<void> {
    await this.#redis.set(this.#epochKey, epoch);
  }

  async partitionCount(): Promise<number | null> {
    const value = await this.#redis.hget(this.#key, 'partitions');
    return value === null ? null : Number(value);
  }
}
