import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@outbox/config';
import { type KafkaClientName, kafkaClients } from '@outbox/kafka';
import { platformaticProducerClient } from '@outbox/kafka/platformatic';
import {
  auditDelivery,
  httpUrlOf,
  mtlsEnv,
  outboxDepth,
  readTopic,
  recordCommittedEvents,
  type SecuredKafka,
  saslEnv,
  testEnvironment,
  useApps,
  useSecuredKafka,
  waitFor,
} from '@outbox/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';

const start = useApps();
const user = { username: 'outbox-relay', password: 'scram-password-9f3e2a71' };
const keyPassword = 'client-key-password-51bd04';
const securedKafka = useSecuredKafka(user, keyPassword);

/**
 * `outbox load` → capture → `publishers` publisher processes, all talking to the secured broker
 * with `security`; then the verifier audits what arrived against the committed ids (read over the
 * broker's PLAINTEXT listener, so the audit does not depend on the code under test).
 */
async function runPipelineWith(
  security: Record<string, string>,
  options: { events: number; aggregates: number; publishers: number },
) {
  const { env, config, topic, dlqTopic, dir } = testEnvironment(security);
  const committed = recordCommittedEvents(config.sqlite.path, config.outbox.table);
  start('capture-worker', env);
  for (let i = 1; i <= options.publishers; i++) start('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: `publisher-${i}` });
  const idsFile = join(dir, 'ids.txt');
  const load = start('cli', env, [
    'load',
    '--events',
    `${options.events}`,
    '--aggregates',
    `${options.aggregates}`,
    '--ids-file',
    idsFile,
  ]);
  expect(await load.exited, load.output()).toBe(0);
  await waitFor('the outbox to be empty', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 120_000 });
  const ids = committed().map((event) => event.eventId);
  expect(ids).toHaveLength(options.events);
  const { report } = await auditDelivery({ brokers: securedKafka().broker.brokers, topic, dlqTopic, committed: ids });
  expect(report).toMatchObject({ lost: [], outOfOrder: 0, deadLettered: [], uniqueEvents: options.events, checkedLoss: true });
  // Duplicates are allowed (at-least-once) and counted, not hidden.
  expect(report.records).toBe(options.events + report.duplicates);
  const over = [security.KAFKA_SECURITY_PROTOCOL, security.KAFKA_SASL_MECHANISM].filter(Boolean).join(' ');
  process.stderr.write(`over ${over}: ${options.events} events, 0 lost, 0 out of order, ${report.duplicates} duplicates\n`);
  return { env, idsFile };
}

/**
 * Which client runs which pipeline. kafkajs runs every one. @platformatic/kafka runs the first in
 * full (SASL_SSL with SCRAM-SHA-512, two publishers, `outbox verify`): its producer in the
 * publisher process, on the setting a production cluster most often asks for. On the other
 * settings, what differs between the clients is only the producer's login, TLS handshake and sends
 * (platformaticSecurityOptions in packages/kafka/src/kafka-security.ts, and the client's own SASL
 * and TLS code); the capture worker, the queues, topic creation, `outbox load` and `outbox verify`
 * are the same code, on kafkajs, whichever client sends. So @platformatic/kafka's producer meets
 * each of those settings on its own ("the @platformatic/kafka producer on every other secured
 * setting", below): the same login and sends, without a pipeline's processes around them.
 */
const everySettingClients: readonly KafkaClientName[] = ['kafkajs'];

