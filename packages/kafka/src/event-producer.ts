import { OutboxError } from '@outbox/errors';
import type { Logger } from '@outbox/logger';
import type { Message, TopicMessages } from 'kafkajs';
import { classifyKafkaError, isKafkaOutage } from './classify-error.ts';
import { estimateMessageBytes } from './messages.ts';
import type { CreateProducerClient, ProducerClient } from './producer-client.ts';

export interface EventProducerOptions {
  /** Makes the client's idempotent producer (kafkajs or @platformatic/kafka; see createEventProducer). */
  createClient: CreateProducerClient;
  logger: Logger;
  /** No produce request carries more than this many bytes of records. */
  maxBatchBytes: number;
}

/** A message and the topic it goes to. */
export interface TopicMessage {
  topic: string;
  message: Message;
}

/**
 * What a job's events are sent with: the publisher's shared EventProducer, or — with exactly-once
 * delivery — its partition's open transaction. Both report a send Kafka took only in part with a
 * {@link PartlyAcceptedError}.
 */
export interface EventSender {
  send(topic: string, messages: readonly Message[]): Promise<void>;
  sendEach(records: readonly TopicMessage[]): Promise<void>;
}

interface PendingSend {
  records: TopicMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The idempotent producer (acks=all) the publishers send with, over either Kafka client (the
 * ProducerClient seam). Idempotence makes the client's own retries safe: the broker drops a resent
 * batch instead of writing it twice or out of order.
 *
 * Both clients keep order for an idempotent producer only with one request in flight, so sends from
 * the partitions a publisher works on would queue behind each other, one round trip each. Instead,
 * sends that arrive while a request is in flight are combined into the next request (up to
 * `maxBatchBytes`), as the Java client's batching does. Order is unaffected: a partition never has
 * two sends pending at once. If a combined request fails, each send in it is tried again on its
 * own, so a poison event (or a missing topic) fails only its own job, never its
 * neighbours'; if the cluster or a broker failed it, every send in it fails and its job retries.
 * After a failed request the producer is replaced before the next send (see #request).
 */
export class EventProducer implements EventSender {
  readonly #options: EventProducerOptions;
  #producer: ProducerClient;
  #connected: Promise<void> | undefined;
  #pending: PendingSend[] = [];
  #flushing = false;

  constructor(options: EventProducerOptions) {
    this.#options = options;
    this.#producer = options.createClient();
  }

  connect(): Promise<void> {
    this.#connected ??= this.#producer.connect().catch((error: unknown) => {
      this.#connected = undefined;
      throw error;
    });
    return this.#connected;
  }

  /**
   * Sends the messages to one topic, in order; resolves once Kafka has accepted all of them. A send
   * larger than one request goes out part after part; if a later part fails, the error is a
   * {@link PartlyAcceptedError} saying how many messages Kafka already holds.
   */
  send(topic: string, messages: readonly Message[]): Promise<void> {
    return this.sendEach(messages.map((message) => ({ topic, message })));
  }

  /**
   * Sends messages each to its own topic, like {@link send}: in order within each topic, and a
   * {@link PartlyAcceptedError} saying how many of them, from the first, Kafka already holds.
   */
  async sendEach(records: readonly TopicMessage[]): Promise<void> {
    const parts = chunkByBytes(records, this.#options.maxBatchBytes, (r) => r.message);
    let accepted = 0;
    for (const part of parts) {
      try {
        await this.#enqueue(part);
      } catch (error) {
        throw accepted > 0 ? new PartlyAcceptedError(accepted, error) : error;
      }
      accepted += part.length;
    }
  }

  async close(): Promise<void> {
    await this.#producer.close();
  }

  #enqueue(records: TopicMessage[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const bytes = records.reduce((n, r) => n + estimateMessageBytes(r.message), 0);
      this.#pending.push({ records, bytes, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#takeBatch();
        try {
          await this.#request(batch);
          for (const send of batch) send.resolve();
        } catch (error) {
          // An outage (too few in-sync replicas, a broker gone) is no one send's fault: each job
          // retries on its own schedule. Sent one by one instead, through the client's own retries,
          // 16 partitions refused at once took 25 s a round, and halted only after minutes.
          if (batch.length === 1 || isKafkaOutage(error)) {
            for (const send of batch) send.reject(error);
            continue;
          }
          // Find out whose records failed: each send on its own.
          for (const send of batch) {
            await this.#request([send]).then(send.resolve, send.reject);
          }
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** The oldest pending sends, as many as fit in one request. */
  #takeBatch(): PendingSend[] {
    const batch: PendingSend[] = [];
    let bytes = 0;
    while (this.#pending.length > 0) {
      const next = this.#pending[0];
      if (!next || (batch.length > 0 && bytes + next.bytes > this.#options.maxBatchBytes)) break;
      batch.push(next);
      bytes += next.bytes;
      this.#pending.shift();
    }
    return batch;
  }

  async #request(sends: PendingSend[]): Promise<void> {
    await this.connect();
    const topicMessages = toTopicMessages(sends.flatMap((send) => send.records));
    try {
      await this.#producer.sendBatch(topicMessages);
    } catch (error) {
      // After a failed request kafkajs rolls its sequence numbers back, although the broker may
      // have written the batch; the next batch under the same numbers is then taken for a
      // duplicate, acknowledged and never written: an event lost (seen killing partition leaders
      // of a three-broker cluster). A new producer starts its sequences afresh: a resend may
      // duplicate, never vanish. (@platformatic/kafka asks for a new producer id after a failed
      // send by itself; replacing it too keeps one rule for both.)
      await this.#replace(classifyKafkaError(error).recreateProducer);
      throw error;
    }
  }

  async #replace(rejectedState: boolean): Promise<void> {
    if (rejectedState) this.#options.logger.warn('the broker rejected the producer state; replacing the producer');
    const old = this.#producer;
    this.#producer = this.#options.createClient();
    this.#connected = undefined;
    await old.close().catch(() => undefined);
  }
}

/** Records grouped by topic for one request, each topic's in their order. */
export function toTopicMessages(records: readonly TopicMessage[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of records) {
    const messages = byTopic.get(topic);
    if (messages) messages.push(message);
    else byTopic.set(topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * A send whose first `accepted` messages Kafka took before a later request of it failed (`cause`),
 * so that a retry sends only the rest instead of writing those again.
 */
export class PartlyAcceptedError extends OutboxError {
  readonly accepted: number;
  constructor(accepted: number, cause: unknown) {
    super(`Kafka accepted the first ${accepted} messages of the send, then: ${(cause as Error).message}`, {
      code: 'KAFKA_PARTLY_ACCEPTED',
      // The rest of the send may go through when the failure that stopped it may.
      retriable: classifyKafkaError(cause).retriable,
      cause,
    });
    this.accepted = accepted;
  }
}

/** Splits items, in order, into groups of at most `maxBytes` of messages (a larger single one stands alone). */
export function chunkByBytes<T = Message>(
  items: readonly T[],
  maxBytes: number,
  messageOf: (item: T) => Message = (item) => item as Message,
): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const message of items) {
    const size = estimateMessageBytes(messageOf(message));
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
