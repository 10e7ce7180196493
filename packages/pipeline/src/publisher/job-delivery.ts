import type { OutboxEvent } from '@outbox/contracts';
import { type EventProducer, PartlyAcceptedError, toKafkaMessage, topicFor } from '@outbox/kafka';
import type { PipelineObserver } from '../pipeline-observer.ts';
import { DeadLetters } from './dead-letters.ts';
import { Poison } from './delivery-errors.ts';
import type { DeliveryJob, HeadResolver } from './delivery-job.ts';
import { DeliveryProgress } from './delivery-progress.ts';
import { PartitionHalts } from './partition-halts.ts';
import { RetryingSend } from './retrying-send.ts';

/** How jobs are delivered; the settings come from the configuration (`publisher.*`), as for PublisherWorkerOptions. */
export interface JobDeliveryOptions {
  /** Sends to Kafka; a send spanning several requests reports what Kafka took (PartlyAcceptedError). */
  producer: EventProducer;
  /** The topic of an aggregate type (`{aggregateType}` is replaced). */
  topicTemplate: string;
  /** The dead-letter topic of an aggregate type (`{aggregateType}` is replaced). */
  dlqTopicTemplate: string;
  /**
   * Makes sure topics exist before the first send to them (an outbox table with an aggregate-type
   * column names its topics only in its rows). @defaultValue none: topics are made beforehand
   */
  ensureTopics?: (topics: readonly string[]) => Promise<void>;
  /**
   * What happens to an event Kafka refuses for good (too large, invalid) or that cannot be carried
   * (a payload that is not JSON, an odd row): sent to the dead-letter topic, and the partition goes
   * on (`dead-letter`), or its partition halts on it until an operator skips or dead-letters it
   * (`halt`).
   */
  onPoison: 'dead-letter' | 'halt';
  /** Attempts per send before its partition halts; a halted partition is probed with one. */
  maxAttempts: number;
  /** The first delay between attempts; it doubles with each attempt (with jitter), up to `retryMaxMs`. */
  retryInitialMs: number;
  /** The longest delay between attempts. */
  retryMaxMs: number;
  /** How long a halted partition waits between probes (logged with the halt). */
  haltProbeIntervalMs: number;
  /** Aborts backoff sleeps when the publisher closes. */
  signal: AbortSignal;
  /** Told of retries, dead letters, halts and their end. */
  observer: Required<PipelineObserver>;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Why an event cannot go to its topic at all, found before anything is sent. */
interface Rejection {
  type: 'INVALID_ROW' | 'INVALID_PAYLOAD';
  message: string;
}

function rejectionOf(event: OutboxEvent): Rejection | undefined {
  if (event.invalid) return { type: 'INVALID_ROW', message: `the outbox row cannot be carried as it is: ${event.invalid}` };
  if (!isJson(event.payload)) return { type: 'INVALID_PAYLOAD', message: 'the payload is not valid JSON' };
  return undefined;
}

/**
 * Sends a job's events to Kafka: bounded retries with backoff inside the job (so it keeps its
 * place at the head of its partition), halting the partition when they run out, and dead letters
 * for poison events. Knows nothing of BullMQ; the publisher turns its outcome into acks and halts.
 *
 * A send Kafka rejects for good is split in halves, down to the single event at fault, in both
 * `onPoison` modes (docs/architecture.md, "Publishing"): healthy events are never blamed for a neighbour. In halt mode the
 * events before the poison one are then in Kafka, listed in the job's {@link DeliveryProgress} for
 * the publisher to acknowledge; the poison event and everything after it wait, so nothing is
 * reordered or lost.
 */
export class JobDelivery {
  readonly #options: JobDeliveryOptions;
  /** The partitions this publisher halted. */
  readonly halts: PartitionHalts;
  readonly #retrying: RetryingSend;
  readonly #deadLetters: DeadLetters;

  constructor(options: JobDeliveryOptions) {
    this.#options = options;
    this.halts = new PartitionHalts(options);
    this.#retrying = new RetryingSend({ ...options, halts: this.halts });
    this.#deadLetters = new DeadLetters({ ...options, retrying: this.#retrying });
  }

