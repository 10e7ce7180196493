import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { kafkaAnswers } from '@outbox/kafka';
import { sleep } from '@outbox/runtime';
import { ensureKafkaInstalled } from './kafka-install.ts';
import { formatKafkaStorageOnce, logTail, spawnKafkaServer } from './kafka-process.ts';
import {
  checkSecurityOptions,
  type KafkaSecurityOptions,
  type ListenerSpec,
  scramFormatArgs,
  securedListeners,
  securityProperties,
  withProperties,
} from './kafka-security.ts';
import { projectRoot } from './paths.ts';
import { isAlive, stopProcess } from './processes.ts';

export interface StartKafkaOptions {
  /** Holds the broker's log segments and metadata; kept across restarts of the same broker. */
  dataDir: string;
  port: number;
  controllerPort: number;
  /** @defaultValue 512 */
  heapMb?: number;
  /** Detached brokers outlive the process that started them (`outbox infra up`). @defaultValue false */
  detached?: boolean;
  /** @defaultValue 60000 */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  /** SASL and TLS listeners beside the PLAINTEXT one (see {@link KafkaSecurityOptions}). @defaultValue none */
  security?: KafkaSecurityOptions;
}

export interface KafkaBroker {
  pid: number;
  brokers: string[];
  logFile: string;
  stop(): Promise<void>;
  /** SIGSTOP/SIGCONT: the broker stops answering without closing its connections. */
  pause(): void;
  resume(): void;
}

/** A broker started with `security`: where each of its listeners is, by name (`SASL_SSL`, `SSL`, …). */
export interface SecuredKafkaBroker extends KafkaBroker {
  listeners: Record<string, string>;
}

/**
 * Starts a single-node KRaft broker with `java` and waits until it answers metadata requests.
 * `brokers` is always its PLAINTEXT listener; with `security`, `listeners` names the secured ones.
 */
export async function startKafkaBroker(
  options: StartKafkaOptions & { security: KafkaSecurityOptions },
): Promise<SecuredKafkaBroker>;
export async function startKafkaBroker(options: StartKafkaOptions): Promise<KafkaBroker>;
export async function startKafkaBroker(options: StartKafkaOptions): Promise<KafkaBroker | SecuredKafkaBroker> {
  const lib = ensureKafkaInstalled(options.log);
  const { propertiesFile, listeners } = await writeBrokerConfig(options);
  await formatKafkaStorageOnce({
    lib,
    propertiesFile,
    logDir: join(options.dataDir, 'logs'),
    clusterId: randomBytes(16).toString('base64url'),
    args: ['--standalone', ...(options.security ? scramFormatArgs(options.security.users) : [])],
  });

  const logFile = join(options.dataDir, 'broker.log');
  const { pid } = spawnKafkaServer({ lib, propertiesFile, logFile, heapMb: options.heapMb ?? 512, detached: options.detached });

  const brokers = [`127.0.0.1:${options.port}`];
  await waitUntilReady(brokers, pid, logFile, options.readyTimeoutMs ?? 60_000);
  const broker: KafkaBroker = {
    pid,
    brokers,
    logFile,
    stop: () => stopProcess(pid),
    pause: () => process.kill(pid, 'SIGSTOP'),
    resume: () => process.kill(pid, 'SIGCONT'),
  };
  if (!listeners) return broker;
  const advertised = listeners.filter(({ name }) => name !== 'CONTROLLER');
  return { ...broker, listeners: Object.fromEntries(advertised.map(({ name, port }) => [name, `127.0.0.1:${port}`])) };
}

/** server.properties from the template, with the secured listeners when asked for. */
async function writeBrokerConfig(options: StartKafkaOptions): Promise<{ propertiesFile: string; listeners?: ListenerSpec[] }> {
  mkdirSync(options.dataDir, { recursive: true });
  const propertiesFile = join(options.dataDir, 'server.properties');
  const template = readFileSync(join(projectRoot, 'infra/kafka/server.properties'), 'utf8')
    .replaceAll('@port@', String(options.port))
    .replaceAll('@controllerPort@', String(options.controllerPort))
    .replaceAll('@dataDir@', join(options.dataDir, 'logs'));
  if (!options.security) {
    writeFileSync(propertiesFile, template);
    return { propertiesFile };
  }
  checkSecurityOptions(options.security);
  const listeners = await securedListeners(options.port, options.controllerPort, options.security);
  const properties = securityProperties(options.security, listeners, join(options.dataDir, 'tls'));
  writeFileSync(propertiesFile, withProperties(template, properties));
  return { propertiesFile, listeners };
}

async function waitUntilReady(brokers: string[], pid: number, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new OutboxError(`the Kafka broker exited during start-up; see ${logFile}:\n${logTail(logFile)}`, {
        code: 'KAFKA_START_FAILED',
      });
    }
    if (await kafkaAnswers(brokers)) return;
    await sleep(250);
  }
  await stopProcess(pid, 2000);
  throw new OutboxError(`the Kafka broker at ${brokers.join(',')} was not ready after ${timeoutMs} ms; see ${logFile}`, {
    code: 'KAFKA_START_FAILED',
  });
}
