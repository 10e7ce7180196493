import type { EventTracer, TraceStep } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { validTraceparent } from './traceparent.ts';
import type { UserService } from './user-service.ts';

// Bytes that are not UTF-8 reach here as U+FFFD (the JSON parser decodes leniently), and a lone
// surrogate from a \u escape would be stored as one: either way the stored name is not what was sent.
const userBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'at most 200 characters')
      .refine((name) => name.isWellFormed() && !name.includes('\ufffd'), 'must be valid UTF-8 text')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
      .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters such as NUL'),
  })
  .strict();
// Digits only: Number() would also take 1e0, 0x1 or " 1" for user 1.
const idParams = z.object({
  id: z
    .string()
    .regex(/^[0-9]+$/, 'must be a number in decimal digits')
    .transform(Number)
    .refine(Number.isSafeInteger, 'too large')
    .refine((id) => id > 0, 'must be > 0'),
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
 * The `traceparent` request header, when it is a valid W3C one, travels with the event to Kafka.
 * With a `tracer`, each request is a span continuing that header, and the event carries the
 * span's context instead (docs/architecture.md, "Traces").
 */
export function buildWriterServer(users: UserService, logger: Logger, tracer?: EventTracer): FastifyInstance {
  // Fastify's own request logging is off: requests are many, and failures are logged below.
  const log = logger.child({ component: 'http' });
  const app = Fastify({ logger: false });
  const spans = new WeakMap<FastifyRequest, TraceStep>();
  const trace = (request: FastifyRequest) => spans.get(request)?.traceparent ?? validTraceparent(request.headers.traceparent);
  if (tracer) traceRequests(app, tracer, spans);

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status === 500 ? 'INTERNAL' : 'BAD_REQUEST', message: error.message });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post('/users', async (request, reply) => {
    const body = userBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, body.error);
    const { user, outboxId, eventId } = users.create(body.data.name, trace(request));
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
    const result = users.rename(params.data.id, body.data.name, trace(request));
    return result ? { ...result.user, outboxId: result.outboxId, eventId: result.eventId } : notFound(reply, params.data.id);
  });

  app.delete('/users/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const result = users.remove(params.data.id, trace(request));
    return result ? { ...result.user, outboxId: result.outboxId, eventId: result.eventId } : notFound(reply, params.data.id);
  });

  return app;
}

/** A span for every request to a route but the health check, ended with the response's status. */
function traceRequests(app: FastifyInstance, tracer: EventTracer, spans: WeakMap<FastifyRequest, TraceStep>): void {
  const end = (request: FastifyRequest, ...outcome: Parameters<TraceStep['end']>) => {
    spans.get(request)?.end(...outcome);
    spans.delete(request);
  };
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || route === '/healthz') return;
    spans.set(request, tracer.request(validTraceparent(request.headers.traceparent), { method: request.method, route }));
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    end(request, status >= 500 ? new Error(`HTTP ${status}`) : undefined, { 'http.response.status_code': status });
  });
  app.addHook('onRequestAbort', async (request) => end(request, new Error('the client closed the request')));
}
