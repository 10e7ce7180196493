import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { freePort } from './ports.ts';

/** A certificate and its unencrypted PKCS#8 key, PEM files. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** A user of the broker's SASL listeners, known to SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN alike. */
export interface KafkaUser {
  /** Letters, digits and `._~+-` only: the name goes into JAAS and `--add-scram` text as is. */
  username: string;
  /** The same characters as the name. */
  password: string;
}

/** A TLS listener serving a certificate of its own (an expired one, one for another host name). */
export interface ExtraTlsListener extends CertificateFiles {
  /** Upper-case letters and `_`, not one of the standard names. */
  name: string;
  /** @defaultValue a free port */
  port?: number;
}

/**
 * Secured listeners for a test broker, beside its PLAINTEXT listener (which stays for the
 * controller, inter-broker traffic and the test kit's own reads):
 * - `SASL_SSL`: SCRAM-SHA-512, SCRAM-SHA-256, PLAIN and OAUTHBEARER (unsecured tokens: `alg` none,
 *   any `sub` — a test broker only), server certificate `tls`, no client certificate;
 * - `SASL_PLAINTEXT`: the same mechanisms without TLS;
 * - `SSL`: client certificate required (mTLS), signed by `tls.caFile`;
 * - every `extraTlsListeners` entry: TLS with its own certificate, no client certificate.
 * SCRAM users are written when the storage is formatted, so a broker restarted on the same data
 * directory keeps the users it first had.
 */
export interface KafkaSecurityOptions {
  tls: CertificateFiles & {
    /** The CA the clients verify the broker with, and the broker verifies client certificates with. */
    caFile: string;
  };
  users: KafkaUser[];
  extraTlsListeners?: ExtraTlsListener[];
  /** @defaultValue free ports */
  ports?: { saslSsl?: number; saslPlaintext?: number; ssl?: number };
}

/** A listener's name and where it listens; the broker advertises each on its own port. */
export interface ListenerSpec {
  name: string;
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_SSL' | 'SASL_PLAINTEXT';
  port: number;
  keystore?: CertificateFiles;
}

const safeText = /^[A-Za-z0-9._~+-]+$/;
const standardNames = new Set(['PLAINTEXT', 'CONTROLLER', 'SASL_SSL', 'SASL_PLAINTEXT', 'SSL']);
const saslMechanisms = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN', 'OAUTHBEARER'];

/** Refuses names and passwords the broker's config text could not carry unquoted. */
export function checkSecurityOptions(security: KafkaSecurityOptions): void {
  for (const { username, password } of security.users) {
    if (!safeText.test(username) || !safeText.test(password)) {
      throw new OutboxError(`Kafka test user "${username}": names and passwords take letters, digits and ._~+- only`, {
        code: 'KAFKA_START_FAILED',
      });
    }
  }
  for (const { name } of security.extraTlsListeners ?? []) {
    if (!/^[A-Z_]+$/.test(name) || standardNames.has(name)) {
      throw new OutboxError(`Kafka listener name "${name}": upper-case letters and _, not a standard name`, {
        code: 'KAFKA_START_FAILED',
      });
    }
  }
}

/** `StorageTool format` arguments that create every user for both SCRAM mechanisms. */
export function scramFormatArgs(users: readonly KafkaUser[]): string[] {
  return users.flatMap(({ username, password }) =>
    ['SCRAM-SHA-512', 'SCRAM-SHA-256'].flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${username},password=${password}]`,
    ]),
  );
}

/**
 * Kafka's PEM keystore is one file holding the key, then the certificate chain; written into the
 * broker's data directory for each certificate a listener serves.
 */
function writeKeystore(dir: string, name: string, files: CertificateFiles): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.toLowerCase()}-keystore.pem`);
  writeFileSync(file, `${readFileSync(files.keyFile, 'utf8').trim()}\n${readFileSync(files.certFile, 'utf8').trim()}\n`, {
    mode: 0o600,
  });
  return file;
}

