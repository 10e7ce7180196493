import { randomBytes } from 'node:crypto';
import { loadConfig } from '@outbox/config';
import { createLogger } from '@outbox/logger';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventProducer } from './create-event-producer.ts';
import { kafkaClients } from './producer-client.ts';
import { readTopicsToEnd } from './read-topics.ts';

const logger = createLogger({ level: 'silent', format: 'json' });

describe('the producer over each Kafka client', () => {
  const brokers = inject('kafkaBrokers');
  const kafka = new Kafka({ brokers, clientId: 'producer-clients', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const id = randomBytes(4).toString('hex');
  const topics = Object.fromEntries(kafkaClients.map((client) => [client, `clients.${id}.${client}`]));

  beforeAll(async () => {
    await admin.connect();
    // An odd partition count, so that a partitioner that is not the Java client's shows.
    const created = Object.values(topics).map((topic) => ({ topic, numPartitions: 7 }));
    await admin.createTopics({ topics: created, waitForLeaders: true });
  });
  afterAll(() => admin.disconnect());

  it("puts each key on the same partition with either client, in order, with the record's value and headers", async () => {
    const keys = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `user-${i}` : String(i)));
    const messages = keys.flatMap((key) =>
      [1, 2].map((n) => ({ key, value: `${key}:${n}`, headers: { id: `${key}-${n}`, n: String(n) } })),
    );
    const received: Record<string, Map<string, { partition: number; values: string[] }>> = {};
    for (const client of kafkaClients) {
      const settings = loadConfig({ env: { KAFKA_BROKERS: brokers.join(','), KAFKA_CLIENT: client } }).kafka;
      const producer = await createEventProducer(settings, kafka, logger);
      await producer.connect();
      await producer.send(topics[client] ?? '', messages);
      await producer.close();
      const records = await readTopicsToEnd(kafka, [topics[client] ?? '']);
      expect(records).toHaveLength(messages.length);
      const byKey = new Map<string, { partition: number; values: string[] }>();
      for (const record of records.sort((a, b) => Number(a.offset) - Number(b.offset))) {
        const seen = byKey.get(record.key) ?? { partition: record.partition, values: [] };
        expect(record.partition, record.key).toBe(seen.partition);
        expect(record.headers).toEqual({ id: `${record.value.replace(':', '-')}`, n: record.value.split(':')[1] });
        seen.values.push(record.value);
        byKey.set(record.key, seen);
      }
      for (const [key, { values }] of byKey) expect(values, key).toEqual([`${key}:1`, `${key}:2`]);
      received[client] = byKey;
    }
    const partitionsOf = (client: string) => keys.map((key) => received[client]?.get(key)?.partition);
    // Keys spread over the partitions, and land where kafkajs (the Java client's partitioner) put them.
    expect(new Set(partitionsOf('kafkajs')).size).toBe(7);
    expect(partitionsOf('platformatic')).toEqual(partitionsOf('kafkajs'));
  });
});
