import { randomUUID } from 'node:crypto';
import {
  type CommittedPosition,
  chunkByBytes,
  classifyKafkaError,
  type EventSender,
  FencedError,
  type OpenTransaction,
  PartlyAcceptedError,
  type TopicMessage,
  type TransactionalPartition,
  toTopicMessages,
} from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import type { Message } from 'kafkajs';
import { Fenced } from '../delivery-errors.ts';

/**
 * What a job's commit records with its transaction: the partition's new position, or — for a job
 * that moves none — the commit id its events commit under (`eventsCommitId`), kept with the
 * position as it is. Neither, for a transaction that holds nothing.
 */
export interface CommitRecord {
  position?: CommittedPosition | undefined;
  commitId?: string | undefined;
}

/** What a partition that never committed records when a job without a position commits: it vouches for nothing. */
const noPosition: CommittedPosition = { outboxId: 0, timeline: '' };

/** The same commit: the same transaction wrote both (or neither was written yet). */
function sameCommit(a: CommittedPosition | undefined, b: CommittedPosition | undefined): boolean {
  return a?.outboxId === b?.outboxId && a?.timeline === b?.timeline && a?.commitId === b?.commitId;
}

/** Told how each transaction ended (for the metrics). */
export type TransactionEnded = (outcome: 'committed' | 'aborted' | 'fenced') => void;

/**
 * Sends one partition's jobs, each in a transaction of its own, and commits the partition's
 * position with it (exactly-once delivery). It is the job's {@link EventSender}, so the delivery's
 * retries, splitting and dead letters work unchanged inside the transaction:
 *
 * - a send Kafka refused for its records (too large, invalid) wrote nothing, so the transaction
 *   goes on and the delivery splits or dead-letters as it always does;
 * - any other failure ends the transaction: it is aborted, the producer dropped, and the next send
 *   opens a new transaction on a new producer that first sends again every record the job had sent
 *   — the aborted ones are invisible to read_committed consumers;
 * - fenced: the partition is another publisher's now ({@link Fenced}).
 *
 * The job decided what to send against the position its first transaction saw. A new producer
 * made part-way through the job reads the position again: if it moved, another publisher took the
 * job over in between (this one was frozen, say, past its lock) and committed its own; sending on
 * would commit the job's events twice and move the position back. The job goes back instead.
 */
export class TransactionSender implements EventSender {
  readonly #partition: TransactionalPartition;
  readonly #maxBatchBytes: number;
  readonly #log: Logger;
  readonly #ended: TransactionEnded;
  #open: OpenTransaction | undefined;
  /** What the job's transaction holds: sent again in a new one after a failure. */
  #records: TopicMessage[] = [];
  /** The partition's committed position as this producer knows it (read when it was made). */
  #position: CommittedPosition | undefined;
  /** The position the job decided what to send against: the one its first transaction saw. */
  #jobStart: CommittedPosition | undefined;
  /** What the job's last commit that failed tried to record: whether it went through is read from Kafka. */
  #attempted: CommittedPosition | undefined;

  constructor(partition: TransactionalPartition, maxBatchBytes: number, log: Logger, ended: TransactionEnded) {
    this.#partition = partition;
    this.#maxBatchBytes = maxBatchBytes;
    this.#log = log;
    this.#ended = ended;
  }

  /** Opens the job's transaction; resolves to the partition's committed position. */
  async begin(): Promise<CommittedPosition | undefined> {
    this.#records = [];
    this.#attempted = undefined;
    await this.#ensureOpen({ partWay: false });
    this.#jobStart = this.#position;
    return this.#position;
  }

  send(topic: string, messages: readonly Message[]): Promise<void> {
    return this.sendEach(messages.map((message) => ({ topic, message })));
  }

