import { classifyKafkaError, type EventProducer, toDeadLetter, toKafkaMessage, topicFor } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import type { OutboxEvent } from '@outbox/queue';
import { backoffDelay, sleep } from '@outbox/runtime';
import type { PipelineObserver } from '../pipeline-observer.ts';

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
  /** Events dead-lettered without their value, whose rows the capture worker keeps. */
  keepIds: number[];
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends a job's events to Kafka: bounded retries with backoff inside the job (so it keeps its
 * place at the head of its partition), halting the partition when they run out, and dead letters
 * for poison events. Knows nothing of BullMQ; the publisher worker turns its outcomes into acks
 * and halts.
 */
export class JobDelivery {
  readonly #o: JobDeliveryOptions;
  readonly halted = new Map<number, string>();

  constructor(options: JobDeliveryOptions) {
    this.#o = options;
  }

  /**
   * Puts every event of a job in its topic, in order, or — if it is poison — in the dead-letter
   * topic. A payload that is not JSON is poison before any send. When Kafka rejects a send for
   * good, it is split in halves and each half sent on its own, down to single events, so a
   * healthy event never goes to the dead-letter topic because of its neighbours.
   */
  async deliver(delivery: Delivery, events: OutboxEvent[]): Promise<void> {
    let healthy: OutboxEvent[] = [];
    for (const event of events) {
      if (isJson(event.payload)) {
        healthy.push(event);
        continue;
      }
      await this.#sendOrSplit(delivery, healthy);
      healthy = [];
      if (this.#o.onPoison === 'halt') {
        this.halt(delivery.partition, delivery.log, `INVALID_PAYLOAD: outbox id ${event.id} is not valid JSON`, undefined);
        throw new GiveBack();
      }
      const now = new Date();
      await this.#deadLetter(delivery, event, {
        type: 'INVALID_PAYLOAD',
        message: 'the payload is not valid JSON',
        attempts: 0,
        firstFailure: now,
      });
    }
    await this.#sendOrSplit(delivery, healthy);
  }

  async #sendOrSplit(delivery: Delivery, events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages = events.map((event) => toKafkaMessage(event, delivery.aggregateType));
    try {
      await this.#sendWithRetry(delivery.partition, delivery.log, () => this.#o.producer.send(delivery.topic, messages));
    } catch (error) {
      if (!(error instanceof Poison)) throw error;
      const [only] = events;
      if (events.length === 1 && only) {
        await this.#deadLetter(delivery, only, error.failure);
        return;
      }
      const half = Math.ceil(events.length / 2);
      await this.#sendOrSplit(delivery, events.slice(0, half));
      await this.#sendOrSplit(delivery, events.slice(half));
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
      // Poison here means too large for the dead-letter topic too, whatever `onPoison` says.
      await this.#sendWithRetry(
        delivery.partition,
        delivery.log,
        () => this.#o.producer.send(dlqTopic, [toDeadLetter(message, context)]),
        true,
      );
    } catch (error) {
      if (!(error instanceof Poison)) throw error;
      // Too large even for the dead-letter topic: it goes there without its value, and the capture
      // worker keeps the row in the dead-letter table instead of deleting it.
      await this.#sendWithRetry(delivery.partition, delivery.log, () =>
        this.#o.producer.send(dlqTopic, [toDeadLetter(message, context, true)]),
      );
      delivery.keepIds.push(event.id);
    }
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

  async #sendWithRetry(
    partition: number,
    log: Logger,
    send: () => Promise<void>,
    poisonThrows = this.#o.onPoison === 'dead-letter',
  ): Promise<void> {
    // A halted partition is probed with a single attempt; a healthy one gets the full budget.
    const attempts = this.halted.has(partition) ? 1 : this.#o.maxAttempts;
    const firstFailure = new Date();
    for (let attempt = 1; ; attempt++) {
      try {
        await send();
        return;
      } catch (error) {
        const kind = classifyKafkaError(error);
        if (!kind.retriable && kind.poison && poisonThrows) {
          throw new Poison({ type: kind.type, message: (error as Error).message, attempts: attempt, firstFailure });
        }
        if (!kind.retriable) {
          this.halt(partition, log, `${kind.type}: ${(error as Error).message}`, error);
          throw new GiveBack();
        }
        if (attempt >= attempts) {
          this.halt(partition, log, `${attempts} attempts failed, last: ${kind.type}: ${(error as Error).message}`, error);
          throw new GiveBack();
        }
        const delayMs = backoffDelay(attempt, { initialMs: this.#o.retryInitialMs, maxMs: this.#o.retryMaxMs });
        log.warn({ err: error, attempt, delayMs, errorType: kind.type }, 'send to Kafka failed; retrying');
        this.#o.observer.retried({ partition, errorType: kind.type, message: (error as Error).message, attempt, delayMs });
        await sleep(delayMs, this.#o.signal);
        if (this.#o.signal.aborted) throw new GiveBack();
      }
    }
  }

  halt(partition: number, log: Logger, reason: string, error: unknown): void {
    const wasHalted = this.halted.has(partition);
    this.halted.set(partition, reason);
    if (!wasHalted) {
      log.error(
        { err: error, reason, probeIntervalMs: this.#o.haltProbeIntervalMs },
        'partition halted; its events wait in the outbox, in order',
      );
      this.#o.observer.halted(partition, reason);
    }
  }
}
