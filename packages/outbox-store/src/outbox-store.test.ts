import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendOutboxEvent } from './append-outbox-event.ts';
import { acquireCaptureLock } from './capture-lock.ts';
import { openDatabase } from './open-database.ts';
import { migrateOutbox } from './outbox-schema.ts';
import { createOutboxStore } from './outbox-store.ts';

function freshDb() {
  const path = join(mkdtempSync(join(tmpdir(), 'outbox-store-')), 'db.sqlite');
  const db = openDatabase(path);
  migrateOutbox(db, 'users_outbox');
  return { db, path, store: createOutboxStore(db, 'users_outbox') };
}

describe('outbox store', () => {
  it('reads rows in id order after a cursor and deletes exactly the given ids', () => {
    const { db, store } = freshDb();
    for (let i = 0; i < 5; i++) appendOutboxEvent(db, 'users_outbox', { aggregateId: i, eventType: 'E', payload: { i } });
    expect(store.readAfter(2, 10).map((r) => r.id)).toEqual([3, 4, 5]);
    expect(store.readAfter(0, 2).map((r) => r.payload)).toEqual(['{"i":0}', '{"i":1}']);
    // Each payload is 7 bytes: the read stops at the row that reaches the budget, never before the first.
    expect(store.readAfter(0, 10, 14).map((r) => r.id)).toEqual([1, 2]);
    expect(store.readAfter(0, 10, 1).map((r) => r.id)).toEqual([1]);
    expect(store.deleteIds([2, 4, 99])).toBe(2);
    expect(store.readAfter(0, 10).map((r) => r.id)).toEqual([1, 3, 5]);
    expect(store.readKeysAfter(1, 4, 10)).toEqual([{ id: 3, eventId: store.readIds([3])[0]?.eventId, aggregateId: '2' }]);
    expect(store.stats()).toMatchObject({ depth: 3, oldestId: 1 });
  });

  it('deletes an acknowledged row only while it still holds the event acknowledged', () => {
    const { db, store } = freshDb();
    for (let i = 0; i < 3; i++) appendOutboxEvent(db, 'users_outbox', { aggregateId: i, eventType: 'E', payload: {} });
    const [first, second, third] = store.readAfter(0, 10);
    // Row 2 is re-used by another event (as after a restore from an older copy): its old ack must not delete it.
    store.deleteIds([2]);
    db.prepare(
      "INSERT INTO users_outbox (id, eventId, aggregateId, eventType, payload, occurredAt) VALUES (2, 'other', '1', 'E', '{}', 'now')",
    ).run();
    const deleted = store.deleteAcknowledged(
      [
        { id: 1, eventId: first?.eventId },
        { id: 2, eventId: second?.eventId },
        { id: 3 }, // from a publisher that sent no event ids: the id decides
        { id: 99, eventId: 'gone' },
      ],
      [],
    );
    expect(deleted).toEqual([1, 3]);
    expect(third).toBeDefined();
    expect(store.readAfter(0, 10).map((r) => [r.id, r.eventId])).toEqual([[2, 'other']]);
  });

  it('carries whatever type another app stored: text as it is, invalid rows marked with what is wrong', () => {
    const { db, store } = freshDb();
    const insert = (values: string) =>
      db.exec(`INSERT INTO users_outbox (eventId, aggregateId, eventType, payload, occurredAt, traceparent) VALUES (${values})`);
    insert("'e1', 'a', 'T', X'7B7D', 'now', NULL"); // a BLOB holding UTF-8 JSON: delivered as text
    insert("'e2', 'a', 'T', X'FF00', 'now', X'FF'"); // a BLOB that is not UTF-8; an unreadable traceparent is dropped
    insert("'e3', 'a', 'T', CAST(X'7BFF7D' AS TEXT), 'now', NULL"); // TEXT whose bytes are not UTF-8
    insert(`'e4', 'a', 'T', '{"ok":"\uFFFD"}', 'now', NULL`); // a real U+FFFD is fine
    insert("X'6535', 7, 'T', 1.5, 'now', NULL"); // a BLOB event id, a number where text belongs
    const rows = store.readAfter(0, 10);
    expect(rows.map((r) => [r.eventId, r.aggregateId, r.payload, r.traceparent, r.invalid])).toEqual([
      ['e1', 'a', '{}', null, undefined],
      ['e2', 'a', '0xff00', null, 'payload is a BLOB of 2 bytes that is not UTF-8'],
      ['e3', 'a', '0x7bff7d', null, 'payload is a TEXT of 3 bytes that is not UTF-8'],
      ['e4', 'a', '{"ok":"\uFFFD"}', null, undefined],
      ['e5', '7', '1.5', null, undefined],
    ]);
    expect(Buffer.from(rows[1]?.payloadBase64 ?? '', 'base64')).toEqual(Buffer.from([0xff, 0x00]));
    expect(store.readKeysAfter(0, 10, 10).map((k) => k.eventId)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    // The acknowledgement of a row read that way finds it again.
    expect(
      store.deleteAcknowledged(
        rows.map((r) => ({ id: r.id, eventId: r.eventId })),
        [],
      ),
    ).toHaveLength(5);
  });

  it('never reuses an id after the outbox was emptied (AUTOINCREMENT)', () => {
    const { db, store } = freshDb();
    for (let i = 0; i < 3; i++) appendOutboxEvent(db, 'users_outbox', { aggregateId: 1, eventType: 'E', payload: {} });
    store.deleteIds([1, 2, 3]);
    expect(store.stats().depth).toBe(0);
    const { outboxId } = appendOutboxEvent(db, 'users_outbox', { aggregateId: 1, eventType: 'E', payload: {} });
    expect(outboxId).toBe(4);
    expect(store.lastAssignedId()).toBe(4);
  });

  it('migrates idempotently and keeps the instance id', () => {
    const { db, store } = freshDb();
    const id = store.instanceId();
    migrateOutbox(db, 'users_outbox');
    expect(store.instanceId()).toBe(id);
  });

  it('lets only one capture worker hold a database', () => {
    const { path } = freshDb();
    const lock = acquireCaptureLock(path);
    expect(() => acquireCaptureLock(path)).toThrow(/another capture worker is already running/);
    lock.release();
    acquireCaptureLock(path).release();
  });

  it('keeps each table’s pause apart, and a pause kept before per database goes to the table migrated first', () => {
    const { db, store } = freshDb();
    migrateOutbox(db, 'orders_outbox');
    const orders = createOutboxStore(db, 'orders_outbox');
    orders.setConnectorState('PAUSED');
    expect([store.connectorState(), orders.connectorState()]).toEqual(['RUNNING', 'PAUSED']);
    // A database from before: one key for its one connector.
    db.prepare("INSERT INTO outbox_meta (key, value) VALUES ('connectorState', 'PAUSED')").run();
    db.prepare("DELETE FROM outbox_schema_migrations WHERE scope = 'outbox:users_outbox' AND version = 5").run();
    migrateOutbox(db, 'users_outbox');
    expect(store.connectorState()).toBe('PAUSED');
  });
});