describe.each(kafkaClients)('the pipeline on a secured Kafka broker (producer: %s)', (client) => {
  const runPipeline = (security: Record<string, string>, options: { events: number; aggregates: number; publishers: number }) =>
    runPipelineWith({ ...security, KAFKA_CLIENT: client }, options);

  it('delivers over SASL_SSL with SCRAM-SHA-512 (password from a file), with two publishers; `outbox verify` reads over it too', async () => {
    const { env, idsFile } = await runPipeline(saslEnv(securedKafka(), 'SCRAM-SHA-512'), {
      events: 3000,
      aggregates: 100,
      publishers: 2,
    });
    const verify = start('cli', env, ['verify', '--ids-file', idsFile]);
    expect(await verify.exited, verify.output()).toBe(0);
    expect(verify.output()).toContain('OK: nothing lost, nothing out of order');
  });

  if (!everySettingClients.includes(client)) return;

  it('delivers over mTLS (a client certificate whose key is encrypted), with two publishers', async () => {
    await runPipeline(mtlsEnv(securedKafka()), { events: 2000, aggregates: 100, publishers: 2 });
  });

  it('delivers with SASL PLAIN and SCRAM-SHA-256 over TLS, SCRAM-SHA-512 without TLS, and an OAUTHBEARER token file', async () => {
    const kafka = securedKafka();
    const tokenFile = join(kafka.dir, 'token');
    writeFileSync(tokenFile, `${unsecuredToken(user.username)}\n`);
    const { KAFKA_SASL_USERNAME: _name, KAFKA_SASL_PASSWORD_FILE: _password, ...tls } = saslEnv(kafka, 'SCRAM-SHA-512');
    const oauth = { ...tls, KAFKA_SASL_MECHANISM: 'OAUTHBEARER', KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: tokenFile };
    const small = { events: 300, aggregates: 30, publishers: 1 };
    await Promise.all([
      runPipeline(saslEnv(kafka, 'PLAIN'), small),
      runPipeline(saslEnv(kafka, 'SCRAM-SHA-256'), small),
      runPipeline(saslEnv(kafka, 'SCRAM-SHA-512', 'SASL_PLAINTEXT'), small),
      runPipeline(oauth, small),
    ]);
  });

  it('delivers with an OAUTHBEARER token command, and over TLS with the name check off to a broker whose certificate names another host', async () => {
    const kafka = securedKafka();
    const tokenFile = join(kafka.dir, 'token-for-command');
    writeFileSync(tokenFile, unsecuredToken(user.username));
    const { KAFKA_SASL_USERNAME: _name, KAFKA_SASL_PASSWORD_FILE: _password, ...tls } = saslEnv(kafka, 'SCRAM-SHA-512');
    const oauth = { ...tls, KAFKA_SASL_MECHANISM: 'OAUTHBEARER', KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: `cat '${tokenFile}'` };
    // The certificate is still checked against the CA and its dates, only not its name (an expired
    // one still fails: kafka-security-failures.int.test.ts).
    const nameUnchecked = {
      KAFKA_BROKERS: kafka.broker.listeners.MISMATCHED ?? '',
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_SSL_CA_FILE: kafka.certificates.ca.certFile,
      KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: 'none',
    };
    const small = { events: 300, aggregates: 30, publishers: 1 };
    await Promise.all([runPipeline(oauth, small), runPipeline(nameUnchecked, small)]);
  });
});

/** The settings the pipeline runs over with kafkajs only, each as the pipeline tests above build it. */
const otherSettings: { name: string; env: (kafka: SecuredKafka) => Record<string, string> }[] = [
  { name: 'mTLS (a client certificate whose key is encrypted)', env: (kafka) => mtlsEnv(kafka) },
  { name: 'SASL_SSL with PLAIN', env: (kafka) => saslEnv(kafka, 'PLAIN') },
  { name: 'SASL_SSL with SCRAM-SHA-256', env: (kafka) => saslEnv(kafka, 'SCRAM-SHA-256') },
  { name: 'SASL_PLAINTEXT with SCRAM-SHA-512', env: (kafka) => saslEnv(kafka, 'SCRAM-SHA-512', 'SASL_PLAINTEXT') },
  {
    name: 'SASL_SSL with an OAUTHBEARER token file',
    env: (kafka) => {
      const tokenFile = join(kafka.dir, 'token-for-platformatic');
      writeFileSync(tokenFile, `${unsecuredToken(user.username)}\n`);
      return { ...tlsOf(kafka), KAFKA_SASL_MECHANISM: 'OAUTHBEARER', KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: tokenFile };
    },
  },
  {
    name: 'SASL_SSL with an OAUTHBEARER token command',
    env: (kafka) => {
      const tokenFile = join(kafka.dir, 'token-for-platformatic-command');
      writeFileSync(tokenFile, unsecuredToken(user.username));
      return { ...tlsOf(kafka), KAFKA_SASL_MECHANISM: 'OAUTHBEARER', KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: `cat '${tokenFile}'` };
    },
  },
  {
    name: 'TLS with the name check off, to a broker whose certificate names another host',
    env: (kafka) => ({
      KAFKA_BROKERS: kafka.broker.listeners.MISMATCHED ?? '',
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_SSL_CA_FILE: kafka.certificates.ca.certFile,
      KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: 'none',
    }),
  },
];

/** SASL_SSL to the broker's SASL_SSL listener with its CA, without a user and password. */
function tlsOf(kafka: SecuredKafka): Record<string, string> {
  const { KAFKA_SASL_USERNAME: _name, KAFKA_SASL_PASSWORD_FILE: _password, ...tls } = saslEnv(kafka, 'SCRAM-SHA-512');
  return tls;
}

