/**
 * The body of the thread that deletes acknowledged rows (see off-thread-deleter.ts): its own
 * connection, one request at a time, each answered with the ids deleted or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DeleteReply, DeleteRequest, DeleterSettings } from './delete-messages.ts';
import { openDatabase } from './open-database.ts';
import { createOutboxStore } from './outbox-store.ts';

const settings = workerData as DeleterSettings;
const db = openDatabase(settings.path, { ...settings.options, mustExist: true });
const store = createOutboxStore(db, settings.table);

parentPort?.on('message', (request: DeleteRequest | 'close') => {
  if (request === 'close') {
    db.close();
    parentPort?.close();
    return;
  }
  let reply: DeleteReply;
  try {
    reply = { seq: request.seq, deleted: store.deleteAcknowledged(request.acked, request.keepIds) };
  } catch (error) {
    const { message, code } = error as { message: string; code?: unknown };
    reply = { seq: request.seq, error: { message, ...(typeof code === 'string' && { code }) } };
  }
  parentPort?.postMessage(reply);
});
