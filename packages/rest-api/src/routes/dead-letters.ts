import type { DeadLetterAdmin } from '@outbox/pipeline';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, parseInput } from '../api-error.ts';
import type { ConnectorDirectory } from '../connector-directory.ts';
import { requesterOf } from '../requester.ts';
import { connectorFrom } from './connectors.ts';

const listQuery = z.strictObject({
  limit: z.coerce.number({ error: 'a whole number >= 1' }).int('a whole number >= 1').min(1, 'a whole number >= 1').optional(),
});

const eventIds = z.array(z.string().min(1, 'an event id'), { error: 'a list of event ids' }).min(1, 'at least one event id');
const replayBody = z.union([z.strictObject({ ids: eventIds }), z.strictObject({ all: z.literal(true, { error: 'true' }) })], {
  error: 'either "ids" (a list of event ids) or "all": true, not both',
});

/**
 * The dead-letter topic: `GET /connectors/:name/dlq?limit=` lists dead letters (the most recent
 * `limit`), `POST /connectors/:name/dlq/replay` with `{ ids }` or `{ all: true }` sends them back to
 * their original topic, each marked as a replay.
 */
export function registerDeadLetterRoutes(app: FastifyInstance, directory: ConnectorDirectory): void {
  const deadLettersOf = (params: unknown): DeadLetterAdmin => {
    const { deadLetters, admin } = connectorFrom(directory, params);
    if (!deadLetters) throw new ApiError(404, 'NOT_FOUND', `connector ${admin.name} has no dead-letter tools here`);
    return deadLetters;
  };
  app.get('/connectors/:name/dlq', async (request) => {
    const deadLetters = deadLettersOf(request.params);
    const { limit } = parseInput(listQuery, request.query, 'query');
    return deadLetters.list({ limit });
  });

  app.post('/connectors/:name/dlq/replay', async (request) => {
    const deadLetters = deadLettersOf(request.params);
    const body = parseInput(replayBody, request.body, 'body');
    return deadLetters.replay('ids' in body ? { ids: body.ids } : { all: true }, requesterOf(request));
  });
}
