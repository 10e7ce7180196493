import { OutboxError } from '@outbox/errors';
import type { Logger } from '@outbox/logger';
import { retryForever } from '@outbox/runtime';
import { Kafka, type LogEntry, logLevel } from 'kafkajs';
import { type KafkaSettings, securityOptions } from './kafka-security.ts';
import { securityFailure } from './security-failure.ts';

export type { KafkaSettings };

/**
 * kafkajs logs every failed request at error and its own advice at warn, even when it retries
 * and succeeds (a coordinator still loading at start-up, say), each with a stack. Our own code
 * reports what stays broken — retries, halted partitions, unreachable brokers, a refused login in
 * one line — so kafkajs' lines are kept at debug, where they explain ours.
 */
/** A kafkajs client whose log lines go through our logger. */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    ...securityOptions(settings),
    // Finite: our own retry loop decides what happens next (docs/architecture.md, "Publishing").
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log.debug(rest, message);
      },
  });
}

/**
 * Connects something kafkajs owns (admin, producer, consumer), retrying with backoff and saying
 * which brokers cannot be reached, until it works or the signal aborts. A refused login or TLS
 * handshake is not retried: it stops the process with one line (see securityFailure).
 */
export async function connectWithRetry(
  what: string,
  connect: () => Promise<void>,
  options: { kafka: KafkaSettings; logger: Logger; signal?: AbortSignal },
): Promise<void> {
  const { brokers } = options.kafka;
  const attempt = async () => {
    try {
      await connect();
    } catch (error) {
      throw (await securityFailure(error, options.kafka)) ?? error;
    }
  };
  await retryForever(attempt, {
    initialMs: 500,
    maxMs: 10_000,
    signal: options.signal,
    // Our own errors say whether waiting can fix them (a missing topic with creation off cannot);
    // kafkajs' are all waited out here, where the broker must come up eventually.
    retryIf: (error) => !(error instanceof OutboxError) || error.retriable,
    onRetry: (error, attempt, delayMs) =>
      options.logger.warn(
        { brokers, attempt, delayMs, err: error },
        `Kafka at ${brokers.join(',')} is unreachable (${what}): ${(error as Error).message}; retrying`,
      ),
  });
}
