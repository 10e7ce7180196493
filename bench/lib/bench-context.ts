import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { AppVariant, BenchInfra } from './bench-infra.ts';

/** What every stage gets: the infrastructure, a Kafka client, sizes, and a progress line. */
export interface BenchContext {
  infra: BenchInfra;
  kafka: Kafka;
  quick: boolean;
  /** How many runs of each drain (`--runs`); by default 3, or 1 with `--quick`. */
  runs?: number;
  progress: (line: string) => void;
}

/**
 * Exactly-once delivery (issue 15): each job in one Kafka transaction of its partition's producer,
 * with the partition's committed position. Needs AUTOINCREMENT ids, as the benchmark's outbox has.
 */
export const exactlyOnce: AppVariant = { label: 'exactly-once delivery', env: { OUTBOX_DELIVERY: 'exactly-once' } };

export function createKafkaClient(infra: BenchInfra): Kafka {
  return new Kafka({ brokers: infra.broker.brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
}

/**
 * A fresh connector: own database file, queues, topic and store of connector configs, so runs
 * never see each other's events or connectors. Each app's HTTP server on a port the OS picks.
 */
export function freshPipeline(context: BenchContext, name: string) {
  const id = `${name}-${randomBytes(3).toString('hex')}`;
  const topicOf = (aggregateType: string) => `bench.${id}.${aggregateType}`;
  const topic = topicOf('users');
  const env: Record<string, string> = {
    OUTBOX_SQLITE_PATH: join(context.infra.dir, `${id}.sqlite`),
    OUTBOX_CONNECTOR_NAME: id,
    OUTBOX_REDIS_PREFIX: id,
    OUTBOX_HTTP_PORT: '0',
    OUTBOX_TOPIC_TEMPLATE: `bench.${id}.{aggregateType}`,
    KAFKA_BROKERS: context.infra.broker.brokers.join(','),
    REDIS_URL: context.infra.redis.url,
  };
  return { id, topic, topicOf, env, dbPath: env.OUTBOX_SQLITE_PATH ?? '' };
}

/** Benchmark topics stamp records with the broker's append time, the end point of latency. */
export async function createBenchTopic(kafka: Kafka, topic: string, partitions = 6): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Records in a topic now: the sum of its partitions' end offsets. */
export async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
