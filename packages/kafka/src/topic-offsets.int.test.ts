import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { topicOffsets } from './topic-offsets.ts';

describe('topicOffsets', () => {
  const kafka = new Kafka({ brokers: inject('kafkaBrokers'), clientId: 'topic-offsets', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topic = `offsets.${randomBytes(4).toString('hex')}`;

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('has none for a missing topic, without waiting on retries or creating it', async () => {
    const started = Date.now();
    expect(await topicOffsets(kafka, topic)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await admin.listTopics()).not.toContain(topic);
  });

  it("gives each partition's start and end, the end moving with each record", async () => {
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    expect(await topicOffsets(kafka, topic)).toEqual([
      { partition: 0, low: '0', high: '0' },
      { partition: 1, low: '0', high: '0' },
    ]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { partition: 1, value: 'a' },
        { partition: 1, value: 'b' },
      ],
    });
    await producer.disconnect();
    expect(await topicOffsets(kafka, topic)).toEqual([
      { partition: 0, low: '0', high: '0' },
      { partition: 1, low: '0', high: '2' },
    ]);
  });
});
