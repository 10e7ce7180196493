import type { Logger } from '@outbox/logger';
import type { OutboxStore } from '@outbox/outbox-store';
import type { PartitionQueues, PipelineNames, RedisClient } from '@outbox/queue';
import type { CaptureWorker, PartitionOffset } from '../capture/capture-worker.ts';
import type { RewindPlan } from '../capture/plan-rewind.ts';
import { type HeadAction, requestHeadAction } from '../publisher/head-action.ts';
import { AdminError } from './admin-error.ts';

export interface PartitionAdminOptions {
  capture: Pick<CaptureWorker, 'offsets' | 'rewind'>;
  redis: RedisClient;
  names: PipelineNames;
  queues: PartitionQueues;
  store: Pick<OutboxStore, 'connectorState'>;
  /** Tries halted partitions again now (ConnectorAdmin.restart). */
  restart: (partitions: readonly number[]) => Promise<number[]>;
  logger: Logger;
}

/** The head event of a halted partition and what was asked done with it. */
export interface HeadResolution {
  partition: number;
  action: HeadAction['action'];
  event: { outboxId: number; eventId: string; aggregateId: string; eventType: string };
}

/**
 * Cursor control, like Kafka Connect's offsets API (tasks are partitions): shows each
 * partition's cursor, rewinds cursors of a paused connector, and skips or dead-letters the head
 * event of a halted partition. Every change is logged with who asked for it.
 */
export class PartitionAdmin {
  readonly #o: PartitionAdminOptions;
  readonly #log: Logger;

  constructor(options: PartitionAdminOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'admin' });
  }

  offsets(): Promise<PartitionOffset[]> {
    return this.#o.capture.offsets();
  }

  /**
   * Only while the connector is PAUSED (as Kafka Connect requires a stopped connector to alter
   * offsets) and no job of the partitions is active: publishers take no new job from a paused
   * queue, so none can start while the cursors move.
   */
  async rewind(targets: readonly { partition: number; offset?: number }[], requestedBy: string | null): Promise<RewindPlan[]> {
    if (this.#o.store.connectorState() !== 'PAUSED') {
      throw new AdminError(
        'CONFLICT',
        'CONNECTOR_NOT_PAUSED',
        'offsets can only be changed while the connector is PAUSED: pause it first',
      );
    }
    for (const { partition } of targets) {
      this.#partition(partition);
      if ((await this.#queue(partition).getActiveCount()) > 0) {
        throw new AdminError(
          'CONFLICT',
          'PARTITION_ACTIVE',
          `partition ${partition} has a job being published; try again once it has finished`,
        );
      }
    }
    const plans = await this.#o.capture.rewind(targets);
    this.#log.warn({ rewound: plans, requestedBy }, 'offsets rewound by an operator');
    return plans;
  }

  /**
   * Asks the publisher to skip or dead-letter (error class MANUAL) the head event of a halted
   * partition — the first event of its oldest job — on its next attempt, and restarts the
   * partition so that happens now. Healthy events the head job holds after it go on as usual.
   */
  async resolveHead(
    partition: number,
    request: { action: HeadAction['action']; reason?: string },
    requestedBy: string | null,
  ): Promise<HeadResolution> {
    this.#partition(partition);
    if (!(await this.#o.redis.hexists(this.#o.names.halted, String(partition)))) {
      throw new AdminError(
        'CONFLICT',
        'PARTITION_NOT_HALTED',
        `partition ${partition} is not halted; only a halted partition's head can be skipped`,
      );
    }
    const jobs = await this.#queue(partition).getJobs(['active', 'waiting', 'prioritized', 'delayed']);
    const heads = jobs.flatMap((job) => job.data?.events[0] ?? []).sort((a, b) => a.id - b.id);
    const head = heads[0];
    if (!head) throw new AdminError('CONFLICT', 'NO_HEAD_EVENT', `partition ${partition} has no queued event`);
    await requestHeadAction(this.#o.redis, this.#o.names.headActions, partition, {
      action: request.action,
      outboxId: head.id,
      eventId: head.eventId,
      reason: request.reason ?? null,
      requestedBy,
      requestedAt: new Date().toISOString(),
    });
    this.#log.warn(
      { partition, action: request.action, outboxId: head.id, eventId: head.eventId, reason: request.reason, requestedBy },
      `head event of halted partition ${partition}: ${request.action} requested by an operator`,
    );
    await this.#o.restart([partition]);
    const { id: outboxId, eventId, aggregateId, eventType } = head;
    return { partition, action: request.action, event: { outboxId, eventId, aggregateId, eventType } };
  }

  #partition(partition: number): void {
    if (partition >= this.#o.queues.length) {
      throw new AdminError('NOT_FOUND', 'NOT_FOUND', `no partition ${partition}: there are 0 to ${this.#o.queues.length - 1}`);
    }
  }

  #queue(partition: number) {
    const queue = this.#o.queues[partition];
    if (!queue) throw new AdminError('NOT_FOUND', 'NOT_FOUND', `no partition ${partition}`);
    return queue;
  }
}
