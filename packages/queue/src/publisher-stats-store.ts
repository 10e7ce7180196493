import type { ChainableCommander } from 'ioredis';
import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

/** What a publisher reported of itself (PipelineNames.publisher). */
export interface PublisherStats {
  /** Jobs it acknowledged whole. */
  jobs: number;
  /** Events it acknowledged. */
  events: number;
  /** When it last acknowledged events, in ms since the epoch, or null. */
  lastSeen: number | null;
}

/** How long a publisher's counters outlive its last acknowledgement. */
const statsTtlSeconds = 86_400;

/**
 * Each publisher's counters and the partition count it runs with, in a Redis hash per publisher
 * (PipelineNames.publisher), and the set of publisher names that ever counted
 * (PipelineNames.publishers), read by the status page.
 */
export class PublisherStatsStore {
  readonly #redis: RedisClient;
  readonly #names: Pick<PipelineNames, 'publisher' | 'publishers'>;

  constructor(redis: RedisClient, names: Pick<PipelineNames, 'publisher' | 'publishers'>) {
    this.#redis = redis;
    this.#names = names;
  }

  /**
   * Adds to `multi` (the ack stream's, see AckStream.append) the commands that count `events`
   * acknowledged by `publisher` — and a job, when `wholeJob` — so they cost no extra round trip.
   */
  countAcknowledged(
    multi: ChainableCommander,
    publisher: string,
    counts: { events: number; wholeJob: boolean; now?: number },
  ): ChainableCommander {
    const key = this.#names.publisher(publisher);
    return multi
      .hincrby(key, 'jobs', counts.wholeJob ? 1 : 0)
      .hincrby(key, 'events', counts.events)
      .hset(key, 'lastSeen', counts.now ?? Date.now())
      .expire(key, statsTtlSeconds)
      .sadd(this.#names.publishers, publisher);
  }

  async read(publisher: string): Promise<PublisherStats> {
    const stats = await this.#redis.hgetall(this.#names.publisher(publisher));
    return {
      jobs: Number(stats.jobs ?? 0),
      events: Number(stats.events ?? 0),
      lastSeen: stats.lastSeen ? Number(stats.lastSeen) : null,
    };
  }

  /** Every publisher that has counted acknowledgements (until its counters expire). */
  async publishers(): Promise<string[]> {
    return this.#redis.smembers(this.#names.publishers);
  }

  /** Records the partition count a publisher works with, so the status shows what it really runs. */
  async recordPartitions(publisher: string, partitions: number): Promise<void> {
    await this.#redis.hset(this.#names.publisher(publisher), 'partitions', String(partitions));
  }

  /** The count a publisher recorded, or null (none recorded, e.g. after Redis lost its data). */
  async readPartitions(publisher: string): Promise<number | null> {
    const value = await this.#redis.hget(this.#names.publisher(publisher), 'partitions');
    return value === null ? null : Number(value);
  }
}
