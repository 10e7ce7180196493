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

/**
 * Applies publishers' acknowledgements: deletes the rows and takes them out of flight. Runs beside
 * capture iterations, outside their exclusive section: capture counts rows in flight before their
 * jobs exist, so an acknowledgement never arrives before its row is in flight.
 */
export class AckApplier {
  readonly #options: AckApplierOptions;
  #acknowledged = 0;
  #unapplied = false;

  constructor(options: AckApplierOptions) {
    this.#options = options;
  }

  /** Rows acknowledged since start. */
  get acknowledged(): number {
    return this.#acknowledged;
  }

  /**
   * One read of new entries, for the ack loop; true when there were any. Acknowledgements already
   * read whose delete failed (SQLITE_BUSY, Redis gone) stay pending in the stream and are never
   * delivered again as new ones: after a failure they are read first.
   */
  async once(): Promise<boolean> {
    if (this.#unapplied) {
      await this.applyPending();
      this.#unapplied = false;
    }
    const entries = await this.#options.ackStream.read({ pending: false, count: this.#options.batchSize, blockMs: 500 });
    try {
      if (entries.length > 0) await this.#apply(entries);
    } catch (error) {
      this.#unapplied = true;
      throw error;
    }
    return entries.length > 0;
  }

  /** Every entry in the stream, pending and new, applied in order. */
  async applyAll(): Promise<void> {
    await this.applyPending();
    for (;;) {
      const entries = await this.#options.ackStream.read({ pending: false, count: this.#options.batchSize, blockMs: 1 });
      if (entries.length === 0) return;
      await this.#apply(entries);
    }
  }

  /** Entries delivered to this consumer but never acknowledged in the stream, applied in order. */
  async applyPending(): Promise<void> {
    for (;;) {
      const entries = await this.#options.ackStream.read({ pending: true, count: this.#options.batchSize, blockMs: 0 });
      if (entries.length === 0) return;
      await this.#apply(entries);
    }
  }

  /**
   * Deletes acknowledged rows in one transaction, then removes the entries from the stream. An
   * acknowledgement counts only for the event it names: a row or in-flight id that now holds
   * another event stays.
   */
  async #apply(entries: AckEntry[]): Promise<void> {
    this.#options.onRead?.(entries);
    const acked = entries.flatMap((entry) => entry.outboxIds.map((id, i) => ({ id, eventId: entry.eventIds[i] })));
    await this.#options.store.deleteAcknowledged(
      acked,
      entries.flatMap((entry) => entry.keepIds),
    );
    await this.#options.ackStream.done(entries.map((entry) => entry.streamId));
    for (const entry of entries) this.#options.inFlight.acknowledge(entry.partition, entry.outboxIds, entry.eventIds);
    this.#acknowledged += acked.length;
    this.#options.onApplied(acked.length);
  }
}
