import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { PartitionQueues } from '@outbox/queue';
import type { FastifyInstance } from 'fastify';

/** Where Bull Board is served; the status page links to it. */
export const queueBoardPath = '/ui/queues';

/**
 * Bull Board over every partition queue, for looking at jobs. Read-only: its retry, promote, clean,
 * empty and pause actions would let a later job of a partition overtake an earlier one, or drop
 * rows the capture worker still counts as in flight; pausing goes through the REST API, which
 * keeps the decision in SQLite. In read-only mode its action routes answer 405 and change nothing.
 * `queues` is asked again on each of the board's requests: connectors come and go, and a connector
 * restarted with a new config has new queues.
 */
export function registerQueueBoard(app: FastifyInstance, queues: () => PartitionQueues, basePath = queueBoardPath): void {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  const adapters = (list: PartitionQueues) => list.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true }));
  let shown = queues();
  const board = createBullBoard({
    queues: adapters(shown),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'outbox queues' } },
  });
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith(basePath)) return;
    const now = queues();
    if (now.length === shown.length && now.every((queue, i) => queue === shown[i])) return;
    shown = now;
    board.replaceQueues(adapters(now));
  });
  app.register(serverAdapter.registerPlugin(), { prefix: basePath });
}
