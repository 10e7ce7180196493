import { createHash } from 'node:crypto';
import type { OutboxEvent, PublishJobData } from '@outbox/contracts';
import { type CommittedPosition, type PositionsStore, TransactionalPartition } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import { type Serial, serial } from '@outbox/runtime';
import type { Kafka } from 'kafkajs';
import type { PipelineObserver } from '../../pipeline-observer.ts';
import { Fenced } from '../delivery-errors.ts';
import type { DeliveryJob, HeadResolver } from '../delivery-job.ts';
import { DeliveryProgress } from '../delivery-progress.ts';
import type { JobDelivery } from '../job-delivery.ts';
import { type CommitRecord, TransactionSender } from './transaction-sender.ts';

/** Exactly-once delivery's settings (`OUTBOX_DELIVERY=exactly-once`); the publisher service fills them in. */
export interface ExactlyOnceOptions {
  /** The kafkajs client the transactional producers are made with. */
  kafka: Kafka;
  /** Where the connector's committed positions are kept. */
  positions: PositionsStore;
  /** Each pipeline partition's transactional id (transactionalIdOf). */
  transactionalIdOf: (partition: number) => string;
  compression: 'none' | 'gzip';
  maxBatchBytes: number;
  /** How long the broker lets a transaction of a publisher that vanished stay open. @defaultValue 60 s */
  transactionTimeoutMs?: number;
}

/**
 * The highest outbox id of a job that the partition's committed position covers: its events up to
 * there are in Kafka already and are acknowledged without being sent again. Within one capture
 * timeline, outbox ids follow commit order; a job of a newer timeline trusts the position only up
 * to the ids that were in the outbox when its timeline began (after a restored backup, none).
 * A job that moves no position (rows passed out of order) is covered whole when the position's
 * commit id is the one its events commit under (`eventsCommitId`), and not at all otherwise.
 */
export function coveredUpTo(
  position: CommittedPosition | undefined,
  job: Pick<PublishJobData, 'timeline' | 'unordered'>,
  eventsCommit?: string,
): number {
  if (!position) return 0;
  if (movesNoPosition(job)) return eventsCommit !== undefined && position.commitId === eventsCommit ? Number.MAX_SAFE_INTEGER : 0;
  if (position.timeline === job.timeline?.id) return position.outboxId;
  return Math.min(position.outboxId, job.timeline?.since ?? 0);
}

/** Rows passed out of order, or a job of a version without timelines: their ids say nothing of order. */
function movesNoPosition(job: Pick<PublishJobData, 'timeline' | 'unordered'>): boolean {
  return job.unordered === true || !job.timeline;
}

/**
 * The commit id of a transaction that holds exactly these events of a job that moves no position:
 * the same each time they are committed, so that a later delivery of the same job (its
 * acknowledgement lost, say) finds its events in Kafka already.
 */
export function eventsCommitId(eventIds: readonly string[]): string {
  return `events-${createHash('sha256').update(eventIds.join('\n')).digest('base64url').slice(0, 32)}`;
}

type DeliverArgs = [
  target: DeliveryJob,
  job: Pick<PublishJobData, 'timeline' | 'unordered'>,
  events: readonly OutboxEvent[],
  heads: readonly HeadResolver[],
  progress: DeliveryProgress,
];

/**
 * Delivers each job in one Kafka transaction of its partition's producer, together with the
 * partition's committed position (docs/architecture.md, "Exactly-once delivery"). The delivery
 * itself — retries, splitting, dead letters, halts — is JobDelivery's, unchanged; what is
 * acknowledged is only what a committed transaction holds, or what the position says Kafka has.
 */
export class ExactlyOnceDelivery {
  readonly #options: ExactlyOnceOptions;
  readonly #delivery: JobDelivery;
  readonly #log: Logger;
  readonly #senders = new Map<number, TransactionSender>();
  /**
   * One job of a partition at a time in this process, and its producer released only between jobs.
   * BullMQ runs one job of a partition at a time, but not across a hand-over: a worker that lost the
   * partition finishes its job while the one that regained it starts the next, and after Redis lost
   * its data the old job and its new copy can both be active. Both would use the partition's one
   * producer and its one open transaction.
   */
  readonly #turns = new Map<number, Serial>();
  readonly #observer: Pick<Required<PipelineObserver>, 'transactionEnded'>;

  constructor(
    options: ExactlyOnceOptions,
    delivery: JobDelivery,
    log: Logger,
    observer: Pick<Required<PipelineObserver>, 'transactionEnded'>,
  ) {
    this.#options = options;
    this.#delivery = delivery;
    this.#log = log;
    this.#observer = observer;
  }

