import { MultipleErrors, NetworkError, Producer, type ProducerOptions } from '@platformatic/kafka';
import type { Message } from 'kafkajs';
import { javaPartition } from './java-partition.ts';
import { type KafkaSettings, platformaticSecurityOptions } from './kafka-security.ts';
import type { CreateProducerClient } from './producer-client.ts';

type Bytes = Buffer | undefined;

/** Records are handed over as kafkajs shapes them (strings or buffers); the wire wants bytes. */
const toBytes = (data: unknown): Bytes =>
  data === null || data === undefined ? undefined : Buffer.isBuffer(data) ? data : Buffer.from(String(data));

/**
 * The settings EventProducer needs from @platformatic/kafka: an idempotent producer (which the
 * client runs with acks=all and one request in flight per broker connection), no topic creation,
 * the Java client's partitioning, our timeouts and security, and a bounded number of retries of
 * its own (left unset, an idempotent producer retries forever; our retry loop decides instead).
 */
export function platformaticProducerOptions(settings: KafkaSettings): ProducerOptions<Bytes, Bytes, Bytes, Bytes> {
  return {
    clientId: settings.clientId,
    bootstrapBrokers: settings.brokers,
    idempotent: true,
    acks: -1,
    autocreateTopics: false,
    compression: settings.compression,
    partitioner: (_message, key) => (key ? javaPartition(key) : 0),
    serializers: { key: toBytes, value: toBytes, headerKey: toBytes, headerValue: toBytes },
    connectTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // The time the broker may take to have every in-sync replica write a produce request.
    timeout: settings.requestTimeoutMs,
    retries: 3,
    retryDelay: (_client, _operation, attempt) => Math.min(200 * 2 ** (attempt - 1), 2000),
    ...platformaticSecurityOptions(settings),
  };
}

/**
 * @platformatic/kafka's idempotent producer behind the ProducerClient seam. `overrides` are for
 * the benchmark's comparisons only; the publisher uses none.
 */
export function platformaticProducerClient(
  settings: KafkaSettings,
  overrides: Partial<ProducerOptions<Bytes, Bytes, Bytes, Bytes>> = {},
): CreateProducerClient {
  return () => {
    const options = { ...platformaticProducerOptions(settings), ...overrides };
    const producer = new Producer(options);
    // A broker that refuses the client's certificate does so after the TLS 1.3 handshake, on the
    // socket; the client then reports only "Connection closed", so the socket's error is kept.
    let socketError: Error | undefined;
    producer.connections.on('connect', ({ broker, connection }) => {
      connection.on('error', (error: Error) => {
        socketError = new NetworkError(`Connection to ${broker.host}:${broker.port} failed.`, {
          cause: (error.cause as Error | undefined) ?? error,
        });
      });
    });
    return {
      // Gets a producer id from a broker: connects, logs in and checks the ACLs before any send.
      connect: async () => {
        socketError = undefined;
        try {
          if (options.idempotent) await producer.initIdempotentProducer({});
          else await producer.metadata({ topics: [] });
        } catch (error) {
          throw socketError ? new MultipleErrors((error as Error).message, [error as Error, socketError]) : error;
        }
      },
      sendBatch: async (topicMessages) => {
        const messages = topicMessages.flatMap(({ topic, messages }) => messages.map((m) => toRecord(topic, m)));
        await producer.send({ messages });
      },
      close: () => producer.close(true),
    };
  };
}

function toRecord(topic: string, message: Message) {
  return {
    topic,
    key: message.key as Bytes,
    value: message.value as Bytes,
    ...(message.headers && { headers: message.headers as unknown as Record<string, Bytes> }),
    ...(message.partition !== undefined && { partition: message.partition }),
  };
}
