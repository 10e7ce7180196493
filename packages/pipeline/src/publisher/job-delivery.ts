import type { OutboxEvent } from '@outbox/contracts';
import {
  classifyKafkaError,
  type EventProducer,
  PartlyAcceptedError,
  toDeadLetter,
  toKafkaMessage,
  topicFor,
} from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import { backoffDelay, sleep } from '@outbox/runtime';
import type { PipelineObserver } from '../pipeline-observer.ts';
import type { HaltCause, HaltedPartition } from './halted-state.ts';

export interface JobDeliveryOptions {
  producer: EventProducer;
  dlqTopicTemplate: string;
  /** Dead-letter poison events and go on, or halt their partition. */
  onPoison: 'dead-letter' | 'halt';
  /** Attempts per send before its partition halts. */
  maxAttempts: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /** How long a halted partition waits between probes (logged with the halt). */
  haltProbeIntervalMs: number;
  /** Aborts backoff sleeps when the publisher closes. */
  signal: AbortSignal;
  observer: Required<PipelineObserver>;
}

/** Thrown inside a job to give it back to its queue without failing it. */
export class GiveBack extends Error {}

interface Failure {
  type: string;
  message: string;
  attempts: number;
  firstFailure: Date;
}

/**
 * An event an operator chose to skip or dead-letter (by outbox id), and what to do in its place.
 * The events before it are delivered first, the ones after it once `resolve` has returned.
 */
export interface HeadResolver {
  outboxId: number;
  resolve(event: OutboxEvent): Promise<void>;
}

/** A send Kafka rejected for good because of the records in it. */
class Poison extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** One job on its way to Kafka. */
export interface Delivery {
  partition: number;
  log: Logger;
  aggregateType: string;
  topic: string;
  /**
   * Aborted when this publisher lost the job's lock (another may be sending it now): no further
   * send is started, so the two cannot interleave beyond the send already in flight.
   */
  lost?: AbortSignal;
  /** Events dead-lettered without their value, whose rows the capture worker keeps. */
  keepIds: number[];
  /**
   * The job's events done so far, in order: in their topic, dead-lettered, or resolved by an
   * operator. When the job halts part-way, these can be acknowledged instead of sent again.
   */
  handled: number[];
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
 * for poison events. Knows nothing of BullMQ; the publisher worker turns its outcomes into acks
 * and halts.
 *
 * A send Kafka rejects for good is split in halves, down to the single event at fault, in both
 * `onPoison` modes (docs/architecture.md, "Publishing"): healthy events are never blamed for a neighbour. In halt mode the
 * events before the poison one are then in Kafka, listed in `Delivery.handled` for the publisher
 * to acknowledge; the poison event and everything after it wait, so nothing is reordered or lost.
 */
export class JobDelivery {
  readonly #o: JobDeliveryOptions;
  readonly #halted = new Map<number, HaltedPartition>();

  constructor(options: JobDeliveryOptions) {
    this.#o = options;
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

  /** A job of the partition was delivered; true when that ended a halt (observers are told). */
  delivered(partition: number, log: Logger): boolean {
    if (!this.#halted.delete(partition)) return false;
    log.info('partition resumed: the broker accepts events again');
    this.#o.observer.resumed(partition);
    return true;
  }

  /**
   * Puts every event of a job in its topic, in order, or — if it is poison — in the dead-letter
   * topic (or halts, with `onPoison: halt`). An event one of `heads` names is left to it, in its
   * place. In halt mode a payload that is not JSON, or a row that cannot be carried (see
   * normalizeOutboxRow), halts the partition before anything is sent, so a probe never re-sends a
   * prefix it cannot get past.
   */
  async deliver(delivery: Delivery, events: OutboxEvent[], heads: readonly HeadResolver[] = []): Promise<void> {
    const byId = new Map(heads.map((head) => [head.outboxId, head]));
    // Each payload is parsed once, here; the sends below only look the answer up.
    const invalid = new Map<number, Rejection>();
    for (const event of events) {
      const rejection = byId.has(event.id) ? undefined : rejectionOf(event);
      if (rejection) invalid.set(event.id, rejection);
    }
    const [first] = invalid;
    if (this.#o.onPoison === 'halt' && first !== undefined) {
      const [outboxId, rejection] = first;
      const reason = `${rejection.type}: outbox id ${outboxId}: ${rejection.message}`;
      this.#haltOn(delivery, { reason, outboxId, poison: true });
    }
    let run: OutboxEvent[] = [];
    for (const event of events) {
      const head = byId.get(event.id);
      if (!head) {
        run.push(event);
        continue;
      }
      await this.#deliverInOrder(delivery, run, invalid);
      run = [];
      await head.resolve(event);
      // A dead letter by the operator is already counted by #deadLetter; a skip is not.
      if (delivery.handled.at(-1) !== event.id) delivery.handled.push(event.id);
    }
    await this.#deliverInOrder(delivery, run, invalid);
  }

  async #deliverInOrder(delivery: Delivery, events: OutboxEvent[], invalid: ReadonlyMap<number, Rejection>): Promise<void> {
    let healthy: OutboxEvent[] = [];
    for (const event of events) {
      const rejection = invalid.get(event.id);
      if (!rejection) {
        healthy.push(event);
        continue;
      }
      await this.#sendOrSplit(delivery, healthy);
      healthy = [];
      await this.#deadLetter(delivery, event, { ...rejection, attempts: 0, firstFailure: new Date() });
    }
    await this.#sendOrSplit(delivery, healthy);
  }

  async #sendOrSplit(delivery: Delivery, events: OutboxEvent[]): Promise<void> {
    // What Kafka does not hold yet: a send it partly accepted is retried, split or halted on from
    // the first message it did not take, so the accepted ones are never written twice.
    let rest = events;
    let messages = events.map((event) => toKafkaMessage(event, delivery.aggregateType));
    const sendRest = async () => {
      try {
        await this.#o.producer.send(delivery.topic, messages);
      } catch (error) {
        const accepted = error instanceof PartlyAcceptedError ? error.accepted : 0;
        for (const event of rest.slice(0, accepted)) delivery.handled.push(event.id);
        rest = rest.slice(accepted);
        messages = messages.slice(accepted);
        throw error;
      }
    };
    if (rest.length === 0) return;
    try {
      await this.#sendWithRetry(delivery, () => rest[0]?.id ?? 0, sendRest, 'throw');
      for (const event of rest) delivery.handled.push(event.id);
    } catch (error) {
      if (!(error instanceof Poison)) throw error;
      const [first] = rest;
      if (first && rest.length === 1) {
        if (this.#o.onPoison === 'halt') {
          const reason = `${error.failure.type}: outbox id ${first.id}: ${error.failure.message}`;
          this.#haltOn(delivery, { reason, outboxId: first.id, poison: true }, error);
        }
        await this.#deadLetter(delivery, first, error.failure);
        return;
      }
      const half = Math.ceil(rest.length / 2);
      await this.#sendOrSplit(delivery, rest.slice(0, half));
      await this.#sendOrSplit(delivery, rest.slice(half));
    }
  }

