import type { OutboxEvent } from '@outbox/contracts';
import { type EventProducer, toDeadLetter, toKafkaMessage, topicFor } from '@outbox/kafka';
import type { PipelineObserver } from '../pipeline-observer.ts';
import { type Failure, Poison } from './delivery-errors.ts';
import type { DeliveryJob } from './delivery-job.ts';
import type { DeliveryProgress } from './delivery-progress.ts';
import type { RetryingSend } from './retrying-send.ts';

export interface DeadLettersOptions {
  producer: EventProducer;
  /** The topic of an aggregate type, named in the dead letter's headers. */
  topicTemplate: string;
  /** The dead-letter topic of an aggregate type (`{aggregateType}` is replaced). */
  dlqTopicTemplate: string;
  ensureTopics?: (topics: readonly string[]) => Promise<void>;
  observer: Required<PipelineObserver>;
  retrying: RetryingSend;
}

/**
 * Sends events to their dead-letter topic, with the failure that put them there, retried like
 * any send. An event too large even for that goes without its value, and its row is kept.
 */
export class DeadLetters {
  readonly #options: DeadLettersOptions;

  constructor(options: DeadLettersOptions) {
    this.#options = options;
  }

  /** Dead-letters an event an operator chose (error class MANUAL), whatever `onPoison` says. */
  byOperator(job: DeliveryJob, progress: DeliveryProgress, event: OutboxEvent, reason: string): Promise<void> {
    return this.send(job, progress, event, { type: 'MANUAL', message: reason, attempts: 0, firstFailure: new Date() });
  }

  async send(job: DeliveryJob, progress: DeliveryProgress, event: OutboxEvent, failure: Failure): Promise<void> {
    const { retrying } = this.#options;
    const producer = job.sender ?? this.#options.producer;
    const dlqTopic = topicFor(this.#options.dlqTopicTemplate, event.aggregateType);
    const context = {
      errorClass: failure.type,
      errorMessage: failure.message,
      attempts: failure.attempts,
      originalTopic: topicFor(this.#options.topicTemplate, event.aggregateType),
      firstFailure: failure.firstFailure,
      lastFailure: new Date(),
    };
    const message = toKafkaMessage(event);
    let rowKept = false;
    try {
      await retrying.send(
        job,
        () => event.id,
        async () => {
          await this.#options.ensureTopics?.([dlqTopic]);
          await producer.send(dlqTopic, [toDeadLetter(message, context)]);
        },
        'throw',
      );
    } catch (error) {
      if (!(error instanceof Poison)) throw error;
      // Too large even for the dead-letter topic: it goes there without its value, and the capture
      // worker keeps the row in the dead-letter table instead of deleting it. Nothing smaller can
      // be sent, so poison now halts.
      const sendWithoutValue = () => producer.send(dlqTopic, [toDeadLetter(message, context, true)]);
      await retrying.send(job, () => event.id, sendWithoutValue, 'halt');
      rowKept = true;
    }
    progress.deadLettered(event.id, rowKept);
    job.log.error(
      { outboxId: event.id, eventId: event.eventId, aggregateId: event.aggregateId, errorClass: failure.type, dlqTopic },
      `event dead-lettered: ${failure.message}`,
    );
    this.#options.observer.deadLettered({
      partition: job.partition,
      event,
      errorType: failure.type,
      message: failure.message,
      dlqTopic,
    });
  }
}
