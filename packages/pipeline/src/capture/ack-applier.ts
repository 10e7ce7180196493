import type { OutboxStore } from '@outbox/outbox-store';
import type { AckEntry, AckStream } from '@outbox/queue';
import type { InFlight } from './in-flight.ts';

export interface AckApplierOptions {
  /** Where acknowledged rows are deleted: the outbox store, or a thread of its own (see CaptureWorkerOptions). */
  store: { deleteAcknowledged(...args: Parameters<OutboxStore['deleteAcknowledged']>): number[] | Promise<number[]> };
  /** Needs a Redis connection of its own: it blocks while waiting for acknowledgements. */
  ackStream: AckStream;
  /** Entries read from the stream, and applied in one transaction, at a time. */
  batchSize: number;
  /** The capture worker's bookkeeping, which acknowledged rows leave. */
  inFlight: InFlight;
  /** Called with each batch read, before its rows are deleted: what it frees need not wait for the delete. */
  onRead?: (entries: readonly AckEntry[]) => void;
  /** Called after each applied batch with the rows it acknowledged: freed budget wakes capture. */
  onApplied: (acknowledged: number) => void;
}

/** Acknowledged events waiting for their delete before the ack loop stops reading. */
const maxQueuedEvents = 50_000;

/**
 * Applies publishers' acknowledgements: deletes the rows and takes them out of flight. Runs beside
 * capture iterations, outside their exclusive section: capture counts rows in flight before their
 * jobs exist, so an acknowledgement never arrives before its row is in flight.
 */
export class AckApplier {
  readonly #options: AckApplierOptions;
  #acknowledged = 0;
  #unapplied = false;
  /** The deletes queued by once(), in order; never rejects (a failure is kept in #failure). */
  #applying: Promise<void> = Promise.resolve();
  /** Entries read and waiting for the running delete, to be deleted together after it. */
  #next: AckEntry[] | undefined;
  #nextEvents = 0;
  #failure: unknown;

  constructor(options: AckApplierOptions) {
    this.#options = options;
  }

  /** Rows acknowledged since start. */
  get acknowledged(): number {
    return this.#acknowledged;
  }

  /**
   * One read of new entries, for the ack loop; true when there were any. Their delete is queued
   * behind the running one (in order, at most `maxQueuedEvents` waiting) and the loop reads on:
   * a delete waiting for the writer's lock must not keep the next acknowledgements from freeing
   * their partitions' job windows (onRead). Acknowledgements whose delete failed (SQLITE_BUSY,
   * Redis gone) stay pending in the stream and are never delivered again as new ones: after a
   * failure, once the queue is empty, they are applied first; the failure is thrown once, so
   * the loop reports it.
   */
  async once(): Promise<boolean> {
    if (this.#failure) {
      const failure = this.#failure;
      this.#failure = undefined;
      await this.#applying;
      this.#unapplied = true;
      throw failure;
    }
    if (this.#unapplied) {
      await this.applyPending();
      this.#unapplied = false;
    }
    if (this.#nextEvents >= maxQueuedEvents) await this.#applying;
    const entries = await this.#options.ackStream.read({ pending: false, count: this.#options.batchSize, blockMs: 500 });
    if (entries.length === 0) return false;
    // Read, so pending in the stream: whatever happens before they are queued, they are applied
    // from there (the flag is cleared once they are queued).
    this.#unapplied = true;
    this.#options.onRead?.(entries);
    this.#unapplied = false;
    // Entries read while a delete runs join one group, deleted in one transaction after it: a
    // commit (and its fsync) per read would flood the writer's lock and wake capture each time.
    this.#nextEvents += entries.reduce((n, entry) => n + entry.outboxIds.length, 0);
    if (this.#next) {
      for (const entry of entries) this.#next.push(entry);
      return true;
    }
    const group = [...entries];
    this.#next = group;
    this.#applying = this.#applying
      .then(() => {
        if (this.#next === group) {
          this.#next = undefined;
          this.#nextEvents = 0;
        }
        return this.#apply(group);
      })
      .catch((error: unknown) => {
        this.#failure ??= error;
      });
    return true;
  }

  /** Waits for the deletes queued by {@link once}: before the worker stops. */
  async drain(): Promise<void> {
    await this.#applying;
  }

  /** Every entry in the stream, pending and new, applied in order. */
  async applyAll(): Promise<void> {
    await this.applyPending();
    for (;;) {
      const entries = await this.#options.ackStream.read({ pending: false, count: this.#options.batchSize, blockMs: 1 });
      if (entries.length === 0) return;
      this.#options.onRead?.(entries);
      await this.#apply(entries);
    }
  }

  /** Entries delivered to this consumer but never acknowledged in the stream, applied in order. */
  async applyPending(): Promise<void> {
    for (;;) {
      const entries = await this.#options.ackStream.read({ pending: true, count: this.#options.batchSize, blockMs: 0 });
      if (entries.length === 0) return;
      this.#options.onRead?.(entries);
      await this.#apply(entries);
    }
  }

  /**
   * Deletes acknowledged rows in one transaction, then removes the entries from the stream. An
   * acknowledgement counts only for the event it names: a row or in-flight id that now holds
   * another event stays.
   */
  async #apply(entries: AckEntry[]): Promise<void> {
    const acked = entries.flatMap((entry) => entry.outboxIds.map((id, i) => ({ id, eventId: entry.eventIds[i] })));
    await this.#options.store.deleteAcknowledged(
      acked,
      entries.flatMap((entry) => entry.keepIds),
    );
    // Out of flight as soon as their rows are gone, before the stream hears of it: the stream's
    // connection may be waiting out a blocking read first, and `offsets` would meanwhile show rows
    // in flight that the outbox no longer holds. Applying an entry twice changes nothing.
    for (const entry of entries) this.#options.inFlight.acknowledge(entry.partition, entry.outboxIds, entry.eventIds);
    await this.#options.ackStream.done(entries.map((entry) => entry.streamId));
    this.#acknowledged += acked.length;
    this.#options.onApplied(acked.length);
  }
}
