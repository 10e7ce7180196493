import type { Logger } from '@outbox/logger';
import type { PipelineObserver } from '../pipeline-observer.ts';
import { GiveBack } from './delivery-errors.ts';
import type { HaltCause, HaltedPartition } from './halted-state.ts';

/**
 * The partitions this publisher halted, and why. A halted partition is probed with a single
 * attempt per send until a job of it is delivered; observers hear of a halt when it starts and of
 * its end.
 */
export class PartitionHalts {
  readonly #halted = new Map<number, HaltedPartition>();
  readonly #observer: Required<PipelineObserver>;
  readonly #haltProbeIntervalMs: number;

  constructor(options: { observer: Required<PipelineObserver>; haltProbeIntervalMs: number }) {
    this.#observer = options.observer;
    this.#haltProbeIntervalMs = options.haltProbeIntervalMs;
  }

  /** Why the partition is halted, or undefined when it is not (as far as this publisher knows). */
  haltOf(partition: number): HaltedPartition | undefined {
    return this.#halted.get(partition);
  }

  /**
   * An operator cleared the partition's halted flag: its next sends get the full budget again. It
   * stays halted for the observers until it delivers, so that is reported as resumed, and a
   * failure before that as a new halt.
   */
  operatorRestarted(partition: number): void {
    const halted = this.#halted.get(partition);
    if (halted) halted.probing = false;
  }

  /** A job of the partition was delivered: ends its halt, if any. True when one ended (observers are told). */
  endHalt(partition: number, log: Logger): boolean {
    if (!this.#halted.delete(partition)) return false;
    log.info('partition resumed: the broker accepts events again');
    this.#observer.resumed(partition);
    return true;
  }

  /**
   * Marks the partition halted (probed with one attempt from now on). Logged and told to the
   * observers when it starts: the first time, or again after an operator restart did not help.
   */
  halt(partition: number, log: Logger, cause: HaltCause, error: unknown): void {
    const previous = this.#halted.get(partition);
    const fresh = !previous?.probing;
    this.#halted.set(partition, { ...cause, since: fresh ? new Date().toISOString() : previous.since, probing: true });
    if (fresh) {
      log.error(
        { err: error, reason: cause.reason, outboxId: cause.outboxId, probeIntervalMs: this.#haltProbeIntervalMs },
        'partition halted; its events wait in the outbox, in order',
      );
      this.#observer.halted(partition, cause.reason);
    }
  }

  /** Halts the job's partition and gives the job back. */
  haltJob(job: { partition: number; log: Logger }, cause: HaltCause, error?: unknown): never {
    this.halt(job.partition, job.log, cause, error);
    throw new GiveBack();
  }
}
