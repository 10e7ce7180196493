import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@outbox/config';
import { issueCertificate } from '@outbox/infra';
import { securityFailure } from '@outbox/kafka';
import { platformaticProducerClient } from '@outbox/kafka/platformatic';
import {
  type AppProcess,
  httpUrlOf,
  mtlsEnv,
  outboxDepth,
  type SecuredKafka,
  saslEnv,
  spawnApp,
  type TestEnvironment,
  testEnvironment,
  useApps,
  useSecuredKafka,
  waitFor,
} from '@outbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const start = useApps();
const user = { username: 'outbox-relay', password: 'right-password-0c4d1e' };
const wrongPassword = 'wrong-password-8a2f57';
const keyPassword = 'client-key-password-e5a1';
const tokenCommandSecret = 'client-secret-in-a-command-3b9f';
const securedKafka = useSecuredKafka(user, keyPassword);
const stackFrame = /\bat .+\.[cm]?[jt]s:\d+/;

interface FailureCase {
  name: string;
  /** The client's settings against the secured broker. */
  settings: (kafka: SecuredKafka) => Record<string, string>;
  /** The listener the client talks to, which the line must name. */
  listener: string;
  /** What the line must say about the cause. */
  cause: string;
}

const cases: FailureCase[] = [
  {
    name: 'a wrong SCRAM password',
    settings: (kafka) => {
      const file = join(kafka.dir, 'wrong-password');
      writeFileSync(file, wrongPassword);
      return { ...saslEnv(kafka, 'SCRAM-SHA-512'), KAFKA_SASL_PASSWORD_FILE: file };
    },
    listener: 'SASL_SSL',
    cause: `authentication failed (SASL SCRAM-SHA-512 as ${user.username})`,
  },
  {
    name: 'a broker certificate from an unknown CA',
    settings: (kafka) => ({ ...saslEnv(kafka, 'SCRAM-SHA-512'), KAFKA_SSL_CA_FILE: kafka.certificates.unknownCa.certFile }),
    listener: 'SASL_SSL',
    cause: "the broker's certificate is not signed by a trusted CA",
  },
  {
    name: 'an expired broker certificate',
    settings: (kafka) => tlsOnly(kafka, 'EXPIRED'),
    listener: 'EXPIRED',
    cause: "the broker's certificate has expired",
  },
  {
    name: 'an expired broker certificate, with the name check off',
    settings: (kafka) => ({ ...tlsOnly(kafka, 'EXPIRED'), KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: 'none' }),
    listener: 'EXPIRED',
    cause: "the broker's certificate has expired",
  },
  {
    name: 'a broker certificate for another name',
    settings: (kafka) => tlsOnly(kafka, 'MISMATCHED'),
    listener: 'MISMATCHED',
    cause: "the broker's certificate is not for this address",
  },
  {
    name: 'a plaintext client against a TLS listener',
    settings: (kafka) => ({ KAFKA_BROKERS: kafka.broker.listeners.SASL_SSL ?? '', KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT' }),
    listener: 'SASL_SSL',
    cause: 'the listener speaks TLS, but KAFKA_SECURITY_PROTOCOL is PLAINTEXT',
  },
  {
    name: 'a TLS client against a plaintext listener',
    settings: (kafka) => ({ ...tlsOnly(kafka, 'PLAINTEXT') }),
    listener: 'PLAINTEXT',
    cause: 'the listener does not speak TLS',
  },
  {
    name: 'a SASL_SSL client against a SASL_PLAINTEXT listener',
    settings: (kafka) => ({
      ...saslEnv(kafka, 'SCRAM-SHA-512'),
      KAFKA_BROKERS: kafka.broker.listeners.SASL_PLAINTEXT ?? '',
    }),
    listener: 'SASL_PLAINTEXT',
    cause: 'the listener does not speak TLS',
  },
  {
    name: 'a failing OAUTHBEARER token command, whose line and output stay out of the log',
    settings: (kafka) => ({
      KAFKA_BROKERS: kafka.broker.listeners.SASL_SSL ?? '',
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'OAUTHBEARER',
      KAFKA_SSL_CA_FILE: kafka.certificates.ca.certFile,
      KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: `echo ${tokenCommandSecret} >&2; exit 7`,
    }),
    listener: 'SASL_SSL',
    cause: 'the OAUTHBEARER token command exited with 7',
  },
  {
    name: 'no client certificate for the mTLS listener',
    settings: (kafka) => tlsOnly(kafka, 'SSL'),
    listener: 'SSL',
    cause: 'the TLS handshake failed',
  },
  {
    name: 'a client certificate the broker does not trust',
    settings: (kafka) => {
      const stranger = issueCertificate(kafka.certificates.unknownCa, { name: 'stranger', hosts: ['localhost'] });
      const { KAFKA_SSL_KEY_PASSWORD: _password, ...mtls } = mtlsEnv(kafka);
      return { ...mtls, KAFKA_SSL_CERT_FILE: stranger.certFile, KAFKA_SSL_KEY_FILE: stranger.keyFile };
    },
    listener: 'SSL',
    cause: 'the TLS handshake failed',
  },
];

/** TLS with the right CA and no client certificate, to the listener named. */
function tlsOnly(kafka: SecuredKafka, listener: string): Record<string, string> {
  return {
    KAFKA_BROKERS: (listener === 'PLAINTEXT' ? kafka.broker.brokers[0] : kafka.broker.listeners[listener]) ?? '',
    KAFKA_SECURITY_PROTOCOL: 'SSL',
    KAFKA_SSL_CA_FILE: kafka.certificates.ca.certFile,
  };
}

function isInfoOrBelow(line: string): boolean {
  try {
    return ((JSON.parse(line) as { level?: number }).level ?? 40) < 40;
  } catch {
    return false;
  }
}

describe('a Kafka connection that security refuses', () => {
  // One outbox for every case, its rows queued in Redis, on which each case starts a publisher
  // with its own refused setting: a capture worker and a load of their own per case would only
  // repeat the same set-up. The capture worker works on the run's shared broker (it needs Kafka
  // only for operators' dead-letter requests) and keeps running until the last case is done.
  let queued: TestEnvironment;
  let capture: AppProcess | undefined;
  beforeAll(async () => {
    queued = testEnvironment();
    capture = spawnApp('capture-worker', queued.env);
    const load = spawnApp('cli', queued.env, ['load', '--events', '50', '--aggregates', '5']);
    expect(await load.exited, load.output()).toBe(0);
    const status = `${await httpUrlOf(capture)}/connectors/${queued.config.connector.name}/status`;
    await waitFor('the capture worker to queue every row', async () => {
      const body = (await (await fetch(status)).json()) as { outbox?: { inFlight?: number } };
      return body.outbox?.inFlight === 50;
    });
  });
  afterAll(() => capture?.stop('SIGKILL'));

  it.each(cases)(
    '$name: the publisher exits 3 with one line naming the broker and the cause; the outbox keeps every row',
    async ({ settings, listener, cause }) => {
      const kafka = securedKafka();
      const broker = listener === 'PLAINTEXT' ? kafka.broker.brokers[0] : kafka.broker.listeners[listener];
      const publisher = start('publisher-worker', { ...queued.env, ...settings(kafka) });
      const exit = await Promise.race([
        publisher.exited,
        new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000)),
      ]);
      const output = publisher.output().trim();
      expect(exit, output).toBe(3);
      // At the default level, the one line (kafkajs' own reports of each attempt are debug lines).
      const [line, ...more] = output.split('\n').filter((text) => !isInfoOrBelow(text));
      expect(more, output).toEqual([]);
      expect(output, 'no kafkajs line with its stack at the default level').not.toContain('"component":"kafkajs"');
      expect(line).not.toMatch(stackFrame);
      expect(line).toContain(`publisher-worker: cannot start: Kafka at ${broker}: ${cause}`);
      for (const secret of [user.password, wrongPassword, keyPassword, tokenCommandSecret]) expect(output).not.toContain(secret);
      expect(outboxDepth(queued.config.sqlite.path)).toBe(50);
    },
  );

  it('stops the consumer and `outbox verify` the same way (a wrong password)', async () => {
    const kafka = securedKafka();
    const { env } = testEnvironment({ ...cases[0]?.settings(kafka) });
    for (const [app, args] of [
      ['consumer', ['--from-beginning']],
      ['cli', ['verify']],
    ] as const) {
      const process = start(app, env, [...args]);
      const exit = await Promise.race([
        process.exited,
        new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000)),
      ]);
      const output = process.output().trim();
      expect(exit, `${app}: ${output}`).toBe(3);
      const lines = output.split('\n').filter((text) => !isInfoOrBelow(text));
      expect(lines, output).toEqual([
        expect.stringContaining(`Kafka at ${kafka.broker.listeners.SASL_SSL}: authentication failed`),
      ]);
      expect(output).not.toContain(wrongPassword);
    }
  });
});

/**
 * A publisher meets these failures first in its kafkajs admin (creating topics), whichever client
 * it sends with; here the @platformatic/kafka producer meets them itself, and its errors must be
 * told as clearly.
 */
describe('a Kafka connection that security refuses, to the @platformatic/kafka producer', () => {
  it.each(cases)('$name: one line naming the broker and the cause', async ({ settings, listener, cause }) => {
    const kafka = securedKafka();
    const broker = listener === 'PLAINTEXT' ? kafka.broker.brokers[0] : kafka.broker.listeners[listener];
    const config = loadConfig({ env: { ...settings(kafka), KAFKA_CLIENT: 'platformatic', KAFKA_CONNECTION_TIMEOUT_MS: '5000' } });
    const producer = platformaticProducerClient(config.kafka)();
    const error = await producer.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    await producer.close();
    const failure = await securityFailure(error, config.kafka);
    expect(failure?.message, String(error)).toContain(`Kafka at ${broker}: ${cause}`);
    for (const secret of [user.password, wrongPassword, keyPassword, tokenCommandSecret]) {
      expect(failure?.message).not.toContain(secret);
    }
  });
});
