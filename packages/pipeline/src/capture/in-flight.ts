/** What scans read of the rows in flight, per partition: outbox id → the event it was enqueued as. */
export type InFlightView = readonly ReadonlyMap<number, string>[];

/** An outbox row as enqueued: its id and the event it held. */
export interface InFlightEvent {
  id: number;
  eventId: string;
}

/**
 * Rows enqueued and not yet acknowledged, per partition: outbox id → the event it was enqueued as.
 * An id counts as in flight for that event only, since SQLite can hand the id to another event
 * later (see find-stranded.ts). A partition outside the range has nothing in flight and keeps
 * nothing.
 */
export class InFlight {
  readonly #partitions: Map<number, string>[];

  constructor(partitions: number) {
    this.#partitions = Array.from({ length: partitions }, () => new Map<number, string>());
  }

  /** Read-only, for scans that compare the outbox with what is in flight (findStranded). */
  get view(): InFlightView {
    return this.#partitions;
  }

  get total(): number {
    return this.#partitions.reduce((n, rows) => n + rows.size, 0);
  }

  size(partition: number): number {
    return this.#partitions[partition]?.size ?? 0;
  }

  /** Rows in flight in each partition, in partition order. */
  sizes(): number[] {
    return this.#partitions.map((rows) => rows.size);
  }

  add(partition: number, events: readonly InFlightEvent[]): void {
    const rows = this.#partitions[partition];
    for (const event of events) rows?.set(event.id, event.eventId);
  }

  /** Forgets the rows whatever event they hold now: for jobs that were never enqueued. */
  remove(partition: number, events: readonly InFlightEvent[]): void {
    const rows = this.#partitions[partition];
    for (const event of events) rows?.delete(event.id);
  }

  /**
   * Forgets acknowledged rows. An acknowledgement counts only for the event it names, when it names
   * one (`eventIds` is empty from publishers that did not send them): an id that now holds another
   * event stays in flight.
   */
  acknowledge(partition: number, outboxIds: readonly number[], eventIds: readonly string[]): void {
    const rows = this.#partitions[partition];
    outboxIds.forEach((id, i) => {
      const eventId = eventIds[i];
      if (eventId === undefined || rows?.get(id) === eventId) rows?.delete(id);
    });
  }

  clear(partition: number): void {
    this.#partitions[partition]?.clear();
  }

  clearAll(): void {
    for (const rows of this.#partitions) rows.clear();
  }
}
