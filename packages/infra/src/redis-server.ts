import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { sleep } from '@outbox/runtime';
import { Redis } from 'ioredis';
import { isAlive, stopProcess } from './processes.ts';

export interface StartRedisOptions {
  port: number;
  dir: string;
  /** @defaultValue false */
  detached?: boolean;
}

export interface RedisServer {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Answers PING within the timeout? Used to decide whether a configured Redis is there. */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Starts `redis-server` (Debian package `redis-server`) without persistence and with the eviction
 * policy BullMQ requires: an evicted job key would lose an event.
 */
export async function startRedisServer(options: StartRedisOptions): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error) {
    throw new OutboxError('redis-server is not installed (Debian: apt-get install redis-server), and no REDIS_URL answered', {
      code: 'TOOL_MISSING',
    });
  }
  mkdirSync(options.dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--dir',
      options.dir,
      '--logfile',
      join(options.dir, 'redis.log'),
    ],
    { stdio: 'ignore', detached: options.detached ?? false },
  );
  if (options.detached) child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new OutboxError('could not start redis-server', { code: 'REDIS_START_FAILED' });
  const url = `redis://127.0.0.1:${options.port}`;
  for (let i = 0; i < 100 && !(await pingRedis(url, 200)); i++) {
    if (!isAlive(pid))
      throw new OutboxError(`redis-server exited; see ${join(options.dir, 'redis.log')}`, { code: 'REDIS_START_FAILED' });
    await sleep(50);
  }
  return { pid, url, stop: () => stopProcess(pid, 5000) };
}
