import { randomUUID } from 'node:crypto';
import { OutboxError } from '@outbox/errors';
import type { Statement } from 'better-sqlite3';
import { quoteIdentifier } from './identifiers.ts';
import type { Database } from './open-database.ts';
import { type OutboxTable, toOutboxTable } from './outbox-table.ts';

export interface NewOutboxEvent {
  /** Required by a table with an aggregate-type column, and stored there; ignored otherwise. */
  aggregateType?: string;
  aggregateId: string | number;
  eventType: string;
  /** Stored as JSON text; a string is taken to be JSON already. */
  payload: unknown;
  traceparent?: string;
}

type InsertParams = (string | null)[];
const statements = new WeakMap<Database, Map<string, Statement<InsertParams>>>();

/**
 * Appends an event to the outbox. Call it inside the transaction that writes the business rows:
 * both commit together or not at all. Returns the event's outbox id and event id.
 */
export function appendOutboxEvent(
  db: Database,
  table: string | OutboxTable,
  event: NewOutboxEvent,
): { outboxId: number; eventId: string } {
  const shape = toOutboxTable(table);
  let perDb = statements.get(db);
  if (!perDb) {
    perDb = new Map();
    statements.set(db, perDb);
  }
  let insert = perDb.get(shape.name);
  if (!insert) {
    const q = quoteIdentifier;
    const c = shape.columns;
    const columns = [c.eventId, c.aggregateId, c.eventType, c.payload, c.occurredAt, c.traceparent];
    if (shape.aggregateTypeColumn) columns.push(shape.aggregateTypeColumn);
    insert = db.prepare<InsertParams>(
      `INSERT INTO ${q(shape.name)} (${columns.map(q).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    perDb.set(shape.name, insert);
  }
  if (shape.aggregateTypeColumn && !event.aggregateType) {
    throw new OutboxError(`the outbox table ${shape.name} routes by aggregate type: the event needs one`, {
      code: 'AGGREGATE_TYPE_MISSING',
    });
  }
  const eventId = randomUUID();
  const payload = typeof event.payload === 'string' ? event.payload : JSON.stringify(event.payload);
  const values: InsertParams = [
    eventId,
    String(event.aggregateId),
    event.eventType,
    payload,
    new Date().toISOString(),
    event.traceparent ?? null,
  ];
  if (shape.aggregateTypeColumn) values.push(event.aggregateType ?? null);
  const result = insert.run(...values);
  return { outboxId: Number(result.lastInsertRowid), eventId };
}
