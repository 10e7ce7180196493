import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { quoteIdentifier } from './identifiers.ts';
import type { Database } from './open-database.ts';

export interface NewOutboxEvent {
  aggregateId: string | number;
  eventType: string;
  /** Stored as JSON text; a string is taken to be JSON already. */
  payload: unknown;
  traceparent?: string;
}

type InsertParams = [string, string, string, string, string, string | null];
const statements = new WeakMap<Database, Map<string, Statement<InsertParams>>>();

/**
 * Appends an event to the outbox. Call it inside the transaction that writes the business rows:
 * both commit together or not at all. Returns the event's outbox id and event id.
 */
export function appendOutboxEvent(db: Database, table: string, event: NewOutboxEvent): { outboxId: number; eventId: string } {
  let perDb = statements.get(db);
  if (!perDb) {
    perDb = new Map();
    statements.set(db, perDb);
  }
  let insert = perDb.get(table);
  if (!insert) {
    insert = db.prepare<InsertParams>(
      `INSERT INTO ${quoteIdentifier(table)} (eventId, aggregateId, eventType, payload, occurredAt, traceparent)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    perDb.set(table, insert);
  }
  const eventId = randomUUID();
  const payload = typeof event.payload === 'string' ? event.payload : JSON.stringify(event.payload);
  const result = insert.run(
    eventId,
    String(event.aggregateId),
    event.eventType,
    payload,
    new Date().toISOString(),
    event.traceparent ?? null,
  );
  return { outboxId: Number(result.lastInsertRowid), eventId };
}
