import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

export interface SavedCursors {
  cursors: number[];
  /**
   * Which save of the cursors this is (the capture worker sets it, one more each time). Redis that
   * comes back with older data (a snapshot, a lagging replica) holds an older one than the
   * capture worker saved last, which tells a rollback apart from a restart.
   */
  generation: number;
}

/** What a capture iteration reads before it enqueues, and what a save finds: see {@link redisWentBack}. */
export interface RedisMarks {
  /** The current epoch (see {@link PipelineNames.epoch}), or null when Redis has none. */
  epoch: string | null;
  generation: number;
  /** Each partition queue's job counter, which BullMQ increments in the same script that adds a job. */
  jobCounters: number[];
}

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
  readonly #jobCounterKeys: readonly string[];

  /** `jobCounterKeys`: each partition queue's BullMQ `id` key (`queue.keys.id`). */
  constructor(
    redis: RedisClient,
    names: Pick<PipelineNames, 'cursors' | 'epoch'>,
    instanceId: string,
    jobCounterKeys: readonly string[] = [],
  ) {
    this.#redis = redis;
    this.#key = names.cursors;
    this.#epochKey = names.epoch;
    this.#instanceId = instanceId;
    this.#jobCounterKeys = jobCounterKeys;
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

  /**
   * Saves the cursors as `generation`, and returns what Redis held just before: the generation it
   * replaced and the job counters. Setting the generation (not incrementing it) keeps the save
   * idempotent, so a save the client sends again after a dropped connection reads as itself.
   */
  async save(cursors: readonly number[], generation: number): Promise<Omit<RedisMarks, 'epoch'>> {
    const fields: Record<string, string> = {
      instanceId: this.#instanceId,
      partitions: String(cursors.length),
      generation: String(generation),
    };
    for (const [p, cursor] of cursors.entries()) fields[`p${p}`] = String(cursor);
    const multi = this.#redis.multi().hget(this.#key, 'generation');
    if (this.#jobCounterKeys.length > 0) multi.mget(...this.#jobCounterKeys);
    const replies = await multi.hset(this.#key, fields).exec();
    if (!replies || replies.some(([error]) => error)) throw new Error('Redis did not save the capture cursors');
    const reply = (i: number) => replies[i]?.[1];
    return { generation: Number(reply(0) ?? 0), jobCounters: this.#jobCounterKeys.length > 0 ? toCounters(reply(1)) : [] };
  }

  /** The epoch, the cursors' generation and the job counters, in one round trip. */
  async marks(): Promise<RedisMarks> {
    const pipeline = this.#redis.pipeline().get(this.#epochKey).hget(this.#key, 'generation');
    if (this.#jobCounterKeys.length > 0) pipeline.mget(...this.#jobCounterKeys);
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error('Redis did not answer');
    const reply = (i: number) => replies[i]?.[1];
    return {
      epoch: (reply(0) as string | null | undefined) ?? null,
      generation: Number(reply(1) ?? 0),
      jobCounters: toCounters(reply(2)),
    };
  }

  async setEpoch(epoch: string): Promise<void> {
    await this.#redis.set(this.#epochKey, epoch);
  }

  async partitionCount(): Promise<number | null> {
    return CursorStore.readPartitionCount(this.#redis, { cursors: this.#key });
  }

  /** The current epoch (see {@link PipelineNames.epoch}), for anyone (publishers check their jobs' against it). */
  static async readEpoch(redis: RedisClient, names: Pick<PipelineNames, 'epoch'>): Promise<string | null> {
    return redis.get(names.epoch);
  }

  /**
   * The partition count the capture worker saved with its cursors, for anyone (publishers): the
   * connector's count is the capture worker's. Null when it has saved none yet.
   */
  static async readPartitionCount(redis: RedisClient, names: Pick<PipelineNames, 'cursors'>): Promise<number | null> {
    const value = await redis.hget(names.cursors, 'partitions');
    return value === null ? null : Number(value);
  }
}

function toCounters(reply: unknown): number[] {
  return Array.isArray(reply) ? reply.map((value) => Number(value ?? 0)) : [];
}

/**
 * Whether Redis went back to older data around a save of the cursors: the generation it replaced
 * is neither the one this worker saved last nor (a save sent twice) the new one, or a partition
 * queue's job counter is lower than before the iteration plus the jobs it added — so those jobs
 * are gone although the save itself went through. Without the counters, a rollback to a moment
 * between the enqueue and the save would leave the cursors past rows no job holds.
 */
export function redisWentBack(options: {
  lastGeneration: number;
  found: Omit<RedisMarks, 'epoch'>;
  countersBefore?: readonly number[];
  jobsAdded?: readonly number[];
}): boolean {
  const { lastGeneration, found, countersBefore = [], jobsAdded = [] } = options;
  if (found.generation !== lastGeneration && found.generation !== lastGeneration + 1) return true;
  return jobsAdded.some((added, p) => added > 0 && (found.jobCounters[p] ?? 0) < (countersBefore[p] ?? 0) + added);
}
