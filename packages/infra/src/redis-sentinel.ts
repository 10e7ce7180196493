import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { sleep } from '@outbox/runtime';
import { Redis } from 'ioredis';
import { freePort } from './ports.ts';
import { isAlive, stopProcess } from './processes.ts';
import { launchRedis, type RedisServer, type StartRedisOptions, startRedisServer } from './redis-server.ts';

export interface StartSentinelOptions {
  dir: string;
  /** @defaultValue 'mymaster' */
  masterName?: string;
  /** Replicas of the master. @defaultValue 1 */
  replicas?: number;
  /** Sentinels; a failover needs a majority of them. @defaultValue 3 */
  sentinels?: number;
  /** How long a node may not answer before sentinels call it down. @defaultValue 1000 */
  downAfterMs?: number;
  /** @defaultValue 3000 */
  failoverTimeoutMs?: number;
  /** ACL users of the data nodes besides `default` (the admin) and `replicator` (replication). */
  users?: string[];
  /** What sentinels ask of their clients (`requirepass`); none when unset. */
  sentinelPassword?: string;
  /** ACL users of the sentinels themselves, as for {@link StartRedisOptions.users}. */
  sentinelUsers?: string[];
}

/** One master, its replicas and the sentinels watching them, all on 127.0.0.1. */
export interface RedisSentinelSet {
  masterName: string;
  /** `host:port` of every sentinel. */
  sentinels: string[];
  /** The data nodes, master first as started; `null` where a node was killed and not restarted. */
  nodes: (RedisServer | null)[];
  /** The password of the data nodes' `default` user, which sentinels use too. */
  adminPassword: string;
  /** The port of the node the sentinels name master now. */
  masterPort(): Promise<number>;
  /** SIGKILL a data node (no persistence: its data is gone). */
  kill(node: RedisServer): void;
  /**
   * Cuts the replicas off the master (the replication user is disabled and its connections killed)
   * while the master goes on taking writes: a replica promoted after this lacks them.
   */
  cutReplication(): Promise<void>;
  /** Starts a killed node again, empty, as a replica of the current master. */
  restart(index: number): Promise<RedisServer>;
  stop(): Promise<void>;
}

/**
 * Starts a Sentinel topology from `redis-server` processes: a master, its replicas (replicating as
 * the ACL user `replicator`), and sentinels with a generated configuration each (they rewrite it).
 * Resolves once every sentinel knows the replicas and the other sentinels, so a failover can happen.
 */
export async function startRedisSentinels(options: StartSentinelOptions): Promise<RedisSentinelSet> {
  const masterName = options.masterName ?? 'mymaster';
  const data = dataNodes(options);
  const master = await data.start(0);
  const nodes: (RedisServer | null)[] = [master];
  for (let i = 1; i <= (options.replicas ?? 1); i++) nodes.push(await data.start(i, master.port));
  const sentinels = await startSentinelProcesses(options, masterName, master.port, data.adminPassword);
  for (const sentinel of sentinels) {
    const ask = () => sentinelClient([sentinel], options.sentinelPassword);
    await waitForQuorum(ask, masterName, nodes.length - 1, sentinels.length);
  }
  const masterPort = () => askMasterPort(() => sentinelClient(sentinels, options.sentinelPassword), masterName);

  return {
    masterName,
    sentinels: sentinels.map((s) => `127.0.0.1:${s.port}`),
    nodes,
    adminPassword: data.adminPassword,
    masterPort,
    kill: (node) => {
      if (isAlive(node.pid)) process.kill(node.pid, 'SIGKILL');
      const index = nodes.indexOf(node);
      if (index >= 0) nodes[index] = null;
    },
    cutReplication: async () => data.cutReplication(await masterPort()),
    restart: async (index) => {
      const node = await data.start(index, await masterPort());
      nodes[index] = node;
      return node;
    },
    stop: async () => {
      await Promise.allSettled([...sentinels, ...nodes].map((node) => node?.stop()));
    },
  };
}

