import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxKey, OutboxRow, PublishJobData } from '@outbox/contracts';
import { createLogger } from '@outbox/logger';
import type { OutboxStore } from '@outbox/outbox-store';
import type { AckStream, CursorStore, PartitionQueues } from '@outbox/queue';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureWorker } from './capture-worker.ts';

const row = (id: number, eventId: string): OutboxRow =>
  ({ id, eventId, aggregateId: 'a', eventType: 'Changed', payload: '{}' }) as unknown as OutboxRow;

/**
 * A capture worker over fakes of a table without AUTOINCREMENT, whose partition 0 has cursor 5 and
 * rows 1–5 in flight; `table.rows` is the table, and `enqueued` the event ids of its jobs, in order.
 */
async function startWorker() {
  const table = { rows: [1, 2, 3, 4, 5].map((id) => row(id, `old${id}`)) };
  const enqueued: string[] = [];
  const logs: { level: number; msg: string }[] = [];
  // What Redis holds: the cursors' generation, and the jobs added to the queue.
  const redis = { generation: 0, jobs: 0 };
  const worker = new CaptureWorker({
    store: {
      reusesIds: true,
      lastAssignedId: () => Math.max(0, ...table.rows.map((r) => r.id)),
      readAfter: (after: number, limit: number) => table.rows.filter((r) => r.id > after).slice(0, limit),
      readKeysAfter: (after: number, upTo: number): OutboxKey[] => table.rows.filter((r) => r.id > after && r.id <= upTo),
      readIds: (ids: readonly number[]) => table.rows.filter((r) => ids.includes(r.id)),
      stats: () => ({ depth: table.rows.length, oldestId: table.rows[0]?.id ?? null, oldestOccurredAt: null }),
    } as unknown as OutboxStore,
    dbPath: join(mkdtempSync(join(tmpdir(), 'capture-reused-ids-')), 'db.sqlite'),
    queues: [
      {
        getJobs: async () => [{ data: { epoch: 'epoch-1', events: table.rows } }],
        addBulk: async (jobs: { data: PublishJobData }[]) => {
          for (const job of jobs) enqueued.push(...job.data.events.map((e) => e.eventId));
          redis.jobs += jobs.length;
        },
      },
    ] as unknown as PartitionQueues,
    cursorStore: {
      load: async () => ({ cursors: [5], generation: 0 }),
      save: async () => ({ generation: redis.generation++, jobCounters: [redis.jobs] }),
      marks: async () => ({ epoch: 'epoch-1', generation: redis.generation, jobCounters: [redis.jobs] }),
    } as unknown as CursorStore,
    ackStream: {
      ensureGroup: async () => undefined,
      read: () => new Promise((resolve) => setTimeout(() => resolve([]), 20)),
      done: async () => undefined,
    } as unknown as AckStream,
    partitionOf: () => 0,
    logger: createLogger({ level: 'debug', format: 'json', destination: { write: (line) => logs.push(JSON.parse(line)) } }),
    batchSize: 100,
    jobMaxRows: 100,
    jobMaxBytes: 1_000_000,
    maxInFlightPerPartition: 100,
    ackBatchSize: 10,
    pollIntervalMs: 10,
    sweepIntervalMs: 60_000,
    applyQueueSettings: async () => undefined,
  });
  await worker.start();
  return { worker, table, enqueued, logs };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

describe('CaptureWorker on a table that re-uses ids', () => {
  it('takes up rows on passed ids when the table emptied and refilled past the cursor between two reads: in order, no error', async () => {
    const { worker, table, enqueued, logs } = await startWorker();
    close = worker.close;
    // A few reads of the table as it was: nothing to enqueue, and the first sweep done.
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Rows 1–5 delivered and deleted, and 7 new rows written, before the worker read again: the
    // highest id (7) is not behind the cursor (5), so only looking finds ids 1–5 taken again.
    table.rows = [1, 2, 3, 4, 5, 6, 7].map((id) => row(id, `new${id}`));
    await until(() => enqueued.length >= 7);
    expect(enqueued).toEqual(['new1', 'new2', 'new3', 'new4', 'new5', 'new6', 'new7']);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect((await worker.offsets())[0]).toMatchObject({ offset: 7, inFlight: 7 });
  });
});
