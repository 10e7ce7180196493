import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@outbox/logger';
import type { OutboxStore } from '@outbox/outbox-store';
import type { AckStream, CursorStore, PartitionQueues } from '@outbox/queue';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureWorker } from './capture-worker.ts';

/** A capture worker whose partition 0 has cursor 10 and rows 6 and 8 in flight, over fakes. */
async function startWorker(queue: { paused: boolean; active: number; drainFails: boolean }) {
  const saves: number[][] = [];
  const drained: number[] = [];
  const rows = [6, 8].map((id) => ({ id, eventId: `e${id}`, aggregateId: 'a' }));
  const worker = new CaptureWorker({
    store: {
      readKeysAfter: (after: number, upTo: number) => rows.filter((r) => r.id > after && r.id <= upTo),
      readAfter: () => [],
      readIds: () => [],
      lastAssignedId: () => 10,
      stats: () => ({ depth: 2, oldestId: 6, oldestOccurredAt: null }),
    } as unknown as OutboxStore,
    dbPath: join(mkdtempSync(join(tmpdir(), 'capture-rewind-')), 'db.sqlite'),
    queues: [
      {
        isPaused: async () => queue.paused,
        getJobs: async () => [{ data: { epoch: 'epoch-1', events: rows } }],
        getActiveCount: async () => queue.active,
        drain: async () => {
          if (queue.drainFails) throw new Error('Redis connection lost');
          drained.push(0);
        },
      },
    ] as unknown as PartitionQueues,
    cursorStore: {
      load: async () => ({ cursors: [10], generation: 0 }),
      // Redis that never went back: each save finds the generation of the one before.
      save: async (cursors: readonly number[]) => ({ generation: saves.push([...cursors]) - 1, jobCounters: [] }),
      marks: async () => ({ epoch: 'epoch-1', generation: saves.length, jobCounters: [] }),
    } as unknown as CursorStore,
    // Blocks a little, as the real stream's read does, so the ack loop does not spin.
    ackStream: {
      ensureGroup: async () => undefined,
      read: () => new Promise((resolve) => setTimeout(() => resolve([]), 20)),
      done: async () => undefined,
    } as unknown as AckStream,
    partitionOf: () => 0,
    logger: createLogger({ level: 'silent', format: 'json' }),
    batchSize: 10,
    jobMaxRows: 10,
    jobMaxBytes: 1_000_000,
    maxInFlightPerPartition: 10,
    ackBatchSize: 10,
    pollIntervalMs: 60_000,
    applyQueueSettings: async () => undefined,
  });
  await worker.start();
  return { worker, saves, drained };
}

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

describe('CaptureWorker.rewind', () => {
  it('saves the lowered cursor before removing jobs, so a failed removal leaves duplicates, never stranded rows', async () => {
    const { worker, saves } = await startWorker({ paused: true, active: 0, drainFails: true });
    close = worker.close;
    await expect(worker.rewind([{ partition: 0 }])).rejects.toThrow('Redis connection lost');
    expect(saves.at(-1)).toEqual([5]);
    expect(await worker.offsets()).toEqual([{ partition: 0, offset: 5, inFlight: 0, oldestOutboxId: null }]);
  });

  it('checks the queue inside its exclusive section: not paused, or a job active, changes nothing', async () => {
    const queue = { paused: false, active: 0, drainFails: false };
    const { worker, saves, drained } = await startWorker(queue);
    close = worker.close;
    const before = saves.length;
    await expect(worker.rewind([{ partition: 0 }])).rejects.toMatchObject({ code: 'CONNECTOR_NOT_PAUSED' });
    Object.assign(queue, { paused: true, active: 1 });
    await expect(worker.rewind([{ partition: 0 }])).rejects.toMatchObject({ code: 'PARTITION_ACTIVE' });
    expect(saves.length).toBe(before);
    expect((await worker.offsets())[0]).toMatchObject({ offset: 10, inFlight: 2, oldestOutboxId: 6 });
    queue.active = 0;
    expect(await worker.rewind([{ partition: 0 }])).toEqual([{ partition: 0, previous: 10, offset: 5 }]);
    expect(drained).toEqual([0]);
  });
});
