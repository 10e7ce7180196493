import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { sleep } from '@outbox/runtime';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { ensureKafkaInstalled } from './kafka-install.ts';
import { formatKafkaStorageOnce, logTail, spawnKafkaServer } from './kafka-process.ts';
import { projectRoot } from './paths.ts';
import { freePort } from './ports.ts';

export interface StartKafkaClusterOptions {
  /** Holds every node's data, a folder each; a node started again keeps its data. */
  dataDir: string;
  /** Broker nodes. Topics get min(brokers, 3) replicas and min.insync.replicas one fewer. @defaultValue 3 */
  brokers?: number;
  /** @defaultValue 384 */
  brokerHeapMb?: number;
  /** @defaultValue 192 */
  controllerHeapMb?: number;
  /** How long the cluster (or a restarted broker) may take to serve. @defaultValue 90000 */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

/** One broker of the cluster, to strike and bring back. */
export interface KafkaClusterNode {
  readonly nodeId: number;
  /** `host:port` of its PLAINTEXT listener. */
  readonly address: string;
  readonly logFile: string;
  /** Whether its process is there (a paused one is). */
  running(): boolean;
  /** SIGKILL: no controlled shutdown, no flush; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again with its data; resolves once the cluster counts it as a live broker. */
  start(): Promise<void>;
  /** SIGSTOP/SIGCONT: it stops answering and heartbeating without closing its connections. */
  pause(): void;
  resume(): void;
}

/** One partition as the cluster's metadata has it: node ids, `leader` -1 when it has none. */
export interface PartitionState {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** A replicated KRaft cluster on 127.0.0.1: brokers to strike, and one controller kept out of harm's way. */
export interface KafkaCluster {
  /** Every broker's address, for KAFKA_BROKERS. */
  brokers: string[];
  nodes: KafkaClusterNode[];
  /** How long the start took, formatting included. */
  startedInMs: number;
  node(nodeId: number): KafkaClusterNode;
  /** The topic's partitions, from a broker that is running and not paused. */
  partitions(topic: string): Promise<PartitionState[]>;
  leaderOf(topic: string, partition: number): Promise<KafkaClusterNode | undefined>;
  /** Each partition's high watermark: what consumers can read, i.e. what the cluster committed. */
  endOffsets(topic: string): Promise<{ partition: number; end: number }[]>;
  /** SIGKILLs every node: the cluster is for tests, its data is thrown away. */
  close(): Promise<void>;
}

interface NodeSpec {
  nodeId: number;
  role: 'broker' | 'controller';
  port: number;
  dir: string;
  heapMb: number;
}

/**
 * Starts a KRaft cluster of `brokers` broker-only nodes and one controller-only node (a static
 * quorum of one), and resolves once every broker serves. The controller is on its own so that
 * killing brokers never costs the metadata quorum: with three combined nodes, losing two loses the
 * quorum too, the ISR can no longer shrink, and a send below min.insync.replicas times out instead
 * of being refused with NOT_ENOUGH_REPLICAS — not the failure the tests are after.
 */
export async function startKafkaCluster(options: StartKafkaClusterOptions): Promise<KafkaCluster> {
  const began = Date.now();
  const lib = ensureKafkaInstalled(options.log);
  const brokerCount = options.brokers ?? 3;
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const specs = await nodeSpecs(options, brokerCount);
  const controller = specs.find((spec) => spec.role === 'controller');
  if (!controller) throw new Error('a cluster has a controller');
  const clusterId = randomBytes(16).toString('base64url');
  const servers = specs.map((spec) => new ClusterServer(spec, lib, writeNodeConfig(spec, controller, brokerCount)));
  await Promise.all(servers.map((server) => server.format(clusterId)));
  for (const server of servers) server.launch();
  const nodes = servers.filter((server) => server.spec.role === 'broker');
  try {
    await Promise.all(nodes.map((node) => node.waitUntilServing(readyTimeoutMs, servers)));
  } catch (error) {
    await Promise.all(servers.map((server) => server.kill()));
    throw error;
  }
  return clusterHandle(nodes, servers, Date.now() - began);
}

function clusterHandle(nodes: ClusterServer[], servers: ClusterServer[], startedInMs: number): KafkaCluster {
  const node = (nodeId: number) => {
    const found = nodes.find((n) => n.nodeId === nodeId);
    if (!found) throw new Error(`no broker ${nodeId} in this cluster`);
    return found;
  };
  const live = () => nodes.filter((n) => n.running() && !n.paused).map((n) => n.address);
  const partitions = (topic: string) => topicPartitions(live(), topic);
  return {
    brokers: nodes.map((n) => n.address),
    nodes,
    startedInMs,
    node,
    partitions,
    leaderOf: async (topic, partition) => {
      const leader = (await partitions(topic)).find((p) => p.partition === partition)?.leader;
      return nodes.find((n) => n.nodeId === leader);
    },
    endOffsets: (topic) => topicEndOffsets(live(), topic),
    close: async () => {
      await Promise.all(servers.map((server) => server.kill()));
    },
  };
}

async function nodeSpecs(options: StartKafkaClusterOptions, brokers: number): Promise<NodeSpec[]> {
  const specs: NodeSpec[] = [];
  for (let nodeId = 1; nodeId <= brokers + 1; nodeId++) {
    const role = nodeId <= brokers ? 'broker' : 'controller';
    const heapMb = role === 'broker' ? (options.brokerHeapMb ?? 384) : (options.controllerHeapMb ?? 192);
    specs.push({ nodeId, role, port: await freePort(), dir: join(options.dataDir, `node-${nodeId}`), heapMb });
  }
  return specs;
}

/** The node's server.properties, from infra/kafka/cluster-node.properties. */
function writeNodeConfig(spec: NodeSpec, controller: NodeSpec, brokers: number): string {
  mkdirSync(spec.dir, { recursive: true });
  const replicationFactor = Math.min(brokers, 3);
  const listener = spec.role === 'broker' ? 'PLAINTEXT' : 'CONTROLLER';
  const properties = readFileSync(join(projectRoot, 'infra/kafka/cluster-node.properties'), 'utf8')
    .replaceAll('@roles@', spec.role)
    .replaceAll('@nodeId@', String(spec.nodeId))
    .replaceAll('@voters@', `${controller.nodeId}@127.0.0.1:${controller.port}`)
    .replaceAll('@listeners@', `${listener}://127.0.0.1:${spec.port}`)
    .replaceAll('@dataDir@', join(spec.dir, 'logs'))
    .replaceAll('@replicationFactor@', String(replicationFactor))
    .replaceAll('@minInsyncReplicas@', String(Math.max(1, replicationFactor - 1)));
  const file = join(spec.dir, 'server.properties');
  writeFileSync(file, properties);
  return file;
}

/** One server process of the cluster: spawned, killed, paused and started again on the same port. */
class ClusterServer implements KafkaClusterNode {
  readonly spec: NodeSpec;
  readonly nodeId: number;
  readonly address: string;
  readonly logFile: string;
  paused = false;
  readonly #lib: string;
  readonly #propertiesFile: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(spec: NodeSpec, lib: string, propertiesFile: string) {
    this.spec = spec;
    this.nodeId = spec.nodeId;
    this.address = `127.0.0.1:${spec.port}`;
    this.logFile = join(spec.dir, 'server.log');
    this.#lib = lib;
    this.#propertiesFile = propertiesFile;
  }

