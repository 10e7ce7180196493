import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKafkaTestCertificates,
  freePort,
  type KafkaTestCertificates,
  type KafkaUser,
  type SecuredKafkaBroker,
  startKafkaBroker,
  testBrokerSecurity,
} from '@outbox/infra';
import { afterAll, beforeAll } from 'vitest';

/** A test file's own secured broker, its certificates and its one user. */
export interface SecuredKafka {
  broker: SecuredKafkaBroker;
  certificates: KafkaTestCertificates;
  user: KafkaUser;
  /** A file holding the user's password, for `KAFKA_SASL_PASSWORD_FILE`. */
  passwordFile: string;
  dir: string;
}

/**
 * Starts a secured single-node broker for the calling test file (before its first test, stopped
 * after its last), with fresh certificates and `user`; the returned function gives it to tests.
 * The run's shared broker stays PLAINTEXT, so every other test is untouched.
 */
export function useSecuredKafka(user: KafkaUser, keyPassword: string): () => SecuredKafka {
  let kafka: SecuredKafka | undefined;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-secured-kafka-'));
    const certificates = createKafkaTestCertificates(join(dir, 'certs'), keyPassword);
    const passwordFile = join(dir, 'sasl-password');
    // The trailing newline an editor leaves is part of the test: the _FILE variables trim it.
    writeFileSync(passwordFile, `${user.password}\n`, { mode: 0o600 });
    const broker = await startKafkaBroker({
      dataDir: join(dir, 'kafka'),
      port: await freePort(),
      controllerPort: await freePort(),
      heapMb: 384,
      security: testBrokerSecurity(certificates, [user]),
    });
    kafka = { broker, certificates, user, passwordFile, dir };
  });
  afterAll(async () => {
    await kafka?.broker.stop();
    if (kafka) rmSync(kafka.dir, { recursive: true, force: true });
  });
  return () => {
    if (!kafka) throw new Error('the secured broker is not started: call useSecuredKafka at the top of the test file');
    return kafka;
  };
}

/** Settings for an app talking to the secured broker over SASL_SSL (or SASL_PLAINTEXT) with a password mechanism. */
export function saslEnv(
  kafka: SecuredKafka,
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
  protocol: 'SASL_SSL' | 'SASL_PLAINTEXT' = 'SASL_SSL',
): Record<string, string> {
  return {
    KAFKA_BROKERS: kafka.broker.listeners[protocol] ?? '',
    KAFKA_SECURITY_PROTOCOL: protocol,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: kafka.user.username,
    KAFKA_SASL_PASSWORD_FILE: kafka.passwordFile,
    ...(protocol === 'SASL_SSL' && { KAFKA_SSL_CA_FILE: kafka.certificates.ca.certFile }),
  };
}

/** Settings for an app talking to the secured broker's mTLS listener with the client certificate. */
export function mtlsEnv(kafka: SecuredKafka): Record<string, string> {
  const { ca, client } = kafka.certificates;
  return {
    KAFKA_BROKERS: kafka.broker.listeners.SSL ?? '',
    KAFKA_SECURITY_PROTOCOL: 'SSL',
    KAFKA_SSL_CA_FILE: ca.certFile,
    KAFKA_SSL_CERT_FILE: client.certFile,
    KAFKA_SSL_KEY_FILE: client.keyFile,
    KAFKA_SSL_KEY_PASSWORD: client.keyPassword,
  };
}
