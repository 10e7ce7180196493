import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../api-error.ts';
import type { ConnectorDirectory } from '../connector-directory.ts';
import { connectorFrom } from '../routes/connectors.ts';
import { ConnectorHistories } from './connector-histories.ts';
import { registerQueueBoard } from './queue-board.ts';

export interface StatusPageOptions {
  /** The connectors the worker runs: each one's history is sampled, and its queues are in Bull Board. */
  directory: ConnectorDirectory;
  /** How often the charts' history is sampled. @defaultValue 1000 */
  sampleIntervalMs?: number;
  /** How far back the history goes. @defaultValue 600000 (10 minutes) */
  historyMs?: number;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page's files, read once: a handful of small files, so no static-file plugin is needed. */
function readAssets(): Map<string, { type: string; body: Buffer }> {
  const dir = new URL('./assets/', import.meta.url);
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(dir)) {
    const type = contentTypes[extname(name)];
    if (type) assets.set(name, { type, body: readFileSync(new URL(name, dir)) });
  }
  return assets;
}

const historyQuery = z.object({ since: z.coerce.number({ error: 'milliseconds since the epoch' }).optional() }).strict();

/**
 * The status page at `/ui/` (the pipeline as a picture with live numbers, throughput and lag
 * charts, partitions, dead letters, pause and resume, for any connector of the worker), the history
 * its charts start from at `GET /connectors/:name/history`, and Bull Board at `/ui/queues` over
 * every connector's queues. The page only reads the REST API and calls its pause and resume, so it
 * needs no routes of its own beyond its files.
 */
export function registerStatusPage(app: FastifyInstance, options: StatusPageOptions): void {
  const { directory } = options;
  const histories = new ConnectorHistories(directory, {
    intervalMs: options.sampleIntervalMs ?? 1000,
    historyMs: options.historyMs ?? 600_000,
  });
  app.addHook('onReady', async () => histories.start());
  app.addHook('onClose', async () => histories.close());

  app.get('/connectors/:name/history', async (request) => {
    const { admin } = connectorFrom(directory, request.params);
    const { since } = parseInput(historyQuery, request.query, 'query');
    const history = histories.watch(admin.name);
    return { name: admin.name, intervalMs: histories.intervalMs, samples: history?.since(since) ?? [] };
  });

  const assets = readAssets();
  const send = (reply: FastifyReply, name: string, status = 200) => {
    const asset = assets.get(name);
    if (!asset) return reply.callNotFound();
    return reply
      .code(status)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .type(asset.type)
      .send(asset.body);
  };

  app.get('/ui', (_request, reply) => reply.redirect('/ui/'));
  app.register(async (scope) => {
    // With a token required, a browser's first visit has neither header nor cookie: it gets a
    // small page that asks for the token and sets the cookie, instead of a JSON error. Only that
    // page is served without the token; it holds no data.
    scope.setErrorHandler((error: { statusCode?: number }, request, reply) => {
      if (error.statusCode === 401 && request.method === 'GET') return send(reply, 'sign-in.html', 401);
      throw error;
    });
    scope.get('/ui/', (_request, reply) => send(reply, 'index.html'));
  });
  app.get<{ Params: { file: string } }>('/ui/:file', (request, reply) => {
    const { file } = request.params;
    // index.html is only served as /ui/, so the page has one address and relative links work.
    return file === 'index.html' || file === 'sign-in.html' ? reply.callNotFound() : send(reply, file);
  });

  registerQueueBoard(app, () => directory.names().flatMap((name) => directory.get(name)?.queues ?? []));
}
