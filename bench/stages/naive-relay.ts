import { setTimeout as sleep } from 'node:timers/promises';
import { toKafkaMessage } from '@outbox/kafka';
import { createOutboxStore, openDatabase } from '@outbox/outbox-store';
import { Partitioners } from 'kafkajs';
import { type BenchContext, createBenchTopic, freshPipeline } from '../lib/bench-context.ts';
import { fillOutbox } from '../lib/pipeline-run.ts';

export interface NaiveRelay {
  seconds: number;
  events: number;
  eventsPerSecond: number;
}

/**
 * What the original demo did, done right: for each event, send it (acks=all), wait for Kafka, then
 * delete its row. No batching, no queue: the baseline the pipeline is measured against.
 */
export async function naiveRelay(context: BenchContext): Promise<NaiveRelay> {
  const seconds = context.quick ? 5 : 15;
  const { dbPath, topic } = freshPipeline(context, 'naive');
  fillOutbox(dbPath, 100_000, 1000);
  await createBenchTopic(context.kafka, topic);
  const db = openDatabase(dbPath);
  const store = createOutboxStore(db, 'users_outbox');
  const producer = context.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  context.progress(`naive relay: send, await, delete, one event at a time, for ${seconds} s`);
  let events = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    const [row] = store.readAfter(0, 1);
    if (!row) {
      await sleep(10);
      continue;
    }
    await producer.send({ topic, acks: -1, messages: [toKafkaMessage(row)] });
    store.deleteIds([row.id]);
    events += 1;
  }
  const elapsed = (performance.now() - started) / 1000;
  await producer.disconnect();
  db.close();
  return { seconds: elapsed, events, eventsPerSecond: Math.round(events / elapsed) };
}
