import { chunkByBytes } from '@outbox/kafka';
import { CompressionTypes, type Message, Partitioners } from 'kafkajs';
import { type BenchContext, createBenchTopic } from '../lib/bench-context.ts';
import { sampleMessages } from '../lib/sample-events.ts';

export interface KafkajsCeiling {
  records: number;
  /** The publisher's settings: idempotent, one request in flight, no compression, 512 KiB sends, one send at a time. */
  publisherSettings: number;
  /** The best of the other settings tried, and which it was. */
  bestSettings: number;
  best: string;
}

const variants = [
  {
    label: 'idempotent, 1 in flight, 1 MiB requests',
    idempotent: true,
    maxInFlightRequests: 1,
    batchBytes: 1024 * 1024,
    concurrency: 1,
  },
  {
    label: 'not idempotent, 5 in flight, 512 KiB requests, 4 at a time',
    idempotent: false,
    maxInFlightRequests: 5,
    batchBytes: 512 * 1024,
    concurrency: 4,
  },
  {
    label: 'not idempotent, 5 in flight, 128 KiB requests, 8 at a time',
    idempotent: false,
    maxInFlightRequests: 5,
    batchBytes: 128 * 1024,
    concurrency: 8,
  },
];

async function run(
  context: BenchContext,
  messages: Message[],
  options: { idempotent: boolean; maxInFlightRequests: number; batchBytes: number; concurrency: number },
): Promise<number> {
  const topic = `bench.kafkajs.${Date.now()}.${options.concurrency}`;
  await createBenchTopic(context.kafka, topic);
  const producer = context.kafka.producer({
    idempotent: options.idempotent,
    maxInFlightRequests: options.maxInFlightRequests,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const batches = chunkByBytes(messages, options.batchBytes);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let i = next++; i < batches.length; i = next++) {
        await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [{ topic, messages: batches[i] ?? [] }],
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return Math.round(messages.length / seconds);
}

/** A raw kafkajs sendBatch loop in one Node process: the ceiling for a Node publisher. */
export async function kafkajsCeiling(context: BenchContext): Promise<KafkajsCeiling> {
  const records = context.quick ? 50_000 : 300_000;
  const messages = sampleMessages(records);
  context.progress(`kafkajs sendBatch loop: ${records} events, the publisher's settings`);
  const publisherSettings = await run(context, messages, {
    idempotent: true,
    maxInFlightRequests: 1,
    batchBytes: 512 * 1024,
    concurrency: 1,
  });
  let best = { label: 'the publisher settings', rate: publisherSettings };
  for (const variant of variants) {
    context.progress(`kafkajs sendBatch loop: ${records} events, ${variant.label}`);
    const rate = await run(context, messages, variant);
    if (rate > best.rate) best = { label: variant.label, rate };
  }
  return { records, publisherSettings, bestSettings: best.rate, best: best.label };
}