/** Starts data nodes (each with the same ACL users) and cuts their replication, by index. */
function dataNodes(options: StartSentinelOptions) {
  const adminPassword = randomBytes(8).toString('hex');
  const replicationPassword = randomBytes(8).toString('hex');
  const users = [
    `default on >${adminPassword} ~* &* +@all`,
    `replicator on >${replicationPassword} -@all +psync +replconf +ping`,
    ...(options.users ?? []),
  ];
  const ports: number[] = [];
  const admin = (port: number) => {
    const client = new Redis({ host: '127.0.0.1', port, password: adminPassword });
    client.on('error', () => undefined);
    return client;
  };
  return {
    adminPassword,
    /** Node `index` (on its port of before, if it ran), as a replica of the master at `masterPort`. */
    start: async (index: number, masterPort?: number): Promise<RedisServer> => {
      const replicaArgs = masterPort
        ? ['--replicaof', '127.0.0.1', String(masterPort), '--masteruser', 'replicator', '--masterauth', replicationPassword]
        : [];
      const node = await startRedisServer({
        port: ports[index] ?? (await freePort()),
        dir: join(options.dir, `node-${index}`),
        users,
        // A full sync waits 5 s by default for more replicas to share it: a test's replica would lag.
        args: ['--repl-diskless-sync-delay', '0', ...replicaArgs],
      });
      ports[index] = node.port;
      if (masterPort) await waitForReplicaLink(admin(node.port));
      return node;
    },
    /** The replicas of the master at `port` lose their link, and cannot log in again to restore it. */
    cutReplication: async (port: number): Promise<void> => {
      const client = admin(port);
      try {
        await client.call('ACL', 'SETUSER', 'replicator', 'off');
        await client.call('CLIENT', 'KILL', 'USER', 'replicator');
      } finally {
        client.disconnect();
      }
    },
  };
}

/** Until the replica `client` talks to has its first full copy of the master and follows it. */
async function waitForReplicaLink(client: Redis): Promise<void> {
  try {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      if ((await client.info('replication')).includes('master_link_status:up')) return;
    }
    throw new OutboxError(`the replica on port ${client.options.port} did not sync within 30 s`, { code: 'REDIS_START_FAILED' });
  } finally {
    client.disconnect();
  }
}

async function askMasterPort(askSentinel: () => Redis, masterName: string): Promise<number> {
  const client = askSentinel();
  try {
    const [, port] = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string];
    return Number(port);
  } finally {
    client.disconnect();
  }
}

async function startSentinelProcesses(
  options: StartSentinelOptions,
  masterName: string,
  masterPort: number,
  adminPassword: string,
): Promise<RedisServer[]> {
  const count = options.sentinels ?? 3;
  const quorum = Math.floor(count / 2) + 1;
  const started: RedisServer[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const dir = join(options.dir, `sentinel-${i}`);
    mkdirSync(dir, { recursive: true });
    const logFile = join(dir, 'sentinel.log');
    const configFile = join(dir, 'sentinel.conf');
    const lines = [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `logfile ${logFile}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} ${quorum}`,
      `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs ?? 3000}`,
      `sentinel parallel-syncs ${masterName} 1`,
      `sentinel auth-pass ${masterName} ${adminPassword}`,
      ...(options.sentinelPassword
        ? [`requirepass ${options.sentinelPassword}`, `sentinel sentinel-pass ${options.sentinelPassword}`]
        : []),
      ...(options.sentinelUsers ?? []).map((rule) => `user ${rule}`),
    ];
    writeFileSync(configFile, `${lines.join('\n')}\n`);
    const pid = await launchRedis([configFile, '--sentinel'], { url: `redis://127.0.0.1:${port}`, logFile });
    started.push({ pid, port, url: `redis://127.0.0.1:${port}`, stop: () => stopProcess(pid, 5000) });
  }
  return started;
}

function sentinelClient(sentinels: RedisServer[], password: string | undefined): Redis {
  const alive = sentinels.find((s) => isAlive(s.pid)) ?? sentinels[0];
  if (!alive) throw new OutboxError('no sentinel is running', { code: 'REDIS_START_FAILED' });
  const client = new Redis({ host: '127.0.0.1', port: alive.port, password, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}

/** Until the sentinel sees the replicas and the other sentinels (they meet through the master). */
async function waitForQuorum(askSentinel: () => Redis, masterName: string, replicas: number, sentinels: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const client = askSentinel();
    try {
      const fields = (await client.call('SENTINEL', 'MASTER', masterName)) as string[];
      const info = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(fields[i] ?? '', fields[i + 1] ?? '');
      if (Number(info.get('num-slaves')) >= replicas && Number(info.get('num-other-sentinels')) >= sentinels - 1) return;
    } finally {
      client.disconnect();
    }
    await sleep(200);
  }
  throw new OutboxError('the sentinels did not find the replicas and each other within 30 s', { code: 'REDIS_START_FAILED' });
}