  format(clusterId: string): Promise<void> {
    return formatKafkaStorageOnce({
      lib: this.#lib,
      propertiesFile: this.#propertiesFile,
      logDir: join(this.spec.dir, 'logs'),
      clusterId,
    });
  }

  launch(): void {
    const child = spawnKafkaServer({
      lib: this.#lib,
      propertiesFile: this.#propertiesFile,
      logFile: this.logFile,
      heapMb: this.spec.heapMb,
    });
    this.#child = child;
    this.paused = false;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async kill(): Promise<void> {
    if (this.running()) this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  async start(): Promise<void> {
    if (this.running()) throw new Error(`broker ${this.nodeId} is running`);
    this.launch();
    await this.waitUntilServing(90_000, [this]);
  }

  pause(): void {
    if (this.#child?.pid === undefined || !this.running()) return;
    process.kill(this.#child.pid, 'SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (this.#child?.pid === undefined || !this.running()) return;
    process.kill(this.#child.pid, 'SIGCONT');
    this.paused = false;
  }

  /**
   * Resolves once the broker lists itself among the cluster's live brokers, which it does only
   * after the controller unfenced it. Fails at once when one of `watched` exits.
   */
  async waitUntilServing(timeoutMs: number, watched: readonly ClusterServer[]): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const dead = watched.find((server) => !server.running());
      if (dead) {
        throw new OutboxError(
          `Kafka node ${dead.nodeId} exited during start-up; see ${dead.logFile}:\n${logTail(dead.logFile)}`,
          {
            code: 'KAFKA_START_FAILED',
          },
        );
      }
      if (await listsItself(this.address, this.nodeId)) return;
      await sleep(250);
    }
    throw new OutboxError(
      `Kafka broker ${this.nodeId} at ${this.address} was not serving after ${timeoutMs} ms; see ${this.logFile}`,
      {
        code: 'KAFKA_START_FAILED',
      },
    );
  }
}

function probeClient(brokers: string[]): Kafka {
  return new Kafka({
    brokers,
    clientId: 'outbox-cluster-probe',
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 100 },
    connectionTimeout: 1000,
    requestTimeout: 2000,
  });
}

async function listsItself(address: string, nodeId: number): Promise<boolean> {
  const admin = probeClient([address]).admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.some((broker) => broker.nodeId === nodeId);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Runs `ask` with an admin client of the serving brokers. */
async function withAdmin<T>(brokers: string[], ask: (admin: Admin) => Promise<T>): Promise<T> {
  if (brokers.length === 0) throw new OutboxError('no broker of the cluster is serving', { code: 'KAFKA_UNAVAILABLE' });
  const admin = probeClient(brokers).admin();
  try {
    await admin.connect();
    return await ask(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function topicPartitions(brokers: string[], topic: string): Promise<PartitionState[]> {
  return withAdmin(brokers, async (admin) => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return (topics[0]?.partitions ?? [])
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
      .sort((a, b) => a.partition - b.partition);
  });
}

function topicEndOffsets(brokers: string[], topic: string): Promise<{ partition: number; end: number }[]> {
  return withAdmin(brokers, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, end: Number(o.high) })).sort((a, b) => a.partition - b.partition);
  });
}
