import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { kafkaAnswers } from '@outbox/kafka';
import { startKafkaBroker } from './kafka-broker.ts';
import { projectRoot } from './paths.ts';
import { freePort, isPortFree } from './ports.ts';
import { isAlive, stopProcess } from './processes.ts';
import { pingRedis, startRedisServer } from './redis-server.ts';

/** What `outbox infra up` started or found, so other commands know where to connect. */
export interface InfraState {
  kafka: { brokers: string[]; pid?: number; logFile?: string };
  redis: { url: string; pid?: number };
}

const dataDir = join(projectRoot, '.data');
const stateFile = join(dataDir, 'infra.json');

export function readInfraState(): InfraState | undefined {
  if (!existsSync(stateFile)) return undefined;
  return JSON.parse(readFileSync(stateFile, 'utf8')) as InfraState;
}

/**
 * Starts the local broker (127.0.0.1:9092) and, unless a Redis already answers at `redisUrl`, a
 * local redis-server. Both are detached, so they keep running until `outbox infra down`.
 * Running it again reuses what is up.
 */
export async function infraUp(options: { redisUrl?: string; log: (line: string) => void }): Promise<InfraState> {
  const previous = readInfraState();
  const kafka = await kafkaUp(previous, options.log);
  const redis = await redisUp(previous, options.redisUrl ?? 'redis://127.0.0.1:6379', options.log);
  const state: InfraState = { kafka, redis };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

async function kafkaUp(previous: InfraState | undefined, log: (line: string) => void): Promise<InfraState['kafka']> {
  if (previous?.kafka.pid && isAlive(previous.kafka.pid)) return previous.kafka;
  const port = 9092;
  if (!(await isPortFree(port))) {
    if (await kafkaAnswers([`127.0.0.1:${port}`])) {
      log(`a Kafka broker already answers at 127.0.0.1:${port}; using it`);
      return { brokers: [`127.0.0.1:${port}`] };
    }
    throw new OutboxError(`port ${port} is taken by something that is not Kafka; free it or set KAFKA_BROKERS`, {
      code: 'PORT_TAKEN',
    });
  }
  log('starting the Kafka broker (KRaft, single node) on 127.0.0.1:9092');
  const broker = await startKafkaBroker({ dataDir: join(dataDir, 'kafka'), port, controllerPort: 9093, detached: true, log });
  return { brokers: broker.brokers, pid: broker.pid, logFile: broker.logFile };
}

async function redisUp(previous: InfraState | undefined, url: string, log: (line: string) => void): Promise<InfraState['redis']> {
  if (previous?.redis.pid && isAlive(previous.redis.pid)) return previous.redis;
  if (await pingRedis(url)) {
    log(`Redis answers at ${url}; using it`);
    return { url };
  }
  const port = (await isPortFree(6379)) ? 6379 : await freePort();
  log(`starting redis-server on 127.0.0.1:${port}`);
  const server = await startRedisServer({ port, dir: join(dataDir, 'redis'), detached: true });
  return { url: server.url, pid: server.pid };
}

/** Stops what `infraUp` started (never a broker or Redis it only found running). */
export async function infraDown(options: { log: (line: string) => void; purge?: boolean }): Promise<void> {
  const state = readInfraState();
  if (state?.kafka.pid && isAlive(state.kafka.pid)) {
    options.log(`stopping the Kafka broker (pid ${state.kafka.pid})`);
    await stopProcess(state.kafka.pid);
  }
  if (state?.redis.pid && isAlive(state.redis.pid)) {
    options.log(`stopping redis-server (pid ${state.redis.pid})`);
    await stopProcess(state.redis.pid, 5000);
  }
  rmSync(stateFile, { force: true });
  if (options.purge) rmSync(join(dataDir, 'kafka'), { recursive: true, force: true });
}

export async function infraStatus(): Promise<{ kafka: string; redis: string; state?: InfraState }> {
  const state = readInfraState();
  const brokers = state?.kafka.brokers ?? ['127.0.0.1:9092'];
  const redisUrl = state?.redis.url ?? 'redis://127.0.0.1:6379';
  const kafka = (await kafkaAnswers(brokers)) ? `up at ${brokers.join(',')}` : `down (${brokers.join(',')})`;
  const redis = (await pingRedis(redisUrl)) ? `up at ${redisUrl}` : `down (${redisUrl})`;
  return { kafka, redis, state };
}
