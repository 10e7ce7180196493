import type { PartitionAdmin } from '@outbox/pipeline';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, parseInput } from '../api-error.ts';
import type { ConnectorDirectory } from '../connector-directory.ts';
import { requesterOf } from '../requester.ts';
import { connectorFrom, taskParams } from './connectors.ts';

const wholeNumber = (what: string) => z.number({ error: what }).int(what).min(0, what);

const rewindBody = z.strictObject({
  offsets: z
    .array(
      z.strictObject({
        partition: wholeNumber('a partition number'),
        /** Absent: just before the partition's oldest row still in the outbox. */
        offset: wholeNumber('an outbox id').optional(),
      }),
      { error: 'a list of { partition, offset? }' },
    )
    .min(1, 'at least one partition')
    // Two offsets for one partition: which one was meant cannot be told.
    .refine((list) => new Set(list.map((o) => o.partition)).size === list.length, 'each partition at most once'),
});

const headBody = z.strictObject({
  action: z.enum(['skip', 'dead-letter'], { error: '"skip" or "dead-letter"' }),
  reason: z.string().max(1000, 'at most 1000 characters').optional(),
  /** Skip or dead-letter even though the halt may not be the event's fault (broker down). */
  force: z.boolean({ error: 'true or false' }).optional(),
});

/**
 * Kafka Connect's offsets API over the capture cursors (`GET`/`PATCH /connectors/:name/offsets`;
 * changing them needs a PAUSED connector, 409 otherwise), and
 * `POST /connectors/:name/tasks/:task/head` to skip or dead-letter the event a halted partition
 * stopped at (409 unless the halt is that event's fault or `force` is true).
 */
export function registerOffsetRoutes(app: FastifyInstance, directory: ConnectorDirectory): void {
  const partitionsOf = (params: unknown): PartitionAdmin => {
    const { partitions, admin } = connectorFrom(directory, params);
    if (!partitions) throw new ApiError(404, 'NOT_FOUND', `connector ${admin.name} has no offsets here`);
    return partitions;
  };
  app.get('/connectors/:name/offsets', async (request) => ({ offsets: await partitionsOf(request.params).offsets() }));

  app.patch('/connectors/:name/offsets', async (request) => {
    const partitions = partitionsOf(request.params);
    const { offsets } = parseInput(rewindBody, request.body, 'body');
    const rewound = await partitions.rewind(offsets, requesterOf(request));
    return { message: 'offsets rewound: their rows are enqueued again, in order', rewound };
  });

  app.post('/connectors/:name/tasks/:task/head', async (request) => {
    const partitions = partitionsOf(request.params);
    const { task } = parseInput(taskParams, request.params, 'path');
    const body = parseInput(headBody, request.body, 'body');
    return partitions.resolveHead(task, body, requesterOf(request));
  });
}
