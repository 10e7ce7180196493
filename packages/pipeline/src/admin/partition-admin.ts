import type { OutboxEvent } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import type { OutboxStore } from '@outbox/outbox-store';
import {
  type HaltedState,
  HaltedStore,
  type HeadAction,
  HeadActionStore,
  type PartitionQueues,
  type PipelineNames,
  type RedisClient,
} from '@outbox/queue';
import type { Serial } from '@outbox/runtime';
import type { CaptureWorker, PartitionOffset } from '../capture/capture-worker.ts';
import type { RewindPlan } from '../capture/plan-rewind.ts';
import { AdminError } from './admin-error.ts';

export interface PartitionAdminOptions {
  capture: Pick<CaptureWorker, 'offsets' | 'rewind'>;
  redis: RedisClient;
  names: PipelineNames;
  queues: PartitionQueues;
  store: Pick<OutboxStore, 'connectorState'>;
  /** Tries halted partitions again now (ConnectorAdmin.restart). */
  restart: (partitions: readonly number[]) => Promise<number[]>;
  /** Shared with ConnectorAdmin: a pause or resume never runs while cursors move. */
  operatorTurn: Serial;
  logger: Logger;
}

/** The event a halted partition stopped at and what was asked done with it. */
export interface HeadResolution {
  partition: number;
  action: HeadAction['action'];
  event: { outboxId: number; eventId: string; aggregateId: string; eventType: string };
}

/** What an operator asks done with the event a halted partition stopped at. */
export interface HeadRequest {
  action: HeadAction['action'];
  reason?: string;
  /** Needed when the halt is not known to be caused by the event itself (see resolveHead). */
  force?: boolean;
}

/**
 * Cursor control, like Kafka Connect's offsets API (tasks are partitions): shows each
 * partition's cursor, rewinds cursors of a paused connector, and skips or dead-letters the event
 * a halted partition stopped at. Every change is logged with who asked for it.
 */
export class PartitionAdmin {
  readonly #options: PartitionAdminOptions;
  readonly #log: Logger;
  readonly #halted: HaltedStore;
  readonly #headActions: HeadActionStore;

  constructor(options: PartitionAdminOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'admin' });
    this.#halted = new HaltedStore(options.redis, options.names);
    this.#headActions = new HeadActionStore(options.redis, options.names);
  }

  offsets(): Promise<PartitionOffset[]> {
    return this.#options.capture.offsets();
  }

  /**
   * Only while the connector is PAUSED (as Kafka Connect requires a stopped connector to alter
   * offsets) and no job of the partitions is active; the capture worker checks the queues again
   * where nothing can change under it. Pending head actions of the partitions are dropped first:
   * their events are sent again from the new cursor, and an old "skip" must not apply to them.
   */
  rewind(targets: readonly { partition: number; offset?: number }[], requestedBy: string | null): Promise<RewindPlan[]> {
    return this.#options.operatorTurn(async () => {
      if (this.#options.store.connectorState() !== 'PAUSED') {
        throw new AdminError(
          'CONFLICT',
          'CONNECTOR_NOT_PAUSED',
          'offsets can only be changed while the connector is PAUSED: pause it first',
        );
      }
      for (const { partition } of targets) this.#partition(partition);
      await this.#headActions.clearPartitions(targets.map((t) => t.partition));
      const plans = await this.#options.capture.rewind(targets);
      this.#log.warn({ rewound: plans, requestedBy }, 'offsets rewound by an operator; their rows are enqueued again');
      return plans;
    });
  }

  /**
   * Asks the publisher to skip or dead-letter (error class MANUAL) the event a halted partition
   * stopped at — wherever it sits in its job — on its next attempt, and restarts the partition so
   * that happens now; the other events of the job go on as usual. When the halt is not known to be
   * caused by that event (broker down, timeouts, an older publisher), the event is probably
   * healthy and would be lost for nothing: refused unless `force`.
   */
  resolveHead(partition: number, request: HeadRequest, requestedBy: string | null): Promise<HeadResolution> {
    return this.#options.operatorTurn(async () => {
      this.#partition(partition);
      const halted = await this.#halted.read(partition);
      if (!halted) {
        throw new AdminError(
          'CONFLICT',
          'PARTITION_NOT_HALTED',
          `partition ${partition} is not halted; only a halted partition's head can be skipped`,
        );
      }
      if (!halted.poison && !request.force) {
        throw new AdminError(
          'CONFLICT',
          'HALT_NOT_POISON',
          `partition ${partition} halted on an error that may go away (${halted.reason}); its events are sent once ` +
            'the cause is fixed (`outbox restart` tries at once). To skip or dead-letter its head event anyway, ' +
            'send "force": true (CLI: --force)',
        );
      }
      const head = await this.#stoppedAt(partition, halted);
      await this.#headActions.request(partition, {
        action: request.action,
        outboxId: head.id,
        eventId: head.eventId,
        reason: request.reason ?? null,
        requestedBy,
        requestedAt: new Date().toISOString(),
        done: false,
      });
      this.#log.warn(
        { partition, action: request.action, outboxId: head.id, eventId: head.eventId, reason: request.reason, requestedBy },
        `head event of halted partition ${partition}: ${request.action} requested by an operator`,
      );
      await this.#options.restart([partition]);
      const { id: outboxId, eventId, aggregateId, eventType } = head;
      return { partition, action: request.action, event: { outboxId, eventId, aggregateId, eventType } };
    });
  }

  /** The event the halt names, or — when it names none — the first event of the oldest job. */
  async #stoppedAt(partition: number, halted: HaltedState): Promise<OutboxEvent> {
    const jobs = await this.#queue(partition).getJobs(['active', 'waiting', 'prioritized', 'delayed']);
    const events = jobs.flatMap((job) => job.data?.events ?? []);
    const head =
      halted.outboxId === null
        ? events.reduce<OutboxEvent | undefined>((min, e) => (min === undefined || e.id < min.id ? e : min), undefined)
        : events.find((e) => e.id === halted.outboxId);
    if (!head) {
      const which = halted.outboxId === null ? 'no queued event' : `no queued event with outbox id ${halted.outboxId}`;
      throw new AdminError('CONFLICT', 'NO_HEAD_EVENT', `partition ${partition} has ${which}`);
    }
    return head;
  }

  #partition(partition: number): void {
    if (partition >= this.#options.queues.length) {
      throw new AdminError(
        'NOT_FOUND',
        'NOT_FOUND',
        `no partition ${partition}: there are 0 to ${this.#options.queues.length - 1}`,
      );
    }
  }

  #queue(partition: number) {
    const queue = this.#options.queues[partition];
    if (!queue) throw new AdminError('NOT_FOUND', 'NOT_FOUND', `no partition ${partition}`);
    return queue;
  }
}
