import type { Logger } from '@outbox/logger';
import { withTimeout } from '@outbox/runtime';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PipelineMetrics } from './pipeline-metrics.ts';

/** A dependency /readyz checks; it throws (or rejects) when the dependency cannot be reached. */
export type ReadinessCheck = () => Promise<unknown>;

export interface OpsServerOptions {
  logger: Logger;
  metrics: PipelineMetrics;
  /** By name, e.g. `{ redis, kafka, sqlite }`. */
  readiness: Record<string, ReadinessCheck>;
  /** How long one readiness check may take before it counts as failed. @defaultValue 2000 */
  checkTimeoutMs?: number;
}

/**
 * The HTTP server every worker runs: `/metrics` for Prometheus, `/healthz` (the process answers)
 * and `/readyz` (its dependencies answer), the conventions of Kubernetes probes. Callers add
 * routes (the REST API) before listening.
 */
export function createOpsServer(options: OpsServerOptions): FastifyInstance {
  const log = options.logger.child({ component: 'http' });
  const app = Fastify({ logger: false });
  const checkTimeoutMs = options.checkTimeoutMs ?? 2000;

  // Kafka Connect's error shape, plus a code scripts can match on and, for bad input, the fields.
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string; details?: unknown }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) log.error({ err: error }, 'request failed');
    const code = status >= 500 ? 'INTERNAL' : status === 400 && error.code?.startsWith('FST_') ? 'BAD_REQUEST' : error.code;
    return reply
      .code(status)
      .send({ error_code: status, code: code ?? 'BAD_REQUEST', message: error.message, details: error.details });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error_code: 404, code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(options.readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check, checkTimeoutMs);
          return [name, { ok: true }] as const;
        } catch (error) {
          return [name, { ok: false, error: (error as Error).message }] as const;
        }
      }),
    );
    const ready = entries.every(([, result]) => result.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(entries) });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.scrape();
    return reply.type(options.metrics.registry.contentType).send(text);
  });

  return app;
}

/** Listens and returns the URL it listens on (the port may have been picked by the OS). */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
}
