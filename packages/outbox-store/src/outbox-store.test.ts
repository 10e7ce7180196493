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
    expect(store.deleteIds([2, 4, 99])).toBe(2);
    expect(store.readAfter(0, 10).map((r) => r.id)).toEqual([1, 3, 5]);
    expect(store.readKeysAfter(1, 4, 10)).toEqual([{ id: 3, aggregateId: '2' }]);
    expect(store.stats()).toMatchObject({ depth: 3, oldestId: 1 });
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
});
