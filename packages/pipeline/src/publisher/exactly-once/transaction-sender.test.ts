import type { CommittedPosition, OpenTransaction, TransactionalPartition } from '@outbox/kafka';
import { createLogger } from '@outbox/logger';
import { describe, expect, it } from 'vitest';
import { Fenced } from '../delivery-errors.ts';
import { TransactionSender } from './transaction-sender.ts';

const log = createLogger({ level: 'silent', format: 'json' });
const first = [{ topic: 'orders', message: { key: 'a', value: 'v' } }];
const second = [{ topic: 'orders', message: { key: 'b', value: 'v' } }];

/** A request that timed out: retriable, and the broker may or may not have done it. */
function timedOut(): Error {
  const error = new Error('Request timed out');
  error.name = 'KafkaJSRequestTimeoutError';
  return error;
}

/** Which requests of the n-th producer time out: its `nth` send in a transaction, its commit. */
interface Timeouts {
  send?: (producer: number, nth: number) => boolean;
  commit?: (producer: number) => boolean;
}

/**
 * What a new producer reads: the position another publisher left (undefined: none), or `lost`,
 * the one the previous producer's commit recorded before its answer was lost.
 */
type Read = CommittedPosition | undefined | 'lost';

/**
 * A partition whose producers each read `positions[n]` when made (the n-th new producer): what
 * the broker would answer after another publisher committed in between.
 */
function partitionReading(positions: Read[], timeouts: Timeouts) {
  const log: string[] = [];
  let producers = 0;
  let current: number | undefined;
  let lastAttempted: CommittedPosition | undefined;
  const partition = {
    transactionalId: 'outbox-orders-p000',
    async begin() {
      const fresh = current === undefined;
      if (fresh) current = producers++;
      const producer = current as number;
      let sends = 0;
      const transaction: OpenTransaction = {
        async sendBatch(topicMessages) {
          sends += 1;
          if (timeouts.send?.(producer, sends)) throw timedOut();
          const keys = topicMessages.flatMap((t) => t.messages.map((m) => m.key));
          log.push(`producer ${producer} sent ${keys.join(',')}`);
        },
        async commit(position) {
          lastAttempted = position;
          if (timeouts.commit?.(producer)) throw timedOut();
          log.push(`producer ${producer} committed ${position?.outboxId}`);
        },
        async abort() {
          log.push(`producer ${producer} aborted`);
        },
      };
      const read = positions[producer];
      return { transaction, position: fresh ? (read === 'lost' ? lastAttempted : read) : undefined, fresh };
    },
    async reset() {
      current = undefined;
    },
  };
  return { partition: partition as unknown as TransactionalPartition, log };
}

/** A sender over {@link partitionReading}, and the calls its producers made. */
function senderReading(positions: Read[], timeouts: Timeouts) {
  const { partition, log: calls } = partitionReading(positions, timeouts);
  return { sender: new TransactionSender(partition, 1_000_000, log, () => undefined), calls };
}

/** The first producer's `nth` send of a transaction times out. */
const firstProducersSend = (nth: number): Timeouts => ({ send: (producer, n) => producer === 0 && n === nth });

