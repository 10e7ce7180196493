import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendOutboxEvent } from './append-outbox-event.ts';
import { startOffThreadDeleter } from './off-thread-deleter.ts';
import { type Database, openDatabase } from './open-database.ts';
import { migrateOutbox } from './outbox-schema.ts';

describe('startOffThreadDeleter', () => {
  let dir: string;
  let path: string;
  let db: Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deleter-'));
    path = join(dir, 'db.sqlite');
    db = openDatabase(path);
    migrateOutbox(db, 'orders_outbox');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = () =>
    db
      .prepare<[], { id: number }>('SELECT id FROM orders_outbox ORDER BY id')
      .all()
      .map((r) => r.id);
  const append = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      appendOutboxEvent(db, 'orders_outbox', { aggregateId: `a${i}`, eventType: 'Placed', payload: '{}' }),
    );

  it('deletes acknowledged rows on its own connection, keeping a row that now holds another event', async () => {
    const events = append(3);
    const deleter = startOffThreadDeleter({ path, table: 'orders_outbox', options: {} });
    try {
      const deleted = await deleter.deleteAcknowledged(
        [
          { id: 1, eventId: events[0]?.eventId },
          { id: 2, eventId: 'another event' },
        ],
        [],
      );
      expect(deleted).toEqual([1]);
      expect(ids()).toEqual([2, 3]);
    } finally {
      await deleter.close();
    }
  });

  it("rejects with SQLite's error code while the writer holds the lock past the busy timeout, then goes on", async () => {
    append(2);
    const deleter = startOffThreadDeleter({ path, table: 'orders_outbox', options: { busyTimeoutMs: 50 } });
    try {
      db.prepare('BEGIN IMMEDIATE').run();
      await expect(deleter.deleteAcknowledged([{ id: 1 }], [])).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      db.prepare('COMMIT').run();
      expect(await deleter.deleteAcknowledged([{ id: 1 }], [])).toEqual([1]);
      expect(ids()).toEqual([2]);
    } finally {
      await deleter.close();
    }
  });

  it('deletes a backlog larger than one request (25,000 rows, in parts), and refuses work once closed', async () => {
    const events = db.transaction(() => append(25_000))();
    const deleter = startOffThreadDeleter({ path, table: 'orders_outbox', options: {} });
    const deleted = await deleter.deleteAcknowledged(
      events.map((e) => ({ id: e.outboxId, eventId: e.eventId })),
      [],
    );
    expect(deleted).toHaveLength(25_000);
    expect(ids()).toEqual([]);
    await deleter.close();
    await expect(deleter.deleteAcknowledged([{ id: 1 }], [])).rejects.toThrow('closed');
  }, 30_000);
});
