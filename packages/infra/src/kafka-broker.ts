import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { kafkaAnswers } from '@outbox/kafka';
import { sleep } from '@outbox/runtime';
import { ensureKafkaInstalled } from './kafka-install.ts';
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

/** Starts a single-node KRaft broker with `java` and waits until it answers metadata requests. */
export async function startKafkaBroker(options: StartKafkaOptions): Promise<KafkaBroker> {
  const lib = ensureKafkaInstalled(options.log);
  mkdirSync(options.dataDir, { recursive: true });
  const logDir = join(options.dataDir, 'logs');
  const propertiesFile = join(options.dataDir, 'server.properties');
  const template = readFileSync(join(projectRoot, 'infra/kafka/server.properties'), 'utf8');
  writeFileSync(
    propertiesFile,
    template
      .replaceAll('@port@', String(options.port))
      .replaceAll('@controllerPort@', String(options.controllerPort))
      .replaceAll('@dataDir@', logDir),
  );
  const classpath = `${lib}/*`;
  if (!existsSync(join(logDir, 'meta.properties'))) {
    const clusterId = randomBytes(16).toString('base64url');
    // `--cluster-id=<id>`, not `-t <id>`: one id in 64 starts with '-', which the tool then reads as
    // an option and fails ("expected one argument") — a flaky start seen in CI.
    const format = spawnSync(
      'java',
      ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '--standalone', `--cluster-id=${clusterId}`, '-c', propertiesFile],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) {
      throw new OutboxError(`formatting Kafka storage failed: ${format.stderr || format.stdout}`, { code: 'KAFKA_START_FAILED' });
    }
  }

  const logFile = join(options.dataDir, 'broker.log');
  const out = openSync(logFile, 'a');
  const heap = options.heapMb ?? 512;
  const child = spawn(
    'java',
    [
      `-Xms${Math.min(256, heap)}m`,
      `-Xmx${heap}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(projectRoot, 'infra/kafka/log4j2.properties')}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propertiesFile,
    ],
    { stdio: ['ignore', out, out], detached: options.detached ?? false },
  );
  if (options.detached) child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new OutboxError('could not start java', { code: 'KAFKA_START_FAILED' });

  const brokers = [`127.0.0.1:${options.port}`];
  await waitUntilReady(brokers, pid, logFile, options.readyTimeoutMs ?? 60_000);
  return {
    pid,
    brokers,
    logFile,
    stop: () => stopProcess(pid),
    pause: () => process.kill(pid, 'SIGSTOP'),
    resume: () => process.kill(pid, 'SIGCONT'),
  };
}

async function waitUntilReady(brokers: string[], pid: number, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new OutboxError(`the Kafka broker exited during start-up; see ${logFile}:\n${tail(logFile)}`, {
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

function tail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
}
