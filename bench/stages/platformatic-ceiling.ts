import { loadConfig } from '@outbox/config';
import { chunkByBytes } from '@outbox/kafka';
import { platformaticProducerClient } from '@outbox/kafka/platformatic';
import type { Message } from 'kafkajs';
import { type BenchContext, createBenchTopic } from '../lib/bench-context.ts';
import { sampleMessages } from '../lib/sample-events.ts';

export interface PlatformaticCeiling {
  records: number;
  /** The publisher's client as it sends: idempotent, acks=all, no compression, 512 KiB requests, one at a time. */
  publisherSettings: number;
  /** The best of the other settings tried, and which it was. */
  bestSettings: number;
  best: string;
}

const variants = [
  { label: 'idempotent, 1 MiB requests', overrides: {}, batchBytes: 1024 * 1024, concurrency: 1 },
  {
    label: 'not idempotent, 5 in flight, 512 KiB requests, 4 at a time',
    overrides: { idempotent: false, maxInflights: 5 },
    batchBytes: 512 * 1024,
    concurrency: 4,
  },
];

/**
 * The same loop as the kafkajs ceiling (kafkajs-ceiling.ts), over @platformatic/kafka, through the
 * very ProducerClient the publisher sends with when KAFKA_CLIENT=platformatic.
 */
export async function platformaticCeiling(context: BenchContext): Promise<PlatformaticCeiling> {
  const records = context.quick ? 50_000 : 300_000;
  const messages = sampleMessages(records);
  const env = { KAFKA_BROKERS: context.infra.broker.brokers.join(','), KAFKA_CLIENT: 'platformatic' };
  const settings = loadConfig({ env }).kafka;
  const publisher = { label: 'the publisher settings', overrides: {}, batchBytes: 512 * 1024, concurrency: 1 };
  let best = { label: publisher.label, rate: 0 };
  let publisherSettings = 0;
  for (const variant of [publisher, ...variants]) {
    context.progress(`@platformatic/kafka send loop: ${records} events, ${variant.label}`);
    const topic = `bench.platformatic.${Date.now()}.${variant.concurrency}`;
    await createBenchTopic(context.kafka, topic);
    const client = platformaticProducerClient(settings, variant.overrides)();
    await client.connect();
    const rate = await timed(messages, variant.batchBytes, variant.concurrency, (batch) =>
      client.sendBatch([{ topic, messages: batch }]),
    );
    await client.close();
    if (variant === publisher) publisherSettings = rate;
    else if (rate > best.rate) best = { label: variant.label, rate };
  }
  if (publisherSettings >= best.rate) best = { label: publisher.label, rate: publisherSettings };
  return { records, publisherSettings, bestSettings: best.rate, best: best.label };
}

async function timed(
  messages: Message[],
  batchBytes: number,
  concurrency: number,
  send: (batch: Message[]) => Promise<void>,
): Promise<number> {
  const batches = chunkByBytes(messages, batchBytes);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < batches.length; i = next++) await send(batches[i] ?? []);
    }),
  );
  return Math.round(messages.length / ((performance.now() - started) / 1000));
}