describe('TransactionSender: a job resumed on a new producer', () => {
  const start = { outboxId: 10, timeline: 't1' };
  const job = { outboxId: 12, timeline: 't1' };

  it('goes on where the position has not moved: the records sent before the failure are sent again, then committed', async () => {
    const { sender, calls } = senderReading([start, start], firstProducersSend(2));
    expect(await sender.begin()).toEqual(start);
    await sender.sendEach(first);
    await expect(sender.sendEach(second)).rejects.toThrow('Request timed out');
    await sender.sendEach(second);
    await sender.commit({ position: job });
    expect(calls).toEqual([
      'producer 0 sent a',
      'producer 0 aborted',
      'producer 1 sent a',
      'producer 1 sent b',
      'producer 1 committed 12',
    ]);
  });

  it('goes on, too, where the partition had no position and still has none', async () => {
    const { sender, calls } = senderReading([undefined, undefined], firstProducersSend(2));
    expect(await sender.begin()).toBeUndefined();
    await sender.sendEach(first);
    await expect(sender.sendEach(second)).rejects.toThrow('Request timed out');
    await sender.sendEach(second);
    expect(calls.at(-1)).toBe('producer 1 sent b');
  });

  it('gives the job back, unsent, when another publisher committed the partition in between (a frozen publisher resumed)', async () => {
    // The new producer fenced the publisher that took the job over, after it had committed 12.
    const { sender, calls } = senderReading([start, job], firstProducersSend(2));
    await sender.begin();
    await sender.sendEach(first);
    await expect(sender.sendEach(second)).rejects.toThrow('Request timed out');
    await expect(sender.sendEach(second)).rejects.toBeInstanceOf(Fenced);
    // Nothing sent again on the new producer: its transaction is aborted empty.
    expect(calls).toEqual(['producer 0 sent a', 'producer 0 aborted', 'producer 1 aborted']);
    // The producer stays, as the partition's owner now, with the position it read.
    expect(await sender.begin()).toEqual(job);
  });

  it('gives the job back when the partition had no position and now has one, or the same id in another timeline', async () => {
    for (const moved of [start, { outboxId: 10, timeline: 't2' }]) {
      const before = moved === start ? undefined : start;
      const { sender } = senderReading([before, moved], firstProducersSend(1));
      await sender.begin();
      await expect(sender.sendEach(first)).rejects.toThrow('Request timed out');
      await expect(sender.sendEach(first)).rejects.toBeInstanceOf(Fenced);
    }
  });

  it('gives the job back at its commit when the answer was lost and another publisher committed something else', async () => {
    const elsewhere = { outboxId: 11, timeline: 't1' };
    const { sender, calls } = senderReading([start, elsewhere], { commit: (producer) => producer === 0 });
    await sender.begin();
    await sender.sendEach(first);
    await expect(sender.commit({ position: job })).rejects.toThrow('Request timed out');
    await expect(sender.commit({ position: job })).rejects.toBeInstanceOf(Fenced);
    expect(calls).toEqual(['producer 0 sent a', 'producer 0 aborted', 'producer 1 aborted']);
  });

  it('takes a lost commit answer as done when the new position is the one that commit recorded', async () => {
    const { sender, calls } = senderReading([start, 'lost'], { commit: (producer) => producer === 0 });
    await sender.begin();
    await sender.sendEach(first);
    await expect(sender.commit({ position: job })).rejects.toThrow('Request timed out');
    await sender.commit({ position: job });
    expect(calls).toEqual(['producer 0 sent a', 'producer 0 aborted', 'producer 1 aborted']);
  });

  it('gives the job back at its commit when another publisher committed the same position in between', async () => {
    // It took the job over and committed it: the same outbox id, but another transaction.
    const { sender, calls } = senderReading([start, { ...job, commitId: 'theirs' }], { commit: (producer) => producer === 0 });
    await sender.begin();
    await sender.sendEach(first);
    await expect(sender.commit({ position: job })).rejects.toThrow('Request timed out');
    await expect(sender.commit({ position: job })).rejects.toBeInstanceOf(Fenced);
    expect(calls).toEqual(['producer 0 sent a', 'producer 0 aborted', 'producer 1 aborted']);
  });
});

describe('TransactionSender: a job of rows found out of order (no position of its own)', () => {
  const start = { outboxId: 10, timeline: 't1', commitId: 'c1' };

  it('commits the partition’s position again, under a new commit id', async () => {
    const { sender, calls } = senderReading([start], {});
    await sender.begin();
    await sender.sendEach(first);
    await sender.commit();
    expect(calls).toEqual(['producer 0 sent a', 'producer 0 committed 10']);
    // The next job starts from that commit: not the one the producer read.
    const next = await sender.begin();
    expect(next).toMatchObject({ outboxId: 10, timeline: 't1' });
    expect(next?.commitId).not.toBe('c1');
  });

  it('commits under the commit id its events give, so that the position names the job', async () => {
    const { sender } = senderReading([start], {});
    await sender.begin();
    await sender.sendEach(first);
    await sender.commit({ commitId: 'events-abc' });
    expect(await sender.begin()).toEqual({ outboxId: 10, timeline: 't1', commitId: 'events-abc' });
  });

  it('records nothing for a transaction that holds nothing', async () => {
    const { sender, calls } = senderReading([start], {});
    await sender.begin();
    await sender.commit();
    expect(calls).toEqual(['producer 0 committed undefined']);
    expect(await sender.begin()).toEqual(start);
  });

  it('records a position that vouches for nothing where the partition had none', async () => {
    const { sender } = senderReading([undefined], {});
    await sender.begin();
    await sender.sendEach(first);
    await sender.commit();
    expect(await sender.begin()).toMatchObject({ outboxId: 0, timeline: '' });
  });

  it('is given back when another publisher took it over and committed it, though no outbox id moved (a frozen publisher resumed)', async () => {
    const { sender, calls } = senderReading([start, { ...start, commitId: 'c2' }], firstProducersSend(2));
    await sender.begin();
    await sender.sendEach(first);
    await expect(sender.sendEach(second)).rejects.toThrow('Request timed out');
    await expect(sender.sendEach(second)).rejects.toBeInstanceOf(Fenced);
    expect(calls).toEqual(['producer 0 sent a', 'producer 0 aborted', 'producer 1 aborted']);
  });
});
