import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventTracer } from '@outbox/contracts';
import { createLogger } from '@outbox/logger';
import { createOutboxStore, migrateOutbox, openDatabase } from '@outbox/outbox-store';
import { describe, expect, it } from 'vitest';
import { buildWriterServer } from './http-server.ts';
import { migrateUsers, UserService } from './user-service.ts';

function setup(tracer?: EventTracer) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'writer-')), 'db.sqlite'));
  migrateUsers(db);
  migrateOutbox(db, 'users_outbox');
  const app = buildWriterServer(new UserService(db, 'users_outbox'), createLogger({ level: 'silent' }), tracer);
  const counts = () => ({
    users: (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n,
    outbox: createOutboxStore(db, 'users_outbox').stats().depth,
  });
  return { app, db, counts };
}

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('writer HTTP API', () => {
  it('creates, renames and deletes users, each with its outbox event', async () => {
    const { app, db } = setup();
    const created = await app.inject({
      method: 'POST',
      url: '/users',
      payload: { name: 'Alice' },
      headers: { traceparent },
    });
    expect(created.statusCode).toBe(201);
    const user = created.json<{ id: number; name: string; outboxId: number }>();
    expect(user).toMatchObject({ name: 'Alice', outboxId: 1 });

    const renamed = await app.inject({ method: 'PATCH', url: `/users/${user.id}`, payload: { name: 'Alicia' } });
    expect(renamed.json()).toMatchObject({ name: 'Alicia', outboxId: 2 });
    expect((await app.inject({ method: 'DELETE', url: `/users/${user.id}` })).statusCode).toBe(200);

    const events = db.prepare('SELECT aggregateId, eventType, payload, traceparent FROM users_outbox ORDER BY id').all();
    expect(events).toEqual([
      {
        aggregateId: String(user.id),
        eventType: 'UserCreated',
        payload: expect.stringContaining('"name":"Alice"'),
        traceparent,
      },
      {
        aggregateId: String(user.id),
        eventType: 'UserRenamed',
        payload: expect.stringContaining('"name":"Alicia"'),
        traceparent: null,
      },
      { aggregateId: String(user.id), eventType: 'UserDeleted', payload: `{"id":${user.id}}`, traceparent: null },
    ]);
  });

  it.each([
    ['an empty name', { name: '  ' }, 'name', 'must not be empty'],
    ['a missing name', {}, 'name', 'Invalid input: expected string, received undefined'],
    ['a number for a name', { name: 7 }, 'name', 'Invalid input: expected string, received number'],
    ['an unknown field', { name: 'A', admin: true }, 'admin', 'Unrecognized key: "admin"'],
  ])('rejects %s with 400 and the field error, writing nothing', async (_what, payload, field, message) => {
    const { app, counts } = setup();
    const response = await app.inject({ method: 'POST', url: '/users', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'BAD_REQUEST', fields: [{ field, message }] });
    expect(counts()).toEqual({ users: 0, outbox: 0 });
  });

  it('rejects malformed JSON and bad ids with 400, unknown ids with 404, writing nothing', async () => {
    const { app, counts } = setup();
    const malformed = await app.inject({
      method: 'POST',
      url: '/users',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    const badId = await app.inject({ method: 'PATCH', url: '/users/abc', payload: { name: 'x' } });
    expect(badId.json()).toMatchObject({ fields: [{ field: 'id', message: 'must be a number in decimal digits' }] });
    const missing = await app.inject({ method: 'PATCH', url: '/users/42', payload: { name: 'x' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'NOT_FOUND', message: 'no user with id 42' });
    expect((await app.inject({ method: 'DELETE', url: '/users/42' })).statusCode).toBe(404);
    expect(counts()).toEqual({ users: 0, outbox: 0 });
  });

  it.each([
    [
      'bytes that are not UTF-8',
      Buffer.from([...Buffer.from('{"name":"'), 0xff, 0xfe, ...Buffer.from('"}')]),
      'must be valid UTF-8 text',
    ],
    ['a NUL', Buffer.from(JSON.stringify({ name: 'a\u0000b' })), 'must not contain control characters such as NUL'],
    ['a lone surrogate', Buffer.from('{"name":"a\\ud800b"}'), 'must be valid UTF-8 text'],
  ])('rejects a name with %s with 400 and the field error, writing nothing', async (_what, payload, message) => {
    const { app, counts } = setup();
    const response = await app.inject({
      method: 'POST',
      url: '/users',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'BAD_REQUEST', fields: [{ field: 'name', message }] });
    expect(counts()).toEqual({ users: 0, outbox: 0 });
  });

  it.each(['1e0', '0x1', '+1', '1.0', ' 1', '9007199254740993'])('takes no id but decimal digits: %s is a 400', async (id) => {
    const { app, counts } = setup();
    expect((await app.inject({ method: 'POST', url: '/users', payload: { name: 'Alice' } })).statusCode).toBe(201);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await app.inject({ method, url: `/users/${encodeURIComponent(id)}`, payload: { name: 'Mallory' } });
      expect(response.statusCode, `${method} /users/${id}`).toBe(400);
      expect(response.json()).toMatchObject({ fields: [{ field: 'id' }] });
    }
    expect((await app.inject({ method: 'GET', url: '/users/1' })).json()).toMatchObject({ name: 'Alice' });
    expect(counts()).toEqual({ users: 1, outbox: 1 });
  });

  it.each([
    ['6,000 characters', `00-${'a'.repeat(5997)}`],
    ['not W3C-shaped', '00-abc-def-01'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['upper case', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
  ])('drops a traceparent that is %s, and writes the event without it', async (_what, header) => {
    const { app, db } = setup();
    const created = await app.inject({
      method: 'POST',
      url: '/users',
      payload: { name: 'Alice' },
      headers: { traceparent: header },
    });
    expect(created.statusCode).toBe(201);
    expect(db.prepare('SELECT traceparent FROM users_outbox').all()).toEqual([{ traceparent: null }]);
  });

  it("traces each request but the health check, continuing the caller's traceparent, and stores the request span's", async () => {
    const requests: { parent: string | undefined; method: string; route: string; status?: string | number }[] = [];
    const span = (n: number) => `00-${'a'.repeat(32)}-${String(n).padStart(16, '0')}-01`;
    const unused = () => {
      throw new Error('not a request');
    };
    const tracer: EventTracer = {
      request: (parent, request) => {
        const traced: (typeof requests)[number] = { parent, ...request };
        requests.push(traced);
        return {
          traceparent: span(requests.length),
          end: (_error, attributes) => (traced.status = attributes?.['http.response.status_code']),
        };
      },
      capture: unused,
      job: unused,
      send: unused,
    };
    const { app, db } = setup(tracer);
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'POST', url: '/users', payload: { name: 'Alice' }, headers: { traceparent } });
    await app.inject({ method: 'PATCH', url: '/users/1', payload: { name: 'Alicia' }, headers: { traceparent: 'not one' } });
    await app.inject({ method: 'POST', url: '/users', payload: { name: '' } });

    expect(requests).toEqual([
      { parent: traceparent, method: 'POST', route: '/users', status: 201 },
      { parent: undefined, method: 'PATCH', route: '/users/:id', status: 200 },
      { parent: undefined, method: 'POST', route: '/users', status: 400 },
    ]);
    expect(db.prepare('SELECT traceparent FROM users_outbox ORDER BY id').all()).toEqual([
      { traceparent: span(1) },
      { traceparent: span(2) },
    ]);
  });
});
