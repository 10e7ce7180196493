import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKafkaTestCertificates,
  freePort,
  type KafkaBroker,
  type RedisServer,
  startKafkaBroker,
  startRedisServer,
  testBrokerSecurity,
} from '@outbox/infra';

/** Settings the apps run with in a variant of a stage, and what the report calls it. */
export interface AppVariant {
  label: string;
  env: Record<string, string>;
}

export interface BenchInfra {
  broker: KafkaBroker;
  redis: RedisServer;
  dir: string;
  /**
   * With `secured`, the settings for an app to reach the same broker over SASL_SSL with
   * SCRAM-SHA-512 (the managed services' usual shape), so a stage measures the cost of TLS and
   * SASL beside plaintext on one broker.
   */
  saslSsl?: AppVariant;
  stop(): Promise<void>;
}

/** A broker and a redis-server of the benchmark's own, on free ports, like the test kit's. */
export async function startBenchInfra(options: { secured?: boolean } = {}): Promise<BenchInfra> {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-'));
  const brokerOptions = { dataDir: join(dir, 'kafka'), port: await freePort(), controllerPort: await freePort(), heapMb: 1024 };
  const user = { username: 'bench', password: randomBytes(12).toString('hex') };
  const certificates = options.secured
    ? createKafkaTestCertificates(join(dir, 'certs'), randomBytes(12).toString('hex'))
    : undefined;
  const secured = certificates
    ? await startKafkaBroker({ ...brokerOptions, security: testBrokerSecurity(certificates, [user]) })
    : undefined;
  const broker = secured ?? (await startKafkaBroker(brokerOptions));
  const redis = await startRedisServer({ port: await freePort(), dir: join(dir, 'redis') });
  const saslSsl = certificates &&
    secured?.listeners.SASL_SSL && {
      label: 'SASL_SSL, SCRAM-SHA-512',
      env: {
        KAFKA_BROKERS: secured.listeners.SASL_SSL,
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: user.username,
        KAFKA_SASL_PASSWORD: user.password,
        KAFKA_SSL_CA_FILE: certificates.ca.certFile,
      },
    };
  return {
    broker,
    redis,
    dir,
    ...(saslSsl && { saslSsl }),
    stop: async () => {
      await Promise.allSettled([broker.stop(), redis.stop()]);
      // A full run leaves gigabytes of Kafka logs and databases behind.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
