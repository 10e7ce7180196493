import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensurePositionsTopic, readCommittedPositions } from './committed-positions.ts';
import { readTopicsToEnd } from './read-topics.ts';
import { TransactionalPartition } from './transactional-partition.ts';

/**
 * A partition's transactions on the real broker, counted request by request: kafkajs 2.2.4 asked
 * for the coordinator again before every transactional request (four extra round trips a
 * transaction); the patch keeps the one it found until a request to it fails.
 */
describe('TransactionalPartition', () => {
  const kafka = new Kafka({ brokers: inject('kafkaBrokers'), clientId: 'tx-partition', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const requests: string[] = [];
  /** The same client, with every request its producers make written down. */
  const counted = {
    admin: () => kafka.admin(),
    producer: (config) => {
      const producer = kafka.producer(config);
      producer.on(producer.events.REQUEST, (event) => requests.push(event.payload.apiName));
      return producer;
    },
  } as Pick<Kafka, 'admin' | 'producer'> as Kafka;

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('commits each transaction with its position and commit id, finding the coordinators once, not before every request', async () => {
    const name = `tx-partition.${randomBytes(4).toString('hex')}`;
    const positions = { groupId: `${name}-positions`, topic: `${name}-positions` };
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 3 }], waitForLeaders: true });
    await ensurePositionsTopic(admin, positions, 1, 1);
    // A broker fresh from the test kit makes its offsets topic on the first group request, and
    // answers NOT_COORDINATOR until it has loaded it.
    const groupReady = () =>
      readCommittedPositions(admin, positions).then(
        () => true,
        () => false,
      );
    await expect.poll(groupReady, { timeout: 30_000, interval: 200 }).toBe(true);
    const partition = new TransactionalPartition({
      kafka: counted,
      partition: 0,
      transactionalId: `${name}-p000`,
      positions,
      compression: 'none',
      transactionTimeoutMs: 10_000,
    });
    const transactions = 5;
    try {
      for (let outboxId = 1; outboxId <= transactions; outboxId++) {
        const { transaction } = await partition.begin();
        // Records on every Kafka partition of the topic, as a job of many aggregates writes them.
        const messages = [0, 1, 2].map((p) => ({ partition: p, value: `${outboxId}.${p}` }));
        await transaction.sendBatch([{ topic: name, messages }]);
        await transaction.commit({ outboxId, timeline: 't1', commitId: `c${outboxId}` });
      }
    } finally {
      await partition.reset();
    }

    const committed = await readTopicsToEnd(kafka, [name], { isolation: 'read_committed', timeoutMs: 20_000 });
    expect(committed).toHaveLength(transactions * 3);
    expect((await readCommittedPositions(admin, positions)).get(0)).toEqual({
      outboxId: transactions,
      timeline: 't1',
      commitId: `c${transactions}`,
    });
    const count = (api: string) => requests.filter((r) => r === api).length;
    expect(count('EndTxn')).toBe(transactions);
    expect(count('TxnOffsetCommit')).toBe(transactions);
    // Once per InitProducerId attempt (a fresh broker answers the first ones with "loading"), then
    // once for the transactions' coordinator and once for the positions' group: without the patch,
    // once more before each AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn.
    expect(count('GroupCoordinator')).toBeLessThanOrEqual(count('InitProducerId') + 2);
  });
});
