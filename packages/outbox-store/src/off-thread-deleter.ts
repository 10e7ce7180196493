import { Worker } from 'node:worker_threads';
import type { DeleteReply, DeleteRequest, DeleterSettings } from './delete-messages.ts';
import type { AckedEvent } from './outbox-store.ts';

export type { DeleterSettings } from './delete-messages.ts';

/** Deletes acknowledged rows (OutboxStore.deleteAcknowledged) without holding up the caller's thread. */
export interface OffThreadDeleter {
  deleteAcknowledged(acked: readonly AckedEvent[], keepIds: readonly number[]): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * A delete must take SQLite's write lock, which the application's writer holds for each of its
 * commits; waiting for it inside SQLite's busy handler stops the whole thread (up to 100 ms a
 * sleep, seen stalling the capture worker's event loop for most of a second under a steady
 * load). On a thread of its own, with its own connection, the wait stops only the deletes, and
 * the capture worker goes on reading and enqueueing new rows meanwhile. Requests are answered in
 * order; a failed one rejects with SQLite's error code kept.
 */
/** Rows per request to the thread: 120,000 fitted its heap, 200,000 did not (measured). */
const maxRowsPerRequest = 20_000;

export function startOffThreadDeleter(settings: DeleterSettings): OffThreadDeleter {
  const waiting = new Map<number, { resolve: (ids: number[]) => void; reject: (error: Error) => void }>();
  let seq = 0;
  let closing = false;
  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  const start = () => {
    // It holds a statement or two and one batch of ids at a time: a small heap of its own.
    const thread = new Worker(new URL('./ack-delete-thread.ts', import.meta.url), {
      workerData: settings,
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
    });
    thread.on('message', (reply: DeleteReply) => {
      const request = waiting.get(reply.seq);
      waiting.delete(reply.seq);
      if ('deleted' in reply) request?.resolve(reply.deleted);
      else request?.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    });
    thread.on('error', failAll);
    thread.on('exit', () => {
      failAll(new Error('the thread deleting acknowledged rows stopped'));
      // Its requests failed and are retried by the caller; the next one starts a new thread.
      if (!closing) worker = undefined;
    });
    return thread;
  };
  let worker: Worker | undefined = start();
  const request = (acked: readonly AckedEvent[], keepIds: readonly number[]) => {
    if (closing) return Promise.reject(new Error('the deleter is closed'));
    worker ??= start();
    const thread = worker;
    return new Promise<number[]>((resolve, reject) => {
      seq += 1;
      waiting.set(seq, { resolve, reject });
      const message: DeleteRequest = { seq, acked: [...acked], keepIds: [...keepIds] };
      thread.postMessage(message);
    });
  };
  return {
    async deleteAcknowledged(acked, keepIds) {
      // In parts, each its own transaction: the thread's small heap holds one part at a time (a
      // backlog's acknowledgements can name hundreds of thousands of rows), and a delete is
      // idempotent, so a part failing after others went through is simply applied again.
      const deleted: number[] = [];
      for (let from = 0; from < acked.length; from += maxRowsPerRequest) {
        deleted.push(...(await request(acked.slice(from, from + maxRowsPerRequest), keepIds)));
      }
      return deleted;
    },
    async close() {
      closing = true;
      if (!worker) return;
      const exited = new Promise((resolve) => worker?.once('exit', resolve));
      worker.postMessage('close');
      await exited;
    },
  };
}
