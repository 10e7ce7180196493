import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { sleep } from '@outbox/runtime';
import { Redis, type RedisOptions } from 'ioredis';
import { isAlive, stopProcess } from './processes.ts';

/** TLS for a test Redis: it then serves TLS only, on its port. */
export interface RedisTlsOptions {
  /** The server's certificate and key, PEM. */
  certFile: string;
  keyFile: string;
  /** The CA that clients' certificates (and, for clients, the server's) are checked against. */
  caFile: string;
  /** Refuse clients without a certificate signed by `caFile` (mutual TLS). @defaultValue false */
  authClients?: boolean;
  /** The certificate the start-up probe presents when `authClients` is on. @defaultValue certFile */
  clientCertFile?: string;
  /** @defaultValue keyFile */
  clientKeyFile?: string;
}

export interface StartRedisOptions {
  port: number;
  dir: string;
  /** @defaultValue false */
  detached?: boolean;
  /**
   * ACL users, one rule per entry as an ACL file takes it after `user ` (for example
   * `outbox on >secret ~app:* -@all +get`). They go into `users.acl` in `dir`, so `ACL LOAD` and
   * `ACL SAVE` work; a `default …` entry replaces the password-less default user.
   */
  users?: string[];
  tls?: RedisTlsOptions;
  /** More `redis-server` arguments (`--replicaof …`, `--masteruser …`). */
  args?: string[];
}

export interface RedisServer {
  pid: number;
  port: number;
  /** `redis://127.0.0.1:<port>`, or `rediss://` with TLS; no credentials. */
  url: string;
  stop(): Promise<void>;
}

/** Answers PING within the timeout? Used to decide whether a configured Redis is there. */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  return (await probeRedis(url, {}, timeoutMs)) === 'PONG';
}

/**
 * What the server at `url` says to PING: 'PONG', 'refused' (a reply error such as NOAUTH: a
 * server that is up but wants credentials) or 'none' (no answer).
 */
async function probeRedis(url: string, options: RedisOptions, timeoutMs: number): Promise<'PONG' | 'refused' | 'none'> {
  const client = new Redis(url, {
    ...options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // A refused handshake (HELLO without credentials) comes as an 'error' event, and connect()
  // then rejects with a bare "Connection is closed".
  const errors: string[] = [];
  client.on('error', (error: Error) => errors.push(error.message));
  try {
    await client.connect();
    return (await client.ping()) === 'PONG' ? 'PONG' : 'none';
  } catch (error) {
    errors.push((error as Error).message);
    return errors.some((message) => /^(NOAUTH|WRONGPASS|NOPERM)/.test(message)) ? 'refused' : 'none';
  } finally {
    client.disconnect();
  }
}

/**
 * Starts `redis-server` (Debian package `redis-server`) without persistence and with the eviction
 * policy BullMQ requires: an evicted job key would lose an event.
 */
export async function startRedisServer(options: StartRedisOptions): Promise<RedisServer> {
  mkdirSync(options.dir, { recursive: true });
  const logFile = join(options.dir, 'redis.log');
  const args = [
    ...['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
    ...['--dir', options.dir, '--logfile', logFile],
    ...listenArgs(options),
    ...aclArgs(options),
    ...(options.args ?? []),
  ];
  const url = `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${options.port}`;
  const probe = options.tls ? { tls: probeTls(options.tls) } : {};
  const pid = await launchRedis(args, { url, probe, logFile, detached: options.detached });
  return { pid, port: options.port, url, stop: () => stopProcess(pid, 5000) };
}

/**
 * Spawns `redis-server` with `args` and waits until `url` answers (credentials refused counts: the
 * server is up). Returns its pid.
 */
export async function launchRedis(
  args: string[],
  options: { url: string; probe?: RedisOptions; logFile: string; detached?: boolean },
): Promise<number> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error) {
    throw new OutboxError('redis-server is not installed (Debian: apt-get install redis-server), and no REDIS_URL answered', {
      code: 'TOOL_MISSING',
    });
  }
  const child = spawn('redis-server', args, { stdio: 'ignore', detached: options.detached ?? false });
  if (options.detached) child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new OutboxError('could not start redis-server', { code: 'REDIS_START_FAILED' });
  for (let i = 0; i < 100 && (await probeRedis(options.url, options.probe ?? {}, 200)) === 'none'; i++) {
    if (!isAlive(pid)) throw new OutboxError(`redis-server exited; see ${options.logFile}`, { code: 'REDIS_START_FAILED' });
    await sleep(50);
  }
  return pid;
}

function listenArgs(options: StartRedisOptions): string[] {
  const { tls } = options;
  if (!tls) return ['--port', String(options.port)];
  return [
    ...['--port', '0', '--tls-port', String(options.port)],
    ...['--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile],
    ...['--tls-auth-clients', tls.authClients ? 'yes' : 'no'],
  ];
}

function aclArgs(options: StartRedisOptions): string[] {
  if (!options.users?.length) return [];
  const aclFile = join(options.dir, 'users.acl');
  writeFileSync(aclFile, options.users.map((rule) => `user ${rule}\n`).join(''));
  return ['--aclfile', aclFile];
}

function probeTls(tls: RedisTlsOptions): RedisOptions['tls'] {
  return {
    ca: readFileSync(tls.caFile),
    ...(tls.authClients && {
      cert: readFileSync(tls.clientCertFile ?? tls.certFile),
      key: readFileSync(tls.clientKeyFile ?? tls.keyFile),
    }),
  };
}
