import type { Logger } from '@outbox/logger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import type { UserService } from './user-service.ts';

const userBody = z.object({ name: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters') }).strict();
const idParams = z.object({
  id: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be > 0'),
});

function badRequest(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({
    error: 'BAD_REQUEST',
    message: 'the request is invalid; nothing was written',
    fields: error.issues.map((issue) => ({
      field: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '(body)'),
      message: issue.message,
    })),
  });
}

const notFound = (reply: FastifyReply, id: number) =>
  reply.code(404).send({ error: 'NOT_FOUND', message: `no user with id ${id}` });

/**
 * The writer's HTTP API: each request changes a user and appends its event in one transaction.
 * The `traceparent` request header, when present, travels with the event to Kafka.
 */
export function buildWriterServer(users: UserService, logger: Logger): FastifyInstance {
  // Fastify's own request logging is off: requests are many, and failures are logged below.
  const log = logger.child({ component: 'http' });
  const app = Fastify({ logger: false });
  const trace = (header: string | string[] | undefined) => (typeof header === 'string' ? header : undefined);

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status === 500 ? 'INTERNAL' : 'BAD_REQUEST', message: error.message });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post('/users', async (request, reply) => {
    const body = userBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, body.error);
    const { user, outboxId, eventId } = users.create(body.data.name, trace(request.headers.traceparent));
    return reply.code(201).send({ ...user, outboxId, eventId });
  });

  app.get('/users/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    return users.get(params.data.id) ?? notFound(reply, params.data.id);
  });

  app.patch('/users/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const body = userBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, body.error);
    const result = users.rename(params.data.id, body.data.name, trace(request.headers.traceparent));
    return result ? { ...result.user, outboxId: result.outboxId, eventId: result.eventId } : notFound(reply, params.data.id);
  });

  app.delete('/users/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const result = users.remove(params.data.id, trace(request.headers.traceparent));
    return result ? { ...result.user, outboxId: result.outboxId, eventId: result.eventId } : notFound(reply, params.data.id);
  });

  return app;
}
