import type { Logger } from '@outbox/logger';
import { CompressionTypes, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { classifyKafkaError } from './classify-error.ts';
import { estimateMessageBytes } from './messages.ts';

export interface EventProducerOptions {
  kafka: Kafka;
  logger: Logger;
  compression: 'none' | 'gzip';
  /** Sends are split so that none exceeds this many bytes. */
  maxBatchBytes: number;
}

/**
 * The idempotent producer (acks=all) the publishers send with. Idempotence makes the producer's
 * own retries safe: the broker drops a resent batch instead of writing it twice or out of order.
 * A producer whose sequence state the broker no longer accepts is replaced before the next send.
 */
export class EventProducer {
  readonly #options: EventProducerOptions;
  #producer: Producer;
  #connected: Promise<void> | undefined;

  constructor(options: EventProducerOptions) {
    this.#options = options;
    this.#producer = this.#create();
  }

  connect(): Promise<void> {
    this.#connected ??= this.#producer.connect().catch((error: unknown) => {
      this.#connected = undefined;
      throw error;
    });
    return this.#connected;
  }

  /** Sends the messages to one topic in order, in as few requests as the byte cap allows. */
  async send(topic: string, messages: readonly Message[]): Promise<void> {
    await this.connect();
    const compression = this.#options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    try {
      for (const chunk of chunkByBytes(messages, this.#options.maxBatchBytes)) {
        await this.#producer.send({ topic, messages: chunk, acks: -1, compression });
      }
    } catch (error) {
      if (classifyKafkaError(error).recreateProducer) await this.#replace();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }

  #create(): Producer {
    return this.#options.kafka.producer({
      idempotent: true,
      // kafkajs guarantees order for an idempotent producer only with one request in flight.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as the Java client: an aggregate's events share one Kafka partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    });
  }

  async #replace(): Promise<void> {
    this.#options.logger.warn('the broker rejected the producer state; replacing the producer');
    const old = this.#producer;
    this.#producer = this.#create();
    this.#connected = undefined;
    await old.disconnect().catch(() => undefined);
  }
}

function* chunkByBytes(messages: readonly Message[], maxBytes: number): Generator<Message[]> {
  let chunk: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = estimateMessageBytes(message);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
