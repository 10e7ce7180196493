import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

/** What the capture worker last reported of the outbox, for the status page. */
export interface CaptureReport {
  /** Rows in the outbox. */
  depth: number;
  oldestOccurredAt: string;
  /** Events enqueued but not yet acknowledged, per partition. */
  inFlight: number[];
  updatedAt: string;
}

/** The capture worker's last report, in a Redis hash (PipelineNames.captureStatus). */
export class CaptureStatusStore {
  readonly #redis: RedisClient;
  readonly #key: string;

  constructor(redis: RedisClient, names: Pick<PipelineNames, 'captureStatus'>) {
    this.#redis = redis;
    this.#key = names.captureStatus;
  }

  async write(report: CaptureReport): Promise<void> {
    await this.#redis.hset(this.#key, { ...report, inFlight: JSON.stringify(report.inFlight) });
  }

  /** The last report, or null when the capture worker has made none (since Redis lost its data). */
  async read(): Promise<CaptureReport | null> {
    const fields = await this.#redis.hgetall(this.#key);
    if (!fields.updatedAt) return null;
    return {
      depth: Number(fields.depth),
      oldestOccurredAt: fields.oldestOccurredAt ?? '',
      inFlight: fields.inFlight ? (JSON.parse(fields.inFlight) as number[]) : [],
      updatedAt: fields.updatedAt,
    };
  }
}
