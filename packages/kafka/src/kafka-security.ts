import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { promisify } from 'node:util';
import type { Config } from '@outbox/config';
import { EnvironmentError } from '@outbox/errors';
import type { ConnectionOptions as PlatformaticConnection } from '@platformatic/kafka';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** The `kafka` part of the config: what every Kafka client of the project is built from. */
export type KafkaSettings = Config['kafka'];

const run = promisify(execFile);

/**
 * kafkajs' `ssl` and `sasl` options for the configured `security.protocol`. Files are read once,
 * here, so a process never runs with half of a rotated certificate; a token is read at every
 * authentication instead, since tokens are meant to be renewed while the process runs.
 */
export function securityOptions(settings: KafkaSettings): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const protocol = settings.securityProtocol;
  return {
    ...(protocol.endsWith('SSL') && { ssl: tlsOptions(settings.ssl) }),
    ...(protocol.startsWith('SASL_') && { sasl: saslOptions(settings.sasl) }),
  };
}

/** The same settings for @platformatic/kafka (`tls` and `sasl`; the mechanisms keep Kafka's names there). */
export function platformaticSecurityOptions(settings: KafkaSettings): Pick<PlatformaticConnection, 'tls' | 'sasl'> {
  const protocol = settings.securityProtocol;
  const { sasl } = settings;
  const login: PlatformaticConnection['sasl'] =
    sasl.mechanism === 'OAUTHBEARER'
      ? { mechanism: 'OAUTHBEARER', token: async () => (await readToken(sasl)).value }
      : { mechanism: sasl.mechanism ?? 'PLAIN', username: sasl.username ?? '', password: sasl.password ?? '' };
  return {
    ...(protocol.endsWith('SSL') && { tls: tlsOptions(settings.ssl) }),
    ...(protocol.startsWith('SASL_') && { sasl: login }),
  };
}

function tlsOptions(ssl: KafkaSettings['ssl']): ConnectionOptions {
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  return {
    rejectUnauthorized: true,
    ...(ssl.caFile && { ca: read(ssl.caFile) }),
    ...(ssl.certFile && { cert: read(ssl.certFile), key: read(ssl.keyFile) }),
    ...(ssl.keyPassword && { passphrase: ssl.keyPassword }),
    // The chain is still verified against the CAs; only the name in the certificate is not checked.
    ...(ssl.endpointIdentificationAlgorithm === 'none' && { checkServerIdentity: () => undefined }),
  };
}

function saslOptions(sasl: KafkaSettings['sasl']): SASLOptions {
  if (sasl.mechanism === 'OAUTHBEARER') return { mechanism: 'oauthbearer', oauthBearerProvider: () => readToken(sasl) };
  const credentials = { username: sasl.username ?? '', password: sasl.password ?? '' };
  if (sasl.mechanism === 'SCRAM-SHA-256') return { mechanism: 'scram-sha-256', ...credentials };
  if (sasl.mechanism === 'SCRAM-SHA-512') return { mechanism: 'scram-sha-512', ...credentials };
  return { mechanism: 'plain', ...credentials };
}

async function readToken(sasl: KafkaSettings['sasl']): Promise<{ value: string }> {
  const token = sasl.oauthbearerTokenFile
    ? await readFile(sasl.oauthbearerTokenFile, 'utf8')
    : await runTokenCommand(sasl.oauthbearerTokenCommand ?? '');
  if (!token.trim()) throw new EnvironmentError('the OAUTHBEARER token is empty', { code: 'KAFKA_AUTH_FAILED' });
  return { value: token.trim() };
}

/**
 * The command's output. Its failure is told without the command line or its output, which may
 * hold a client secret (Node's error carries both).
 */
async function runTokenCommand(command: string): Promise<string> {
  try {
    return (await run('sh', ['-c', command], { timeout: 30_000 })).stdout;
  } catch (error) {
    const { code, signal } = error as { code?: unknown; signal?: unknown };
    const how = signal ? `was killed (${String(signal)})` : `exited with ${String(code)}`;
    throw new EnvironmentError(`the OAUTHBEARER token command ${how}`, { code: 'KAFKA_AUTH_FAILED' });
  }
}