describe('the @platformatic/kafka producer on every other secured setting', () => {
  it.each(otherSettings)('logs in and sends over $name; every record arrives, in order per key', async ({ env }) => {
    const kafka = securedKafka();
    const topic = `secured.${randomBytes(4).toString('hex')}`;
    // Created and read back over the broker's PLAINTEXT listener, so only the send depends on the code under test.
    const admin = new Kafka({ brokers: kafka.broker.brokers, clientId: 'secured-setup', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 12}`, value: `v${i}`, headers: { id: `id-${i}` } }));
    const config = loadConfig({ env: { ...env(kafka), KAFKA_CLIENT: 'platformatic' } });
    const producer = platformaticProducerClient(config.kafka)();
    try {
      await producer.connect();
      await producer.sendBatch([{ topic, messages }]);
    } finally {
      await producer.close();
    }
    const records = await readTopic(kafka.broker.brokers, topic);
    expect(records.map((r) => r.headers.id).sort()).toEqual(messages.map((m) => m.headers.id).sort());
    const byKey = Map.groupBy(
      records.sort((a, b) => Number(a.offset) - Number(b.offset)),
      (r) => r.key,
    );
    for (const [key, sent] of Map.groupBy(messages, (m) => m.key)) {
      const got = byKey.get(key) ?? [];
      expect(new Set(got.map((r) => r.partition)).size, key).toBe(1);
      expect(
        got.map((r) => r.value),
        key,
      ).toEqual(sent.map((m) => m.value));
    }
  });
});

describe('secrets for the secured broker', () => {
  it('never show: not in any log line (at trace), `outbox status`, `outbox offsets`, the REST API, the status page or /metrics', async () => {
    const kafka = securedKafka();
    // The password as a value for the capture worker and the CLI, from its file for the publisher;
    // the client certificate's key password too (SASL_SSL may present a certificate as well).
    const secured: Record<string, string> = {
      ...saslEnv(kafka, 'SCRAM-SHA-512'),
      KAFKA_SSL_CERT_FILE: kafka.certificates.client.certFile,
      KAFKA_SSL_KEY_FILE: kafka.certificates.client.keyFile,
      KAFKA_SSL_KEY_PASSWORD: keyPassword,
      LOG_LEVEL: 'trace',
    };
    const { KAFKA_SASL_PASSWORD_FILE: _file, ...withValue } = secured;
    const { env, config } = testEnvironment({ ...withValue, KAFKA_SASL_PASSWORD: user.password });
    const capture = start('capture-worker', env);
    const { KAFKA_SASL_PASSWORD: _value, ...publisherEnv } = { ...env, ...secured };
    const publisher = start('publisher-worker', publisherEnv);
    const [api, metrics] = await Promise.all([httpUrlOf(capture), httpUrlOf(publisher)]);
    const load = start('cli', env, ['load', '--events', '200', '--aggregates', '20']);
    expect(await load.exited, load.output()).toBe(0);
    await waitFor('the outbox to be empty', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });

    const cliEnv = { ...env, OUTBOX_API_URL: api };
    const seen: Record<string, string> = {};
    for (const args of [['status'], ['status', '--json'], ['offsets']]) {
      const cli = start('cli', cliEnv, args);
      expect(await cli.exited, cli.output()).toBe(0);
      seen[`outbox ${args.join(' ')}`] = cli.output();
    }
    const connector = `${api}/connectors/${config.connector.name}`;
    const page = await (await fetch(`${api}/ui/`)).text();
    const assets = [...page.matchAll(/(?:src|href)="(?:\.\/|\/ui\/)?([\w.-]+\.(?:js|css))"/g)].map((m) => `${api}/ui/${m[1]}`);
    expect(assets.length).toBeGreaterThan(0);
    const urls = [
      `${api}/`,
      connector,
      `${connector}/status`,
      `${connector}/offsets`,
      `${connector}/dlq`,
      `${connector}/history`,
    ];
    for (const url of [...urls, ...assets, `${metrics}/metrics`]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      seen[url] = await response.text();
    }
    // Ready means its probe reached the broker with the same security; a probe can miss its 1 s
    // deadline on a crowded machine, so it may take a second try.
    seen.readyz = await waitFor('the publisher to be ready', async () => {
      const response = await fetch(`${metrics}/readyz`);
      return response.status === 200 && response.text();
    });
    seen[`${api}/ui/`] = page;
    await Promise.all([capture.stop('SIGTERM'), publisher.stop('SIGTERM')]);
    seen['capture-worker output'] = capture.output();
    seen['publisher-worker output'] = publisher.output();
    // The outputs are the real ones: the publisher created the topics over SASL_SSL and said so.
    expect(publisher.output()).toContain('created Kafka topics');
    for (const [where, text] of Object.entries(seen)) {
      for (const secret of [user.password, keyPassword]) expect(text.includes(secret), `${where} shows a secret`).toBe(false);
    }
  });
});

/**
 * An unsigned JWS (`alg` none), which a broker without a token validator of its own accepts
 * (packages/infra/src/kafka-security.ts); a real deployment's identity provider signs its tokens.
 */
function unsecuredToken(subject: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none' })}.${part({ sub: subject, iat: now, exp: now + 3600 })}.`;
}