  /** Dead-letters an event an operator chose (error class MANUAL), whatever `onPoison` says. */
  deadLetterByOperator(delivery: Delivery, event: OutboxEvent, reason: string): Promise<void> {
    return this.#deadLetter(delivery, event, { type: 'MANUAL', message: reason, attempts: 0, firstFailure: new Date() });
  }

  async #deadLetter(delivery: Delivery, event: OutboxEvent, failure: Failure): Promise<void> {
    const dlqTopic = topicFor(this.#o.dlqTopicTemplate, delivery.aggregateType);
    const context = {
      errorClass: failure.type,
      errorMessage: failure.message,
      attempts: failure.attempts,
      originalTopic: delivery.topic,
      firstFailure: failure.firstFailure,
      lastFailure: new Date(),
    };
    const message = toKafkaMessage(event, delivery.aggregateType);
    try {
      await this.#sendWithRetry(
        delivery,
        () => event.id,
        () => this.#o.producer.send(dlqTopic, [toDeadLetter(message, context)]),
        'throw',
      );
    } catch (error) {
      if (!(error instanceof Poison)) throw error;
      // Too large even for the dead-letter topic: it goes there without its value, and the capture
      // worker keeps the row in the dead-letter table instead of deleting it. Nothing smaller can
      // be sent, so poison now halts.
      await this.#sendWithRetry(
        delivery,
        () => event.id,
        () => this.#o.producer.send(dlqTopic, [toDeadLetter(message, context, true)]),
        'halt',
      );
      delivery.keepIds.push(event.id);
    }
    delivery.handled.push(event.id);
    delivery.log.error(
      { outboxId: event.id, eventId: event.eventId, aggregateId: event.aggregateId, errorClass: failure.type, dlqTopic },
      `event dead-lettered: ${failure.message}`,
    );
    this.#o.observer.deadLettered({
      partition: delivery.partition,
      event,
      errorType: failure.type,
      message: failure.message,
      dlqTopic,
    });
  }

  /** `headId`: the first event the send has not delivered, which the partition stops at if it halts. */
  async #sendWithRetry(
    delivery: Delivery,
    headId: () => number,
    send: () => Promise<void>,
    onPoison: 'throw' | 'halt',
  ): Promise<void> {
    const { partition, log } = delivery;
    // A halted partition is probed with a single attempt; a healthy one gets the full budget.
    const attempts = this.#halted.get(partition)?.probing ? 1 : this.#o.maxAttempts;
    const firstFailure = new Date();
    for (let attempt = 1; ; attempt++) {
      if (delivery.lost?.aborted) throw new GiveBack();
      try {
        await send();
        return;
      } catch (error) {
        const kind = classifyKafkaError(error);
        const message = (error as Error).message;
        if (!kind.retriable && kind.poison && onPoison === 'throw') {
          throw new Poison({ type: kind.type, message, attempts: attempt, firstFailure });
        }
        const outboxId = headId();
        if (!kind.retriable) this.#haltOn(delivery, { reason: `${kind.type}: ${message}`, outboxId, poison: kind.poison }, error);
        if (attempt >= attempts) {
          const reason = `${attempts} attempts failed, last: ${kind.type}: ${message}`;
          this.#haltOn(delivery, { reason, outboxId, poison: false }, error);
        }
        const delayMs = backoffDelay(attempt, { initialMs: this.#o.retryInitialMs, maxMs: this.#o.retryMaxMs });
        log.warn({ err: error, attempt, delayMs, errorType: kind.type }, 'send to Kafka failed; retrying');
        this.#o.observer.retried({ partition, errorType: kind.type, message, attempt, delayMs });
        const stop = delivery.lost ? AbortSignal.any([this.#o.signal, delivery.lost]) : this.#o.signal;
        await sleep(delayMs, stop);
        if (stop.aborted) throw new GiveBack();
      }
    }
  }

  #haltOn(delivery: Delivery, cause: HaltCause, error?: unknown): never {
    this.halt(delivery.partition, delivery.log, cause, error);
    throw new GiveBack();
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
        { err: error, reason: cause.reason, outboxId: cause.outboxId, probeIntervalMs: this.#o.haltProbeIntervalMs },
        'partition halted; its events wait in the outbox, in order',
      );
      this.#o.observer.halted(partition, cause.reason);
    }
  }
}
