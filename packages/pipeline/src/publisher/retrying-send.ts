import { classifyKafkaError } from '@outbox/kafka';
import { backoffDelay, sleep } from '@outbox/runtime';
import type { PipelineObserver } from '../pipeline-observer.ts';
import { GiveBack, Poison } from './delivery-errors.ts';
import type { DeliveryJob } from './delivery-job.ts';
import type { PartitionHalts } from './partition-halts.ts';

export interface RetryingSendOptions {
  /** Attempts per send before its partition halts (a halted partition is probed with one). */
  maxAttempts: number;
  /** The first backoff delay; it doubles with each attempt. */
  retryInitialMs: number;
  /** The longest backoff delay. */
  retryMaxMs: number;
  /** Aborts backoff sleeps when the publisher closes. */
  signal: AbortSignal;
  observer: Required<PipelineObserver>;
  halts: PartitionHalts;
}

/**
 * What a send does when Kafka refuses its records for good (too large, invalid): `throw` a
 * {@link Poison} for the caller to split the send or dead-letter the event, or `halt` the
 * partition, when nothing smaller can be sent.
 */
export type OnRefusal = 'throw' | 'halt';

/**
 * One send to Kafka, retried inside the job with capped exponential backoff (so the job keeps its
 * place at the head of its partition), halting the partition when the attempts run out or the
 * error is not retriable.
 */
export class RetryingSend {
  readonly #options: RetryingSendOptions;

  constructor(options: RetryingSendOptions) {
    this.#options = options;
  }

  /** `headId`: the first event the send has not delivered, which the partition stops at if it halts. */
  async send(job: DeliveryJob, headId: () => number, send: () => Promise<void>, onRefusal: OnRefusal): Promise<void> {
    const { partition, log } = job;
    const { halts, observer } = this.#options;
    // A halted partition is probed with a single attempt; a healthy one gets the full budget.
    const attempts = halts.haltOf(partition)?.probing ? 1 : this.#options.maxAttempts;
    const firstFailure = new Date();
    for (let attempt = 1; ; attempt++) {
      if (job.lost?.aborted) throw new GiveBack();
      try {
        await send();
        return;
      } catch (error) {
        // Fenced: the job is another publisher's now; nothing to retry.
        if (error instanceof GiveBack) throw error;
        const kind = classifyKafkaError(error);
        const message = (error as Error).message;
        if (!kind.retriable && kind.poison && onRefusal === 'throw') {
          throw new Poison({ type: kind.type, message, attempts: attempt, firstFailure }, error);
        }
        const outboxId = headId();
        if (!kind.retriable) halts.haltJob(job, { reason: `${kind.type}: ${message}`, outboxId, poison: kind.poison }, error);
        if (attempt >= attempts) {
          const reason = `${attempts} attempts failed, last: ${kind.type}: ${message}`;
          halts.haltJob(job, { reason, outboxId, poison: false }, error);
        }
        const delayMs = backoffDelay(attempt, { initialMs: this.#options.retryInitialMs, maxMs: this.#options.retryMaxMs });
        log.warn({ err: error, attempt, delayMs, errorType: kind.type }, 'send to Kafka failed; retrying');
        observer.retried({ partition, errorType: kind.type, message, attempt, delayMs });
        const stop = job.lost ? AbortSignal.any([this.#options.signal, job.lost]) : this.#options.signal;
        await sleep(delayMs, stop);
        if (stop.aborted) throw new GiveBack();
      }
    }
  }
}
