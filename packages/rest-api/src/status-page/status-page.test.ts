import { createLogger } from '@outbox/logger';
import { createOpsServer, PipelineMetrics } from '@outbox/observability';
import type { ConnectorAdmin, ConnectorStatus } from '@outbox/pipeline';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { requireBearerToken } from '../bearer-auth.ts';
import { singleConnector } from '../connector-directory.ts';
import { registerConnectorRoutes } from '../routes/connectors.ts';
import { registerStatusPage } from './register-status-page.ts';
import { StatusHistory, sampleOf } from './status-history.ts';

function statusOf(published: number, pending: number, oldestOccurredAt: string | null): ConnectorStatus {
  return {
    name: 'c1',
    type: 'source',
    connector: { state: 'RUNNING' },
    tasks: [{ id: 0, state: 'RUNNING', worker_id: 'p1', waiting: 2, active: 1, inFlight: 5, halted: null }],
    outbox: { pending, oldestOccurredAt, inFlight: 5, updatedAt: new Date().toISOString() },
    publishers: [],
    published,
  };
}

/** Only what the status page and the routes read: its name and status. */
function fakeAdmin(read: () => ConnectorStatus): ConnectorAdmin {
  const admin: Pick<ConnectorAdmin, 'name' | 'status'> = { name: 'c1', status: async () => read() };
  return admin as ConnectorAdmin;
}

describe('the status history', () => {
  it('keeps the last samples, oldest first, and hands out those after a time', () => {
    const history = new StatusHistory(3);
    for (let at = 1; at <= 5; at++)
      history.push({ at, published: at, pending: 0, inFlight: 0, lagSeconds: 0, waiting: 0, active: 0 });
    expect(history.since().map((s) => s.at)).toEqual([3, 4, 5]);
    expect(history.since(3).map((s) => s.at)).toEqual([4, 5]);
    expect(history.since(9)).toEqual([]);
  });

  it('samples the lag as the age of the oldest pending event, and 0 when the outbox is empty', () => {
    const now = Date.parse('2025-01-01T00:00:10Z');
    expect(sampleOf(statusOf(7, 3, '2025-01-01T00:00:00Z'), now)).toEqual({
      at: now,
      published: 7,
      pending: 3,
      inFlight: 5,
      lagSeconds: 10,
      waiting: 2,
      active: 1,
    });
    expect(sampleOf(statusOf(7, 0, null), now).lagSeconds).toBe(0);
  });
});

describe('the status page routes', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => app?.close());

  async function serve(token?: string): Promise<FastifyInstance> {
    const logger = createLogger({ level: 'silent', format: 'json' });
    app = createOpsServer({ logger, metrics: new PipelineMetrics(), readiness: {} });
    requireBearerToken(app, token);
    let published = 0;
    const admin = fakeAdmin(() => {
      published += 10;
      return statusOf(published, 1, new Date().toISOString());
    });
    registerConnectorRoutes(app, singleConnector({ admin }));
    registerStatusPage(app, { admin, queues: [], sampleIntervalMs: 20 });
    await app.ready();
    return app;
  }

  it('serves the page and its files, and nothing else from its folder', async () => {
    const server = await serve();
    const page = await server.inject({ url: '/ui/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('data-testid="published-count"');
    expect((await server.inject({ url: '/ui' })).headers.location).toBe('/ui/');
    const script = await server.inject({ url: '/ui/status-page.js' });
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect((await server.inject({ url: '/ui/status-page.css' })).statusCode).toBe(200);
    expect((await server.inject({ url: '/ui/register-status-page.ts' })).statusCode).toBe(404);
    expect((await server.inject({ url: '/ui/..%2Fstatus-history.ts' })).statusCode).toBe(404);
  });

  it('samples the status in the background and answers the history since a time', async () => {
    const server = await serve();
    const history = async (query = '') =>
      (await server.inject({ url: `/connectors/c1/history${query}` })).json<{
        intervalMs: number;
        samples: { at: number; published: number }[];
      }>();
    let samples: { at: number; published: number }[] = [];
    for (let i = 0; i < 200 && samples.length < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      samples = (await history()).samples;
    }
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.map((s) => s.published)).toEqual([...samples.map((s) => s.published)].sort((a, b) => a - b));
    const last = samples.at(-2)?.at ?? 0;
    expect((await history(`?since=${last}`)).samples.every((s) => s.at > last)).toBe(true);
    expect((await server.inject({ url: '/connectors/c1/history?since=soon' })).statusCode).toBe(400);
    expect((await server.inject({ url: '/connectors/other/history' })).statusCode).toBe(404);
  });

  it('asks a browser without the token for it, and keeps the data and the files behind the token', async () => {
    const server = await serve('s3cret');
    const page = await server.inject({ url: '/ui/' });
    expect(page.statusCode).toBe(401);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('type="password"');
    expect(page.body).not.toContain('published-count');
    expect((await server.inject({ url: '/ui/status-page.js' })).statusCode).toBe(401);
    expect((await server.inject({ url: '/connectors/c1/history' })).statusCode).toBe(401);

    const withCookie = await server.inject({ url: '/ui/', headers: { cookie: 'outbox_token=s3cret' } });
    expect(withCookie.statusCode).toBe(200);
    expect(withCookie.body).toContain('data-testid="published-count"');
    const withBearer = await server.inject({ url: '/connectors/c1/history', headers: { authorization: 'Bearer s3cret' } });
    expect(withBearer.statusCode).toBe(200);
  });
});
