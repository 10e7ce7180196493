import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

/**
 * Whether a broker at these addresses answers a metadata request within `timeoutMs`. A TCP
 * connect alone is not enough: a frozen broker still completes the handshake. A secured broker
 * answers only with its `security` (securityOptions), as every other client of the process uses it.
 */
export async function kafkaAnswers(
  brokers: readonly string[],
  timeoutMs = 1000,
  security: Pick<KafkaConfig, 'ssl' | 'sasl'> = {},
): Promise<boolean> {
  const admin = new Kafka({
    ...security,
    brokers: [...brokers],
    clientId: 'outbox-probe',
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