/** The listener settings that replace the template's, and the per-listener TLS and SASL ones. */
export function securityProperties(
  security: KafkaSecurityOptions,
  listeners: readonly ListenerSpec[],
  keystoreDir: string,
): Record<string, string> {
  const properties: Record<string, string> = {
    listeners: listeners.map(({ name, port }) => `${name}://127.0.0.1:${port}`).join(','),
    'advertised.listeners': listeners
      .filter(({ name }) => name !== 'CONTROLLER')
      .map(({ name, port }) => `${name}://127.0.0.1:${port}`)
      .join(','),
    'listener.security.protocol.map': listeners.map(({ name, protocol }) => `${name}:${protocol}`).join(','),
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': writeKeystore(keystoreDir, 'broker', security.tls),
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': security.tls.caFile,
    'listener.name.ssl.ssl.client.auth': 'required',
    'sasl.enabled.mechanisms': saslMechanisms.join(','),
  };
  for (const listener of listeners) {
    if (listener.keystore && listener.name !== 'SASL_SSL' && listener.name !== 'SSL') {
      properties[`listener.name.${listener.name.toLowerCase()}.ssl.keystore.location`] = writeKeystore(
        keystoreDir,
        listener.name,
        listener.keystore,
      );
    }
    if (listener.protocol.startsWith('SASL_')) Object.assign(properties, jaasProperties(listener.name, security.users));
  }
  return properties;
}

function jaasProperties(listener: string, users: readonly KafkaUser[]): Record<string, string> {
  const prefix = `listener.name.${listener.toLowerCase()}`;
  const plainUsers = users.map(({ username, password }) => `user_${username}="${password}"`).join(' ');
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return {
    [`${prefix}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    [`${prefix}.scram-sha-512.sasl.jaas.config`]: scram,
    [`${prefix}.scram-sha-256.sasl.jaas.config`]: scram,
    // Without a validator callback handler of its own, the broker accepts unsecured JWS tokens.
    [`${prefix}.oauthbearer.sasl.jaas.config`]: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
  };
}

/** The template's text with these keys' lines replaced, and any key it lacks appended. */
export function withProperties(template: string, properties: Record<string, string>): string {
  const remaining = new Map(Object.entries(properties));
  const lines = template.split('\n').map((line) => {
    const key = /^([a-z0-9._-]+)=/.exec(line)?.[1];
    const value = key === undefined ? undefined : remaining.get(key);
    if (key === undefined || value === undefined) return line;
    remaining.delete(key);
    return `${key}=${value}`;
  });
  const added = [...remaining].map(([key, value]) => `${key}=${value}`);
  return [
    ...lines,
    ...(added.length > 0 ? ['', '# Secured listeners (packages/infra/src/kafka-security.ts)', ...added] : []),
  ].join('\n');
}

/** Every listener of a secured broker, on the given or free ports. */
export async function securedListeners(
  port: number,
  controllerPort: number,
  security: KafkaSecurityOptions,
): Promise<ListenerSpec[]> {
  const { tls, ports = {} } = security;
  const listeners: ListenerSpec[] = [
    { name: 'PLAINTEXT', protocol: 'PLAINTEXT', port },
    { name: 'CONTROLLER', protocol: 'PLAINTEXT', port: controllerPort },
    { name: 'SASL_SSL', protocol: 'SASL_SSL', port: ports.saslSsl ?? (await freePort()), keystore: tls },
    { name: 'SASL_PLAINTEXT', protocol: 'SASL_PLAINTEXT', port: ports.saslPlaintext ?? (await freePort()) },
    { name: 'SSL', protocol: 'SSL', port: ports.ssl ?? (await freePort()), keystore: tls },
  ];
  for (const extra of security.extraTlsListeners ?? []) {
    listeners.push({ name: extra.name, protocol: 'SSL', port: extra.port ?? (await freePort()), keystore: extra });
  }
  return listeners;
}
