import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { kafkaHome } from '@outbox/infra';
import { type BenchContext, createBenchTopic } from '../lib/bench-context.ts';

export interface KafkaCeiling {
  records: number;
  recordBytes: number;
  eventsPerSecond: number;
  mbPerSecond: number;
  avgLatencyMs: number;
}

/** Kafka's own kafka-producer-perf-test against the same broker, acks=all, idempotent (its default). */
export async function kafkaCeiling(context: BenchContext, recordBytes: number): Promise<KafkaCeiling> {
  const records = context.quick ? 50_000 : 500_000;
  const topic = `bench.ceiling.${Date.now()}`;
  await createBenchTopic(context.kafka, topic);
  context.progress(`Kafka's producer-perf-test: ${records} records of ${recordBytes} bytes`);
  const run = spawnSync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      `${join(kafkaHome, 'lib')}/*`,
      `-Dlog4j2.configurationFile=${join(kafkaHome, '..', '..', 'infra/kafka/log4j2.properties')}`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${context.infra.broker.brokers.join(',')}`,
      'acks=all',
    ],
    { encoding: 'utf8' },
  );
  // The last summary line: "500000 records sent, 123456.7 records/sec (12.34 MB/sec), 45.67 ms avg latency, …"
  const summary = run.stdout
    .split('\n')
    .reverse()
    .find((line) => line.includes('records sent'));
  const match = summary && /([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency/.exec(summary);
  if (!match) throw new Error(`kafka-producer-perf-test printed no summary:\n${run.stdout}\n${run.stderr}`);
  return {
    records,
    recordBytes,
    eventsPerSecond: Math.round(Number(match[1])),
    mbPerSecond: Number(match[2]),
    avgLatencyMs: Number(match[3]),
  };
}
