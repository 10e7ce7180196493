import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readTopicsToEnd } from './read-topics.ts';
import { topicOffsets } from './topic-offsets.ts';

type Outcome = 'commit' | 'abort';

/**
 * Topics written in Kafka transactions hold commit and abort markers, which take an offset each but
 * are never handed out as records, and (read committed) aborted records, which are filtered out:
 * the reader must still see that it passed the end offsets it started with. A read that hangs
 * rejects at its 20 s timeout, which fails the test.
 */
describe('readTopicsToEnd on transactional topics', () => {
  const kafka = new Kafka({ brokers: inject('kafkaBrokers'), clientId: 'read-isolation', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const timeoutMs = 20_000;

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  async function createTopic(partitions = 1): Promise<string> {
    const topic = `read-isolation.${randomBytes(4).toString('hex')}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    return topic;
  }

  /** Writes each transaction in turn to one partition, and ends it as told. */
  async function writeTransactions(
    topic: string,
    transactions: ReadonlyArray<{ values: readonly string[]; outcome: Outcome; partition?: number }>,
  ): Promise<void> {
    const producer = kafka.producer({ transactionalId: `tx-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (const { values, outcome, partition = 0 } of transactions) {
        const tx = await producer.transaction();
        // One send per value: each is its own record batch, as the publishers' sends would be.
        for (const value of values) await tx.send({ topic, acks: -1, messages: [{ partition, value }] });
        await (outcome === 'commit' ? tx.commit() : tx.abort());
      }
    } finally {
      await producer.disconnect();
    }
  }

  /** Two transactional producers of their own, connected: two publishers' partitions. */
  async function twoProducers(topic: string): Promise<[Producer, Producer]> {
    const [a, b] = ['a', 'b'].map((name) =>
      kafka.producer({ transactionalId: `${name}-${topic}`, idempotent: true, maxInFlightRequests: 1 }),
    ) as [Producer, Producer];
    await Promise.all([a.connect(), b.connect()]);
    return [a, b];
  }

  const valuesOf = async (topic: string, isolation: 'read_committed' | 'read_uncommitted') =>
    (await readTopicsToEnd(kafka, [topic], { isolation, timeoutMs })).map((r) => r.value);

  it('reads only committed records read_committed and all of them read_uncommitted, the log ending in a commit marker', async () => {
    const topic = await createTopic();
    await writeTransactions(topic, [
      { values: ['c1', 'c2', 'c3'], outcome: 'commit' },
      { values: ['a1', 'a2'], outcome: 'abort' },
      { values: ['c4'], outcome: 'commit' },
    ]);
    // Six records and three markers.
    expect(await topicOffsets(kafka, topic)).toEqual([{ partition: 0, low: '0', high: '9' }]);

    expect(await valuesOf(topic, 'read_committed')).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(await valuesOf(topic, 'read_uncommitted')).toEqual(['c1', 'c2', 'c3', 'a1', 'a2', 'c4']);
    // The default is what a consumer with isolation.level=read_committed sees.
    expect((await readTopicsToEnd(kafka, [topic], { timeoutMs })).map((r) => r.value)).toEqual(['c1', 'c2', 'c3', 'c4']);
  });

  it('ends when the log ends in an abort marker', async () => {
    const topic = await createTopic();
    await writeTransactions(topic, [
      { values: ['c1', 'c2', 'c3'], outcome: 'commit' },
      { values: ['a1', 'a2'], outcome: 'abort' },
    ]);

    expect(await valuesOf(topic, 'read_committed')).toEqual(['c1', 'c2', 'c3']);
    expect(await valuesOf(topic, 'read_uncommitted')).toEqual(['c1', 'c2', 'c3', 'a1', 'a2']);
  });

  it('ends on a partition that holds only an aborted transaction, beside one with records', async () => {
    // kafkajs hands out no batch at all for partition 1 read committed: everything it fetched
    // there was filtered out.
    const topic = await createTopic(2);
    await writeTransactions(topic, [
      { values: ['c1'], outcome: 'commit', partition: 0 },
      { values: ['a1', 'a2'], outcome: 'abort', partition: 1 },
    ]);

    expect(await valuesOf(topic, 'read_committed')).toEqual(['c1']);
    expect((await valuesOf(topic, 'read_uncommitted')).sort()).toEqual(['a1', 'a2', 'c1']);
  });

  it('ends when the aborted tail of the log comes in a fetch of its own', async () => {
    // kafkajs asks for at most 1 MiB per partition and fetch: the committed record and its marker
    // fill the first answer, the aborted record and its marker come in the second.
    const topic = await createTopic();
    const big = (tag: string) => tag.padEnd(700 * 1024, '.');
    await writeTransactions(topic, [
      { values: [big('c1')], outcome: 'commit' },
      { values: [big('a1')], outcome: 'abort' },
    ]);

    expect((await valuesOf(topic, 'read_committed')).map((v) => v.slice(0, 2))).toEqual(['c1']);
    expect((await valuesOf(topic, 'read_uncommitted')).map((v) => v.slice(0, 2))).toEqual(['c1', 'a1']);
  });

  it('leaves out every aborted transaction of producers whose records interleave, when a fetch starts inside them', async () => {
    // Two publishers' transactions on one partition, both aborted (as when a publisher is fenced).
    // The first fetch (at most 1 MiB) ends inside both; the second starts after both began, so
    // its first record must already count as aborted for either producer. kafkajs 2.2.4 opened
    // one aborted transaction per record and handed out 'b2' as committed (patched).
    const topic = await createTopic();
    await writeTransactions(topic, [{ values: ['c1'], outcome: 'commit' }]);
    const big = (tag: string) => tag.padEnd(600 * 1024, '.');
    const [a, b] = await twoProducers(topic);
    try {
      const [ta, tb] = await Promise.all([a.transaction(), b.transaction()]);
      for (const [tx, value] of [
        [ta, 'a1'],
        [tb, 'b1'],
        [ta, big('a2')],
        [tb, big('b2')],
        [ta, 'a3'],
      ] as const) {
        await tx.send({ topic, acks: -1, messages: [{ partition: 0, value }] });
      }
      await Promise.all([ta.abort(), tb.abort()]);
    } finally {
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
    await writeTransactions(topic, [{ values: ['c2'], outcome: 'commit' }]);

    expect(await valuesOf(topic, 'read_committed')).toEqual(['c1', 'c2']);
    expect((await valuesOf(topic, 'read_uncommitted')).map((v) => v.slice(0, 2))).toEqual([
      'c1',
      'a1',
      'b1',
      'a2',
      'b2',
      'a3',
      'c2',
    ]);
  });

  it('leaves out aborted transactions that ended in another order than they began', async () => {
    // b begins before a, a is aborted first: the broker lists a's abort before b's. kafkajs 2.2.4
    // took the list as it came, did not see b's start at 'b1', and handed 'b1' out (patched).
    const topic = await createTopic();
    await writeTransactions(topic, [{ values: ['c1'], outcome: 'commit' }]);
    const [a, b] = await twoProducers(topic);
    try {
      const [ta, tb] = await Promise.all([a.transaction(), b.transaction()]);
      await tb.send({ topic, acks: -1, messages: [{ partition: 0, value: 'b1' }] });
      await ta.send({ topic, acks: -1, messages: [{ partition: 0, value: 'a1' }] });
      await ta.abort();
      await tb.send({ topic, acks: -1, messages: [{ partition: 0, value: 'b2' }] });
      await tb.abort();
    } finally {
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
    await writeTransactions(topic, [{ values: ['c2'], outcome: 'commit' }]);

    expect(await valuesOf(topic, 'read_committed')).toEqual(['c1', 'c2']);
    expect(await valuesOf(topic, 'read_uncommitted')).toEqual(['c1', 'b1', 'a1', 'b2', 'c2']);
  });

  it('ends at the last stable offset while a transaction is open, in either isolation, without waiting for it', async () => {
    const topic = await createTopic();
    await writeTransactions(topic, [{ values: ['c1', 'c2'], outcome: 'commit' }]);
    const producer = kafka.producer({ transactionalId: `open-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const open = await producer.transaction();
      await open.send({ topic, acks: -1, messages: [{ partition: 0, value: 'o1' }] });
      // The broker's end offset, asked read committed (as kafkajs' admin asks), stops before 'o1'.
      expect(await topicOffsets(kafka, topic)).toEqual([{ partition: 0, low: '0', high: '3' }]);

      expect(await valuesOf(topic, 'read_committed')).toEqual(['c1', 'c2']);
      expect(await valuesOf(topic, 'read_uncommitted')).toEqual(['c1', 'c2']);
      await open.abort();
    } finally {
      await producer.disconnect();
    }
  });
});
