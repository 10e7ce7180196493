import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendOutboxEvent, migrateOutbox, openDatabase } from '@outbox/outbox-store';
import { describe, expect, it } from 'vitest';
import { recordCommittedEvents } from './committed-events.ts';

describe('recordCommittedEvents', () => {
  it('lists committed events in commit order, even when outbox ids were re-used', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'committed-')), 'db.sqlite');
    const db = openDatabase(path);
    migrateOutbox(db, 'users_outbox');
    const committed = recordCommittedEvents(path, 'users_outbox');
    const event = { aggregateId: 1, eventType: 'UserRenamed', payload: {} };
    const first = appendOutboxEvent(db, 'users_outbox', event);
    const second = appendOutboxEvent(db, 'users_outbox', event);
    // Delivered and deleted, then an explicit insert re-uses the lower id.
    db.prepare('DELETE FROM users_outbox').run();
    db.prepare(
      `INSERT INTO users_outbox (id, eventId, aggregateId, eventType, payload, occurredAt) VALUES (?, 'reused', '1', 'UserRenamed', '{}', '')`,
    ).run(first.outboxId);
    db.close();
    expect(committed().map((e) => e.eventId)).toEqual([first.eventId, second.eventId, 'reused']);
  });
});