  /**
   * Puts every event of a job in its topic, in order, or — if it is poison — in the dead-letter
   * topic (or halts, with `onPoison: halt`). An event one of `heads` names is left to it, in its
   * place. In halt mode a payload that is not JSON, or a row that cannot be carried (see
   * normalizeOutboxRow), halts the partition before anything is sent, so a probe never re-sends a
   * prefix it cannot get past.
   *
   * Returns what was done: `progress`, which the caller passes in when it needs to know that also
   * when the delivery stops part-way (a GiveBack, or any other error).
   */
  async deliver(
    job: DeliveryJob,
    events: readonly OutboxEvent[],
    heads: readonly HeadResolver[] = [],
    progress = new DeliveryProgress(),
  ): Promise<DeliveryProgress> {
    const byId = new Map(heads.map((head) => [head.outboxId, head]));
    // Each payload is parsed once, here; the sends below only look the answer up.
    const invalid = new Map<number, Rejection>();
    for (const event of events) {
      const rejection = byId.has(event.id) ? undefined : rejectionOf(event);
      if (rejection) invalid.set(event.id, rejection);
    }
    const [first] = invalid;
    if (this.#options.onPoison === 'halt' && first !== undefined) {
      const [outboxId, rejection] = first;
      const reason = `${rejection.type}: outbox id ${outboxId}: ${rejection.message}`;
      this.halts.haltJob(job, { reason, outboxId, poison: true });
    }
    let run: OutboxEvent[] = [];
    for (const event of events) {
      const head = byId.get(event.id);
      if (!head) {
        run.push(event);
        continue;
      }
      await this.#deliverInOrder(job, progress, run, invalid);
      run = [];
      await head.resolve(event, progress);
      // A dead letter by the operator is already recorded by DeadLetters; a skip is not.
      if (!progress.endsWith(event.id)) progress.done([event.id]);
    }
    await this.#deliverInOrder(job, progress, run, invalid);
    return progress;
  }

  /**
   * Runs a step that is not a send of events (a transaction's start or commit) with the same
   * bounded retries, halting the partition when they run out.
   */
  withRetries(job: DeliveryJob, headId: () => number, step: () => Promise<void>): Promise<void> {
    return this.#retrying.send(job, headId, step, 'halt');
  }

  /** Dead-letters an event an operator chose (error class MANUAL), whatever `onPoison` says. */
  deadLetterByOperator(job: DeliveryJob, progress: DeliveryProgress, event: OutboxEvent, reason: string): Promise<void> {
    return this.#deadLetters.byOperator(job, progress, event, reason);
  }

  async #deliverInOrder(
    job: DeliveryJob,
    progress: DeliveryProgress,
    events: readonly OutboxEvent[],
    invalid: ReadonlyMap<number, Rejection>,
  ): Promise<void> {
    let healthy: OutboxEvent[] = [];
    for (const event of events) {
      const rejection = invalid.get(event.id);
      if (!rejection) {
        healthy.push(event);
        continue;
      }
      await this.#sendOrSplit(job, progress, healthy);
      healthy = [];
      await this.#deadLetters.send(job, progress, event, { ...rejection, attempts: 0, firstFailure: new Date() });
    }
    await this.#sendOrSplit(job, progress, healthy);
  }

  async #sendOrSplit(job: DeliveryJob, progress: DeliveryProgress, events: readonly OutboxEvent[]): Promise<void> {
    // What Kafka does not hold yet: a send it partly accepted is retried, split or halted on from
    // the first message it did not take, so the accepted ones are never written twice.
    let rest = events;
    let messages = events.map((event) => ({
      topic: topicFor(this.#options.topicTemplate, event.aggregateType),
      message: toKafkaMessage(event),
    }));
    const sendRest = async () => {
      try {
        await this.#options.ensureTopics?.([...new Set(messages.map((m) => m.topic))]);
        await (job.sender ?? this.#options.producer).sendEach(messages);
      } catch (error) {
        const accepted = error instanceof PartlyAcceptedError ? error.accepted : 0;
        progress.done(rest.slice(0, accepted).map((event) => event.id));
        rest = rest.slice(accepted);
        messages = messages.slice(accepted);
        throw error;
      }
    };
    if (rest.length === 0) return;
    try {
      await this.#retrying.send(job, () => rest[0]?.id ?? 0, sendRest, 'throw');
      progress.done(rest.map((event) => event.id));
    } catch (error) {
      if (!(error instanceof Poison)) throw error;
      const [first] = rest;
      if (first && rest.length === 1) {
        if (this.#options.onPoison === 'halt') {
          const reason = `${error.failure.type}: outbox id ${first.id}: ${error.failure.message}`;
          this.halts.haltJob(job, { reason, outboxId: first.id, poison: true }, error);
        }
        await this.#deadLetters.send(job, progress, first, error.failure);
        return;
      }
      const half = Math.ceil(rest.length / 2);
      await this.#sendOrSplit(job, progress, rest.slice(0, half));
      await this.#sendOrSplit(job, progress, rest.slice(half));
    }
  }
}
