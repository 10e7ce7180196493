import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisSentinelSet, startRedisSentinels } from '@outbox/infra';
import {
  freePort,
  type KafkaBroker,
  ownBrokerOptions,
  type RedisServer,
  startKafkaBroker,
  startRedisServer,
} from '@outbox/testkit';

/**
 * A Kafka broker and Redis servers (single ones, or a Sentinel set) that only chaos scenarios use:
 * faults that stop, freeze, flush or restart them must never touch the run's shared broker and
 * Redis, which other test files use at the same time. The broker starts on first use and is kept
 * for the file (starting one costs seconds); each Redis belongs to one scenario.
 */
export class ChaosInfra {
  #broker: KafkaBroker | undefined;
  #brokerOptions: { dataDir: string; port: number; controllerPort: number } | undefined;
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
    await Promise.allSettled([this.stopBroker(), ...redis.map((server) => server.stop())]);
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