  /**
   * Delivers `events` of `job` and records what was done in `progress`: the events the position
   * covers at once, the rest when their transaction commits. A delivery that stops part-way
   * commits what it did when its partition halted, and nothing otherwise.
   */
  deliver(...args: DeliverArgs): Promise<void> {
    return this.#turnOf(args[0].partition)(() => this.#deliverInTurn(...args));
  }

  async #deliverInTurn(...[target, job, events, heads, progress]: DeliverArgs): Promise<void> {
    const sender = this.#senderOf(target);
    const headId = () => events[0]?.id ?? 0;
    let position: CommittedPosition | undefined;
    await this.#delivery.withRetries(target, headId, async () => {
      position = await sender.begin();
    });
    const unordered = movesNoPosition(job);
    // Only jobs that move no position commit under their events' id: nothing to hash for the rest.
    const commitIdOf = (eventsDone: readonly OutboxEvent[]) =>
      unordered && eventsDone.length > 0 ? eventsCommitId(eventsDone.map((event) => event.eventId)) : undefined;
    const covered = coveredUpTo(position, job, commitIdOf(events));
    const inKafka = events.filter((event) => event.id <= covered);
    const rest = events.filter((event) => event.id > covered);
    if (inKafka.length > 0) {
      target.log.info(
        { covered: inKafka.length, position },
        'events the committed position covers are in Kafka already: acknowledged without sending them again',
      );
      progress.done(inKafka.map((event) => event.id));
    }
    const attempt = new DeliveryProgress();
    /** What the transaction records: the job's position, or for a job without one, its events' commit id. */
    const recordAfter = (): CommitRecord => {
      const last = attempt.handled.at(-1);
      if (!unordered) return last === undefined ? {} : { position: { outboxId: last, timeline: job.timeline?.id ?? '' } };
      const handled = new Set(attempt.handled);
      return { commitId: commitIdOf(events.filter((event) => handled.has(event.id))) };
    };
    try {
      await this.#delivery.deliver({ ...target, sender }, rest, heads, attempt);
    } catch (error) {
      await this.#stoppedPartWay(target, sender, recordAfter(), error, attempt, progress);
      throw error;
    }
    await this.#delivery.withRetries(
      target,
      () => rest[0]?.id ?? 0,
      () => sender.commit(recordAfter()),
    );
    progress.adopt(attempt);
  }

  /** The publisher no longer works on the partition: its producer goes. */
  release(partition: number): Promise<void> {
    return this.#turnOf(partition)(async () => {
      const sender = this.#senders.get(partition);
      this.#senders.delete(partition);
      await sender?.close();
    });
  }

  #turnOf(partition: number): Serial {
    let turn = this.#turns.get(partition);
    if (!turn) {
      turn = serial();
      this.#turns.set(partition, turn);
    }
    return turn;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#senders.keys()].map((partition) => this.release(partition)));
  }

  /**
   * A halted partition keeps what it delivered before the event it halted on, as without
   * transactions: that part is committed. A job given back for any other reason (fenced, the
   * publisher closing, its lock lost) commits nothing; its events are sent again by whoever takes it.
   */
  async #stoppedPartWay(
    target: DeliveryJob,
    sender: TransactionSender,
    record: CommitRecord,
    error: unknown,
    attempt: DeliveryProgress,
    progress: DeliveryProgress,
  ): Promise<void> {
    const halted = this.#delivery.halts.haltOf(target.partition) !== undefined;
    if (halted && !(error instanceof Fenced) && !target.lost?.aborted && attempt.handled.length > 0) {
      try {
        await sender.commit(record);
        progress.adopt(attempt);
        return;
      } catch (commitError) {
        target.log.warn({ err: commitError }, 'could not commit what the job delivered before its partition halted');
      }
    }
    await sender.abort();
  }

  #senderOf(target: DeliveryJob): TransactionSender {
    const { partition } = target;
    let sender = this.#senders.get(partition);
    if (!sender) {
      const { kafka, positions, compression, maxBatchBytes } = this.#options;
      const producer = new TransactionalPartition({
        kafka,
        partition,
        transactionalId: this.#options.transactionalIdOf(partition),
        positions,
        compression,
        transactionTimeoutMs: this.#options.transactionTimeoutMs ?? 60_000,
      });
      const ended = (outcome: 'committed' | 'aborted' | 'fenced') => this.#observer.transactionEnded(partition, outcome);
      sender = new TransactionSender(producer, maxBatchBytes, this.#log.child({ partition }), ended);
      this.#senders.set(partition, sender);
    }
    return sender;
  }
}
