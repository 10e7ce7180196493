import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KafkaCluster, type RedisSentinelSet, startKafkaCluster, startRedisSentinels } from '@outbox/infra';
import {
  freePort,
  type KafkaBroker,
  ownBrokerOptions,
  type RedisServer,
  startKafkaBroker,
  startRedisServer,
} from '@outbox/testkit';

/**
 * A Kafka broker, a Kafka cluster and Redis servers (single ones, or a Sentinel set) that only
 * chaos scenarios use: faults that stop, freeze, flush or restart them must never touch the run's
 * shared broker and Redis, which other test files use at the same time. The broker and the cluster
 * start on first use and are kept for the file (starting them costs seconds); each Redis belongs
 * to one scenario.
 */
export class ChaosInfra {
  #broker: KafkaBroker | undefined;
  #brokerOptions: { dataDir: string; port: number; controllerPort: number } | undefined;
  #cluster: KafkaCluster | undefined;
  #redis = new Set<RedisServer>();
  #sentinels = new Set<RedisSentinelSet>();

  /** The file's own broker, started if it is not running. */
  async broker(): Promise<KafkaBroker> {
    if (this.#broker) return this.#broker;
    this.#brokerOptions ??= await ownBrokerOptions('chaos-kafka');
    this.#broker = await startKafkaBroker(this.#brokerOptions);
    return this.#broker;
  }

  /** Stops the broker gracefully; `broker()` starts it again on the same port with the same data. */
  async stopBroker(): Promise<void> {
    const broker = this.#broker;
    this.#broker = undefined;
    await broker?.stop();
  }

  /**
   * A three-broker cluster, started on first use and kept for the file (a start costs 15–20 s);
   * brokers a fault left killed or paused are brought back before it is handed out again.
   */
  async kafkaCluster(): Promise<KafkaCluster> {
    this.#cluster ??= await startKafkaCluster({ dataDir: mkdtempSync(join(tmpdir(), 'outbox-chaos-cluster-')) });
    for (const node of this.#cluster.nodes) node.resume();
    await Promise.all(this.#cluster.nodes.filter((node) => !node.running()).map((node) => node.start()));
    return this.#cluster;
  }

  /** A Redis without persistence, for one scenario. */
  async redis(): Promise<ChaosRedis> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'outbox-chaos-redis-'));
    let server = await startRedisServer({ port, dir });
    this.#redis.add(server);
    return {
      url: server.url,
      stop: async () => {
        this.#redis.delete(server);
        await server.stop();
      },
      start: async () => {
        server = await startRedisServer({ port, dir });
        this.#redis.add(server);
      },
    };
  }

  /** A master, a replica and three sentinels, for one scenario; stopped by `close()` at the latest. */
  async sentinels(): Promise<RedisSentinelSet> {
    const set = await startRedisSentinels({ dir: mkdtempSync(join(tmpdir(), 'outbox-chaos-sentinel-')) });
    this.#sentinels.add(set);
    return set;
  }

  async close(): Promise<void> {
    const redis = [...this.#redis, ...this.#sentinels];
    await Promise.allSettled([this.stopBroker(), this.#cluster?.close(), ...redis.map((server) => server.stop())]);
    this.#cluster = undefined;
    this.#redis.clear();
    this.#sentinels.clear();
  }
}

export interface ChaosRedis {
  url: string;
  stop(): Promise<void>;
  /**
   * Starts it again on the same port: empty (a restart without persistence), unless a SAVE left
   * a snapshot in its directory, which it then loads.
   */
  start(): Promise<void>;
}