  async sendEach(records: readonly TopicMessage[]): Promise<void> {
    const open = await this.#ensureOpen({ partWay: true });
    let accepted = 0;
    for (const part of chunkByBytes(records, this.#maxBatchBytes, (r) => r.message)) {
      try {
        await open.sendBatch(toTopicMessages(part));
      } catch (error) {
        await this.#failed(error);
        throw accepted > 0 ? new PartlyAcceptedError(accepted, error) : error;
      }
      this.#records.push(...part);
      accepted += part.length;
    }
  }

  /**
   * Commits the job's records with what `record` says: its new position under a new commit id, or
   * the partition's position as it is under the commit id given, so that every commit that holds
   * something changes what the partition has recorded. Retried after a failure whose outcome the
   * broker knows and this producer does not (a lost answer): the new producer's committed position
   * then says whether the transaction went through — it holds that attempt's commit id — so it is
   * not written twice; and, when it changed otherwise, that the job was taken over meanwhile.
   */
  async commit(record: CommitRecord = {}): Promise<void> {
    let open = this.#open;
    if (!open) {
      // Part-way too, but with its own checks in this order: committed after all, then taken over.
      open = await this.#ensureOpen({ partWay: false });
      if (this.#attempted && sameCommit(this.#position, this.#attempted)) {
        this.#log.info({ position: this.#position }, 'the transaction whose commit failed was committed after all');
        this.#attempted = undefined;
        await this.abort();
        return;
      }
      await this.#assertNotTakenOver();
      await this.#replay(open);
    }
    const nothing = !record.position && !record.commitId && this.#records.length === 0;
    const { outboxId, timeline } = record.position ?? this.#position ?? noPosition;
    const recorded = nothing ? undefined : { outboxId, timeline, commitId: record.commitId ?? randomUUID() };
    this.#attempted = recorded;
    try {
      await open.commit(recorded);
    } catch (error) {
      await this.#failed(error);
      throw error;
    }
    this.#open = undefined;
    this.#records = [];
    this.#attempted = undefined;
    if (recorded) this.#position = recorded;
    this.#ended('committed');
  }

  /** Ends the job's transaction without committing it. */
  async abort(): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    this.#records = [];
    if (!open) return;
    await open
      .abort()
      .then(() => this.#ended('aborted'))
      .catch(async (error: unknown) => {
        // A zombie learns it was fenced here when its job was taken over before it sent again.
        if (error instanceof FencedError) this.#fencedOr(error);
        else this.#log.warn({ err: error }, 'could not abort the transaction; the next producer of the partition ends it');
        await this.#partition.reset();
      });
  }

  /** Drops the producer (the publisher no longer owns the partition, or closes). */
  async close(): Promise<void> {
    await this.abort();
    await this.#partition.reset();
  }

  /**
   * The job's open transaction, or a new one. `partWay`: the job has begun, so a new producer checks
   * that the job was not taken over (see the class) and sends again what the failed transaction held.
   */
  async #ensureOpen({ partWay }: { partWay: boolean }): Promise<OpenTransaction> {
    if (this.#open) return this.#open;
    let begun: Awaited<ReturnType<TransactionalPartition['begin']>>;
    try {
      begun = await this.#partition.begin();
    } catch (error) {
      throw this.#fencedOr(error);
    }
    if (begun.fresh) this.#position = begun.position;
    this.#open = begun.transaction;
    if (partWay) {
      await this.#assertNotTakenOver();
      await this.#replay(begun.transaction);
    }
    return begun.transaction;
  }

  /**
   * Gives the job back ({@link Fenced}) when the partition's position moved since the job began:
   * another publisher committed in between. Only a new producer can see that (it read the position
   * after fencing every earlier one); this one stays, as the partition's owner now.
   */
  async #assertNotTakenOver(): Promise<void> {
    if (sameCommit(this.#position, this.#jobStart)) return;
    this.#log.warn(
      { jobStart: this.#jobStart, position: this.#position },
      'another publisher committed this partition while the job was in progress: it was taken over, and goes back unacknowledged',
    );
    await this.abort();
    throw new Fenced();
  }

  /** Sends again what the failed transaction held, so the job's transaction is whole. */
  async #replay(open: OpenTransaction): Promise<void> {
    try {
      for (const part of chunkByBytes(this.#records, this.#maxBatchBytes, (r) => r.message))
        await open.sendBatch(toTopicMessages(part));
    } catch (error) {
      await this.#failed(error);
      throw error;
    }
  }

  /**
   * A send or commit failed: the transaction goes on only when Kafka refused records it never
   * wrote; otherwise it is aborted and the producer dropped. Throws {@link Fenced} when fenced.
   */
  async #failed(error: unknown): Promise<void> {
    const fenced = error instanceof FencedError;
    if (!fenced && classifyKafkaError(error).poison) return;
    const open = this.#open;
    this.#open = undefined;
    // Aborted at once rather than left to the next producer: an open transaction holds back
    // read_committed consumers of every Kafka partition it wrote to.
    if (!fenced && open)
      await open.abort().then(
        () => this.#ended('aborted'),
        () => undefined,
      );
    await this.#partition.reset();
    if (fenced) throw this.#fencedOr(error);
  }

  #fencedOr(error: unknown): unknown {
    if (!(error instanceof FencedError)) return error;
    this.#ended('fenced');
    this.#log.warn(
      { transactionalId: this.#partition.transactionalId },
      'fenced: another publisher initialised this partition’s transactional id and owns it now; the job goes back unacknowledged',
    );
    return new Fenced();
  }
}
