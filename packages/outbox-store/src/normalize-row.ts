import type { OutboxKey, OutboxRow } from '@outbox/contracts';
import type { HeaderColumn } from './outbox-table.ts';

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
  /** NULL unless the table has an aggregate-type column. */
  aggregateType: SqliteValue;
  /** Header columns, `h0`, `h1`, … in the order of the table's `headerColumns`. */
  [header: `h${number}`]: SqliteValue;
}

/** What a row's own columns do not say: the table's aggregate type and its header columns. */
export interface RowDefaults {
  /** The type of a row when the table has no aggregate-type column. */
  aggregateType: string;
  /** Whether the table names each row's type: then a NULL there makes the row invalid. */
  routed: boolean;
  headerColumns: readonly HeaderColumn[];
}

/** A column's bytes exactly as stored, for the rare text that did not decode cleanly. */
export type ReadBytes = (column: ColumnName, id: number) => Buffer | null;

type ColumnName = Exclude<keyof RawOutboxRow, `h${number}`>;

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
function toText(value: SqliteValue, column: ColumnName, id: number, readBytes: ReadBytes): Text {
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
export function normalizeOutboxRow(raw: RawOutboxRow, readBytes: ReadBytes, defaults: RowDefaults): OutboxRow {
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
    aggregateType: defaults.aggregateType,
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
  if (defaults.routed) {
    const type = toText(raw.aggregateType, 'aggregateType', raw.id, readBytes);
    // A row without a readable type goes to the table's own dead-letter topic.
    if (type.problem) problems.push(type.problem);
    else row.aggregateType = type.text;
  }
  const headers = headerValues(raw, defaults.headerColumns);
  if (headers) row.headers = headers;
  if (problems.length > 0) {
    row.invalid = problems.join('; ');
    // The dead letter keeps the payload's bytes as they were, not the stand-in text.
    if (payloadBytes) row.payloadBase64 = payloadBytes.toString('base64');
  }
  return row;
}

/**
 * The header columns' values as text. A NULL leaves its header out, as Debezium's router does; a
 * header is extra context, never a reason to refuse the event.
 */
function headerValues(raw: RawOutboxRow, columns: readonly HeaderColumn[]): Record<string, string> | undefined {
  if (columns.length === 0) return undefined;
  const headers: Record<string, string> = {};
  columns.forEach((column, i) => {
    const value = raw[`h${i}`];
    if (value === null || value === undefined) return;
    headers[column.header] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  });
  return headers;
}

/** The key columns alone, normalized exactly as normalizeOutboxRow does them. */
export function normalizeOutboxKey(raw: Pick<RawOutboxRow, 'id' | 'eventId' | 'aggregateId'>, readBytes: ReadBytes): OutboxKey {
  return {
    id: raw.id,
    eventId: toText(raw.eventId, 'eventId', raw.id, readBytes).text,
    aggregateId: toText(raw.aggregateId, 'aggregateId', raw.id, readBytes).text,
  };
}
