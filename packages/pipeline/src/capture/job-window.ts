/**
 * Jobs enqueued and not yet wholly acknowledged, per partition: each job is known by its last
 * outbox id, and a partition's jobs are acknowledged in order, so a job is done once an
 * acknowledgement reaches its last id. Counted when an acknowledgement is read, before its rows
 * are deleted: the next job need not wait for the writer's lock.
 *
 * Capture keeps at most capture.maxJobsInFlightPerPartition jobs per partition queued (one by
 * default): rows committed meanwhile wait in the outbox and go out together in the next job. A quiet
 * partition's rows leave at once, one small job each; a busy one's jobs grow with its rate, with
 * no timer to wait for.
 */
export class JobWindow {
  readonly #ends: number[][];
  readonly #acknowledged: number[];

  constructor(partitions: number) {
    this.#ends = Array.from({ length: partitions }, () => []);
    this.#acknowledged = new Array<number>(partitions).fill(0);
  }

  /** A job whose last row an acknowledgement already passed (read before this was called) is done. */
  enqueued(partition: number, lastId: number): void {
    if (lastId > (this.#acknowledged[partition] ?? 0)) this.#ends[partition]?.push(lastId);
  }

  acknowledged(partition: number, outboxIds: readonly number[]): void {
    let highest = this.#acknowledged[partition] ?? 0;
    for (const id of outboxIds) if (id > highest) highest = id;
    this.#acknowledged[partition] = highest;
    const ends = this.#ends[partition];
    while (ends && ends.length > 0 && (ends[0] ?? 0) <= highest) ends.shift();
  }

  /** Jobs in flight in each partition, in partition order. */
  counts(): number[] {
    return this.#ends.map((ends) => ends.length);
  }

  /** Capture forgot what the partition has in flight (Redis lost its data, a rewind). */
  clear(partition: number): void {
    if (this.#ends[partition]) this.#ends[partition] = [];
    this.#acknowledged[partition] = 0;
  }

  clearAll(): void {
    for (let p = 0; p < this.#ends.length; p++) this.clear(p);
  }
}
