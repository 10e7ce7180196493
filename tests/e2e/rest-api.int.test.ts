import { appendOutboxEvent, migrateOutbox, openDatabase } from '@outbox/outbox-store';
import type { ConnectorStatus } from '@outbox/pipeline';
import { freePort, httpUrlOf, outboxDepth, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { describe, expect, it } from 'vitest';

const start = useApps();

async function call<T = unknown>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const statusOf = async (connector: string) => (await call<ConnectorStatus>(`${connector}/status`)).body;

describe('the REST API', () => {
  it('lists the connector, shows its status, pauses, resumes and restarts it, and rejects bad requests', async () => {
    const { env, config } = testEnvironment({ OUTBOX_PARTITIONS: '4' });
    const name = config.connector.name;
    const api = await httpUrlOf(start('capture-worker', env));
    env.OUTBOX_API_URL = api;
    start('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: 'pub-1' });
    const connector = `${api}/connectors/${name}`;

    expect(await call(`${api}/`)).toMatchObject({ status: 200, body: { version: '0.1.0', connectors: [name] } });
    expect(await call(`${api}/connectors`)).toEqual({ status: 200, body: [name] });
    expect((await call(connector)).body).toMatchObject({
      name,
      type: 'source',
      tasks: [{ task: 0 }, { task: 1 }, { task: 2 }, { task: 3 }],
    });
    const running = await waitFor('the publisher to own every partition', async () => {
      const body = await statusOf(connector);
      return body.tasks.every((t) => t.worker_id === 'pub-1') ? body : undefined;
    });
    expect(running).toMatchObject({
      name,
      connector: { state: 'RUNNING' },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: 'pub-1', halted: null }, {}, {}, {}],
      publishers: [{ name: 'pub-1', live: true }],
    });
    expect(await call(`${connector}/tasks/2/status`)).toMatchObject({ status: 200, body: { id: 2, state: 'RUNNING' } });

    // Paused: events stay in the outbox; the CLI says so.
    expect(await call(`${connector}/pause`, { method: 'PUT' })).toEqual({ status: 202, body: { name, state: 'PAUSED' } });
    const load = start('cli', env, ['load', '--events', '200', '--aggregates', '20']);
    expect(await load.exited).toBe(0);
    const paused = await waitFor('the paused status with its backlog', async () => {
      const body = await statusOf(connector);
      // Enqueued up to each partition's job window; the rest waits in the outbox.
      return body.outbox?.pending === 200 && body.outbox.inFlight > 0 ? body : undefined;
    });
    expect(paused.connector.state).toBe('PAUSED');
    expect(paused.tasks.map((t) => t.state)).toEqual(['PAUSED', 'PAUSED', 'PAUSED', 'PAUSED']);
    expect(outboxDepth(config.sqlite.path)).toBe(200);
    const status = start('cli', env, ['status']);
    expect(await status.exited).toBe(0);
    expect(status.output()).toMatch(new RegExp(`connector ${name}: PAUSED, at-least-once, 200 events in the outbox`));
    const json = start('cli', env, ['status', '--json']);
    expect(await json.exited).toBe(0);
    expect(JSON.parse(json.output())).toMatchObject({ name, connector: { state: 'PAUSED' } });

    const resume = start('cli', env, ['resume']);
    expect(await resume.exited).toBe(0);
    expect(resume.output()).toContain(`connector ${name} resumed`);
    await waitFor('the backlog to be published', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 30_000 });
    expect((await statusOf(connector)).connector.state).toBe('RUNNING');
    const pause = start('cli', env, ['pause']);
    expect(await pause.exited).toBe(0);
    expect((await statusOf(connector)).connector.state).toBe('PAUSED');
    expect(await call(`${connector}/resume`, { method: 'PUT' })).toEqual({ status: 202, body: { name, state: 'RUNNING' } });

    // Nothing is halted, so a restart restarts nothing.
    expect(await call(`${connector}/restart`, { method: 'POST' })).toEqual({ status: 202, body: { name, restarted: [] } });
    expect(await call(`${connector}/tasks/1/restart`, { method: 'POST' })).toEqual({
      status: 202,
      body: { name, restarted: [] },
    });
    const restart = start('cli', env, ['restart', '--partition', '1']);
    expect(await restart.exited).toBe(0);
    expect(restart.output()).toContain('no halted partition to restart');

    // Unknown names → 404, bad input → 400, in one error shape.
    expect(await call(`${api}/connectors/nope/status`)).toEqual({
      status: 404,
      body: { error_code: 404, code: 'NOT_FOUND', message: `no connector named "nope"; there is "${name}"` },
    });
    expect(await call(`${connector}/tasks/9/status`)).toMatchObject({
      status: 404,
      body: { error_code: 404, code: 'NOT_FOUND' },
    });
    expect(await call(`${connector}/tasks/x/restart`, { method: 'POST' })).toMatchObject({
      status: 400,
      body: { error_code: 400, code: 'BAD_REQUEST', details: [{ field: 'task', message: 'a partition number' }] },
    });
    expect(await call(`${api}/nowhere`)).toMatchObject({ status: 404, body: { error_code: 404, code: 'NOT_FOUND' } });
    expect(
      await call(`${connector}/pause`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{not json' }),
    ).toMatchObject({ status: 400, body: { error_code: 400, code: 'BAD_REQUEST' } });
    expect((await statusOf(connector)).connector.state).toBe('RUNNING');
    const unknown = start('cli', { ...env, OUTBOX_CONNECTOR_NAME: 'nope' }, ['pause']);
    expect(await unknown.exited).toBe(1);
    expect(unknown.output()).toContain('PUT /connectors/nope/pause → 404: no connector named "nope"');
  });

  it('restarts a halted partition at once, with its full attempts, instead of at its next probe', async () => {
    const { env, config } = testEnvironment({
      OUTBOX_PARTITIONS: '1',
      OUTBOX_ON_POISON: 'halt',
      OUTBOX_HALT_PROBE_INTERVAL_MS: '600000',
    });
    env.OUTBOX_API_URL = await httpUrlOf(start('capture-worker', env));
    const publisher = start('publisher-worker', env);
    const db = openDatabase(config.sqlite.path);
    migrateOutbox(db, config.outbox.table);
    appendOutboxEvent(db, config.outbox.table, { aggregateId: '1', eventType: 'UserRenamed', payload: '{"name": oops' });
    db.close();

    const connector = `${env.OUTBOX_API_URL}/connectors/${config.connector.name}`;
    const halted = await waitFor('the partition to halt on the event that is not JSON', async () => {
      const task = (await statusOf(connector)).tasks[0];
      return task?.state === 'HALTED' ? task : undefined;
    });
    expect(halted.trace).toMatch(/^INVALID_PAYLOAD: outbox id 1: the payload is not valid JSON/);
    const halts = () => publisher.output().split('partition halted;').length - 1;
    expect(halts()).toBe(1);

    const restart = start('cli', env, ['restart']);
    expect(await restart.exited).toBe(0);
    expect(restart.output()).toContain('restarted partitions 0');
    // Tried again now (the next probe is 10 minutes away), and halted again: the event is still poison.
    await waitFor('the restarted partition to be tried again', () => halts() === 2, { timeoutMs: 30_000 });
    expect((await statusOf(connector)).tasks[0]?.state).toBe('HALTED');
    expect(outboxDepth(config.sqlite.path)).toBe(1);
  });

  it('requires the bearer token when one is set, and refuses to listen beyond loopback without one', async () => {
    const token = 'a-test-token-0123456789';
    const { env, config } = testEnvironment({ OUTBOX_HTTP_HOST: '0.0.0.0', OUTBOX_HTTP_TOKEN: token });
    const name = config.connector.name;
    const url = (await httpUrlOf(start('capture-worker', env))).replace('0.0.0.0', '127.0.0.1');
    env.OUTBOX_API_URL = url;

    expect((await call(`${url}/connectors`)).status).toBe(401);
    expect(await call(`${url}/connectors/${name}/pause`, { method: 'PUT' })).toMatchObject({
      status: 401,
      body: { error_code: 401, code: 'UNAUTHORIZED' },
    });
    expect((await call(`${url}/connectors`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect(await call(`${url}/connectors`, { headers: { authorization: `Bearer ${token}` } })).toEqual({
      status: 200,
      body: [name],
    });
    // The probes and Prometheus' scrape stay open; the pause above changed nothing.
    expect((await call(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    const status = start('cli', env, ['status', '--json']);
    expect(await status.exited).toBe(0);
    expect((JSON.parse(status.output()) as ConnectorStatus).connector.state).toBe('RUNNING');
    const withoutToken = start('cli', { ...env, OUTBOX_HTTP_TOKEN: '', OUTBOX_HTTP_HOST: '127.0.0.1' }, ['status']);
    expect(await withoutToken.exited).not.toBe(0);

    const refused = start('capture-worker', { ...testEnvironment().env, OUTBOX_HTTP_HOST: '0.0.0.0' });
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toContain('http.token');
    expect(refused.output()).toContain('required when http.host is 0.0.0.0');
    expect(refused.output()).not.toContain('    at ');
  });

  it('tells the CLI user when the API cannot be reached', async () => {
    // A port nothing listens on.
    const { env } = testEnvironment({ OUTBOX_API_URL: `http://127.0.0.1:${await freePort()}` });
    const status = start('cli', env, ['status']);
    expect(await status.exited).toBe(1);
    expect(status.output()).toContain(`outbox status: cannot reach the REST API at ${env.OUTBOX_API_URL} (ECONNREFUSED)`);
    expect(status.output()).not.toContain('    at ');
  });
});
