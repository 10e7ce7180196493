import { createLogger } from '@outbox/logger';
import { createOpsServer, PipelineMetrics } from '@outbox/observability';
import type { ConnectorAdmin, ConnectorStatus } from '@outbox/pipeline';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { requireBearerToken } from '../bearer-auth.ts';
import type { ConnectorDirectory, ConnectorHandle } from '../connector-directory.ts';
import { registerConnectorRoutes } from '../routes/connectors.ts';
import { registerStatusPage } from './register-status-page.ts';
import { StatusHistory, sampleOf } from './status-history.ts';

function statusOf(published: number, pending: number, oldestOccurredAt: string | null, name = 'c1'): ConnectorStatus {
  return {
    name,
    type: 'source',
    delivery: 'at-least-once',
    connector: { state: 'RUNNING' },
    tasks: [{ id: 0, state: 'RUNNING', worker_id: 'p1', waiting: 2, active: 1, inFlight: 5, halted: null }],
    outbox: { pending, oldestOccurredAt, inFlight: 5, updatedAt: new Date().toISOString() },
    publishers: [],
    published,
  };
}

/** Only what the status page and the routes read: its name and status. */
function fakeAdmin(read: () => ConnectorStatus, name = 'c1'): ConnectorAdmin {
  const admin: Pick<ConnectorAdmin, 'name' | 'status'> = { name, status: async () => read() };
  return admin as ConnectorAdmin;
}

/** A connector whose published counter grows by `step` at each status read. */
function countingAdmin(name: string, step: number): ConnectorAdmin {
  let published = 0;
  return fakeAdmin(() => {
    published += step;
    return statusOf(published, 1, new Date().toISOString(), name);
  }, name);
}

/** The directory of a worker whose connectors are `handles`, which a test may change. */
function directoryOf(handles: Map<string, ConnectorHandle>): ConnectorDirectory {
  return { names: () => [...handles.keys()], get: (name) => handles.get(name) };
}

type History = { name: string; intervalMs: number; samples: { at: number; published: number }[] };

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

  async function serve(
    token?: string,
    handles = new Map([['c1', { admin: countingAdmin('c1', 10) }]]),
  ): Promise<FastifyInstance> {
    const logger = createLogger({ level: 'silent', format: 'json' });
    app = createOpsServer({ logger, metrics: new PipelineMetrics(), readiness: {} });
    requireBearerToken(app, token);
    const directory = directoryOf(handles);
    registerConnectorRoutes(app, directory);
    registerStatusPage(app, { directory, sampleIntervalMs: 20 });
    await app.ready();
    return app;
  }

  /** The history once it holds at least `count` samples. */
  async function historyOf(server: FastifyInstance, name: string, count: number): Promise<History> {
    let history: History | undefined;
    for (let i = 0; i < 200 && (history?.samples.length ?? 0) < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      history = (await server.inject({ url: `/connectors/${name}/history` })).json<History>();
    }
    if (!history || history.samples.length < count) throw new Error(`${name}: fewer than ${count} samples`);
    return history;
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
    const history = async (query = '') => (await server.inject({ url: `/connectors/c1/history${query}` })).json<History>();
    const { samples } = await historyOf(server, 'c1', 3);
    expect(samples.map((s) => s.published)).toEqual([...samples.map((s) => s.published)].sort((a, b) => a - b));
    const last = samples.at(-2)?.at ?? 0;
    expect((await history(`?since=${last}`)).samples.every((s) => s.at > last)).toBe(true);
    expect((await server.inject({ url: '/connectors/c1/history?since=soon' })).statusCode).toBe(400);
    expect((await server.inject({ url: '/connectors/other/history' })).statusCode).toBe(404);
  });

  it("samples every connector of the worker, those created later too, and forgets a deleted one's", async () => {
    const handles = new Map<string, ConnectorHandle>([
      ['c1', { admin: countingAdmin('c1', 10) }],
      ['c2', { admin: countingAdmin('c2', 1) }],
    ]);
    const server = await serve(undefined, handles);
    const [c1, c2] = [await historyOf(server, 'c1', 3), await historyOf(server, 'c2', 3)];
    expect(c1.name).toBe('c1');
    expect(c1.samples.every((s) => s.published % 10 === 0)).toBe(true);
    expect(c2.name).toBe('c2');
    expect(c2.samples.some((s) => s.published % 10 !== 0)).toBe(true);

    handles.set('c3', { admin: countingAdmin('c3', 5) });
    expect((await historyOf(server, 'c3', 2)).name).toBe('c3');
    handles.delete('c2');
    expect((await server.inject({ url: '/connectors/c2/history' })).statusCode).toBe(404);
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
