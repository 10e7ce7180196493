import { randomUUID } from 'node:crypto';
import { appendOutboxEvent, openDatabase } from '@outbox/outbox-store';
import { outboxDepth, readTopic, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { generateLoad } from '@outbox/writer';
import { describe, expect, it } from 'vitest';

const start = useApps();
const types = ['users', 'orders', 'payments', 'shipments', 'invoices'];

describe('routing by an aggregate-type column', () => {
  it('puts each type in its own topic, in order per aggregate, and a poison event in its type’s dead-letter topic', async () => {
    const { env, config } = testEnvironment({
      OUTBOX_TABLE: 'outbox',
      OUTBOX_ROUTE_BY_FIELD: 'aggregateType',
      LOG_LEVEL: 'warn',
    });
    const db = openDatabase(config.sqlite.path);
    const table = config.outbox.shape;
    const load = await generateLoad({ events: 2500, aggregates: 50, rate: 0, typed: { db, table, types } });
    // A payload that is not JSON, among the orders: it must land in the orders' dead-letter topic.
    const poison = appendOutboxEvent(db, table, {
      aggregateType: 'orders',
      aggregateId: 2,
      eventType: 'OrdersUpdated',
      payload: '{oops',
    });
    const after = await generateLoad({ events: 500, aggregates: 50, rate: 0, typed: { db, table, types } });
    db.close();

    start('capture-worker', env);
    start('publisher-worker', env);
    start('publisher-worker', env);
    await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path, table) === 0, { timeoutMs: 90_000 });

    const id = config.connector.name.slice(2);
    const byTopic = await Promise.all(types.map((type) => readTopic(config.kafka.brokers, `test.${id}.${type}`)));
    for (const [i, records] of byTopic.entries()) {
      // Aggregate k is of type (k - 1) mod 5: every record in a type's topic is of that type.
      expect(records.length, types[i]).toBeGreaterThan(0);
      expect(new Set(records.map((r) => r.headers.aggregateType)), types[i]).toEqual(new Set([types[i]]));
    }
    const dlq = await readTopic(config.kafka.brokers, `test.${id}.dlq.orders`);
    expect(dlq.map((r) => r.headers.id)).toEqual([poison.eventId]);
    expect(dlq[0]?.headers['__outbox.errors.class']).toBe('INVALID_PAYLOAD');

    const report = verifyEvents({
      events: toVerifiedEvents(byTopic.flat()),
      deadLetters: toVerifiedEvents(dlq),
      committed: [...load.eventIds, poison.eventId, ...after.eventIds],
    });
    expect(report).toMatchObject({
      lost: [],
      outOfOrder: 0,
      uniqueEvents: 3000,
      aggregates: 50,
      deadLettered: [poison.eventId],
    });
  });

  it('captures a table shaped like Debezium’s outbox table as it is, ids re-used and extra header columns included', async () => {
    const { env, config } = testEnvironment(
      {
        OUTBOX_TABLE: 'outbox',
        OUTBOX_ROUTE_BY_FIELD: 'aggregatetype',
        OUTBOX_FIELD_EVENT_ID: 'id',
        OUTBOX_FIELD_EVENT_KEY: 'aggregateid',
        OUTBOX_FIELD_EVENT_TYPE: 'type',
        OUTBOX_FIELDS_ADDITIONAL_PLACEMENT: 'tenant:header,region:header:x-region',
        LOG_LEVEL: 'warn',
      },
      { database: false },
    );
    const db = openDatabase(config.sqlite.path);
    // Debezium's documented table (id uuid, aggregatetype, aggregateid, type, payload), plus two
    // columns the router places in headers. No AUTOINCREMENT: SQLite re-uses the ids of deleted rows.
    db.exec(`CREATE TABLE outbox (
      id TEXT PRIMARY KEY, aggregatetype TEXT NOT NULL, aggregateid TEXT NOT NULL, type TEXT NOT NULL,
      payload TEXT, tenant TEXT, region TEXT)`);
    const insert = db.prepare(
      'INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, tenant, region) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const committed: string[] = [];
    /** Writes `count` rows, one commit each; returns the rowid the first one took. */
    const write = (count: number) => {
      const rowids: number[] = [];
      for (let i = 0; i < count; i++) {
        const id = randomUUID();
        const type = i % 2 === 0 ? 'customers' : 'orders';
        const row = [id, type, String(i % 7), `${type}Changed`, JSON.stringify({ i }), 'acme', i % 3 === 0 ? 'eu' : null];
        rowids.push(Number(insert.run(...row).lastInsertRowid));
        committed.push(id);
      }
      return rowids[0];
    };
    write(200);
    const capture = start('capture-worker', env);
    start('publisher-worker', env);
    await waitFor('the first rows to drain', () => outboxDepth(config.sqlite.path, config.outbox.shape) === 0, {
      timeoutMs: 60_000,
    });
    // The table is empty: new rows take rowids 1, 2, … again, below the capture cursors. Read as
    // each row is inserted: the capture worker takes them up while they are written, and may have
    // delivered and deleted row 1 before the last is in.
    expect(write(100)).toBe(1);
    await waitFor('the rows with re-used ids to drain', () => outboxDepth(config.sqlite.path, config.outbox.shape) === 0, {
      timeoutMs: 60_000,
    });
    db.close();
    // Taken up as new rows, not logged as stranded: the cursors came down with the table's highest
    // id, and rows on ids they had passed (the table emptied and refilled between two reads) count as
    // the table's normal re-use.
    expect(capture.output()).not.toContain('were never enqueued');
    expect(capture.output()).not.toContain('restored from an older copy');

    const id = config.connector.name.slice(2);
    const records = (
      await Promise.all(['customers', 'orders'].map((type) => readTopic(config.kafka.brokers, `test.${id}.${type}`)))
    ).flat();
    const report = verifyEvents({ events: toVerifiedEvents(records), committed });
    expect(report).toMatchObject({ lost: [], outOfOrder: 0, uniqueEvents: 300 });
    const first = records.find((r) => r.headers.id === committed[0]);
    expect(first).toMatchObject({
      key: '0',
      value: '{"i":0}',
      headers: { eventType: 'customersChanged', tenant: 'acme', 'x-region': 'eu' },
    });
    // A NULL header column leaves its header out.
    expect(records.find((r) => r.headers.id === committed[1])?.headers).not.toHaveProperty('x-region');
  });
});
