import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * kafkajs 2.2.4 predates Kafka 4, which removed old protocol versions (KIP-896). This pins what
 * the project relies on against the broker version it ships.
 */
describe('kafkajs against the pinned Kafka broker', () => {
  const kafka = new Kafka({ brokers: inject('kafkaBrokers'), clientId: 'compat', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topic = `compat.${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  });
  afterAll(() => admin.disconnect());

  it('creates and lists topics and reads offsets (admin)', async () => {
    expect(await admin.listTopics()).toContain(topic);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('produces idempotently and transactionally, and consumes in a group', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'a', value: 'one', headers: { id: 'e1' } },
        { key: 'a', value: 'two', headers: { id: 'e2' } },
      ],
    });
    await producer.disconnect();

    const transactional = kafka.producer({ transactionalId: `tx-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await transactional.connect();
    const tx = await transactional.transaction();
    await tx.send({ topic, messages: [{ key: 'a', value: 'three' }] });
    await tx.commit();
    const aborted = await transactional.transaction();
    await aborted.send({ topic, messages: [{ key: 'a', value: 'never' }] });
    await aborted.abort();
    await transactional.disconnect();

    const consumer = kafka.consumer({ groupId: `g-${topic}`, readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length === 3) resolve();
        },
      });
    });
    await consumer.disconnect();
    // Same key, same partition: in the order sent; the aborted record is never delivered.
    expect(values).toEqual(['one', 'two', 'three']);
  });
});
