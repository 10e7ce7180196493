/**
 * What one job's delivery has done so far, in order: the events put in their topic, dead-lettered
 * or resolved by an operator, and which of them went to the dead-letter topic without their value.
 * Owned by the one call that delivers the job and passed down explicitly, so it is read the same
 * whether the delivery completes or stops part-way (a halt, the publisher closing, a lost lock):
 * the events already done are then acknowledged instead of sent again.
 */
export class DeliveryProgress {
  readonly #handled: number[] = [];
  readonly #keepIds: number[] = [];

  /** The job's events done so far (outbox ids), in order. */
  get handled(): readonly number[] {
    return this.#handled;
  }

  /** Events dead-lettered without their value, whose rows the capture worker keeps. */
  get keepIds(): readonly number[] {
    return this.#keepIds;
  }

  /** These events are in their topic, or were resolved by an operator. */
  done(ids: readonly number[]): void {
    for (const id of ids) this.#handled.push(id);
  }

  /** The event is in the dead-letter topic; without its value when `rowKept` (see keepIds). */
  deadLettered(id: number, rowKept: boolean): void {
    if (rowKept) this.#keepIds.push(id);
    this.#handled.push(id);
  }

  /** Takes over what `other` did, after it (a transaction's work, once committed). */
  adopt(other: DeliveryProgress): void {
    this.#handled.push(...other.handled);
    this.#keepIds.push(...other.keepIds);
  }

  /** Whether the event is the last one done. */
  endsWith(id: number): boolean {
    return this.#handled.at(-1) === id;
  }
}
