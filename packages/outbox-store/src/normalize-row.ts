import type { OutboxKey, OutboxRow } from '@outbox/contracts';

/** A value as better-sqlite3 returns it: SQLite keeps whatever type a writer gave, whatever the schema says. */
export type SqliteValue = string | number | bigint | Buffer | null;

/** An outbox row as SQLite holds it, before anything is assumed about its types. */
export interface RawOutboxRow {
  id: number;
  eventId: SqliteValue;
  aggregateId: SqliteValue;
  eventType: SqliteValue;
  payload: SqliteValue;
  occurredAt: SqliteValue;
  traceparent: SqliteValue;
}

/** A column's bytes exactly as stored, for the rare text that did not decode cleanly. */
export type ReadBytes = (column: keyof RawOutboxRow, id: number) => Buffer | null;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const required = ['eventId', 'aggregateId', 'eventType', 'payload', 'occurredAt'] as const;

interface Text {
  text: string;
  /** Why the value cannot be carried as text; the text is then a stand-in for headers. */
  problem?: string;
  /** The bytes that were not UTF-8. */
  bytes?: Buffer;
}

/**
 * Turns one column's value into the text the Kafka contract carries. Numbers become their decimal
 * text and a BLOB its UTF-8 text; bytes that are not UTF-8 (a BLOB, or TEXT written as raw bytes)
 * cannot be carried as text and are reported. better-sqlite3 decodes such text with U+FFFD in
 * place of the bad bytes, so only text that holds U+FFFD is read again as bytes and checked.
 */
function toText(value: SqliteValue, column: keyof RawOutboxRow, id: number, readBytes: ReadBytes): Text {
  if (typeof value === 'string') {
    if (!value.includes('\uFFFD')) return { text: value };
    const bytes = readBytes(column, id);
    return bytes ? decode(bytes, column, 'TEXT') : { text: value };
  }
  if (typeof value === 'number' || typeof value === 'bigint') return { text: String(value) };
  if (value === null) return { text: '', problem: `${column} is NULL` };
  return decode(value, column, 'BLOB');
}

function decode(bytes: Buffer, column: string, type: string): Text {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    const problem = `${column} is a ${type} of ${bytes.length} bytes that is not UTF-8`;
    return { text: `0x${bytes.toString('hex')}`, problem, bytes };
  }
}

/**
 * The row the pipeline carries, whatever another app wrote into the table: every column becomes
 * text the same way wherever the row is read (capture, acknowledgement, status), so a partition
 * and an event id computed twice always agree. A row that cannot be carried as it is — a NULL in
 * a required column, bytes that are not UTF-8 — is marked `invalid`, and the publisher
 * dead-letters it (or halts, with `onPoison=halt`) instead of sending it; its partition goes on.
 */
export function normalizeOutboxRow(raw: RawOutboxRow, readBytes: ReadBytes): OutboxRow {
  const problems: string[] = [];
  let payloadBytes: Buffer | undefined;
  const text = (column: (typeof required)[number]) => {
    const result = toText(raw[column], column, raw.id, readBytes);
    if (result.problem) problems.push(result.problem);
    if (column === 'payload') payloadBytes = result.bytes;
    return result.text;
  };
  const row: OutboxRow = {
    id: raw.id,
    eventId: text('eventId'),
    aggregateId: text('aggregateId'),
    eventType: text('eventType'),
    payload: text('payload'),
    occurredAt: text('occurredAt'),
    traceparent: null,
  };
  if (raw.traceparent !== null) {
    const traceparent = toText(raw.traceparent, 'traceparent', raw.id, readBytes);
    // A trace context is optional: one that cannot be read is dropped, not a reason to refuse the event.
    if (!traceparent.problem) row.traceparent = traceparent.text;
  }
  if (problems.length > 0) {
    row.invalid = problems.join('; ');
    // The dead letter keeps the payload's bytes as they were, not the stand-in text.
    if (payloadBytes) row.payloadBase64 = payloadBytes.toString('base64');
  }
  return row;
}

/** The key columns alone, normalized exactly as normalizeOutboxRow does them. */
export function normalizeOutboxKey(raw: Pick<RawOutboxRow, 'id' | 'eventId' | 'aggregateId'>, readBytes: ReadBytes): OutboxKey {
  return {
    id: raw.id,
    eventId: toText(raw.eventId, 'eventId', raw.id, readBytes).text,
    aggregateId: toText(raw.aggregateId, 'aggregateId', raw.id, readBytes).text,
  };
}
