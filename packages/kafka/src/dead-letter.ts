import { createHash } from 'node:crypto';
import type { Message } from 'kafkajs';

export interface DeadLetterContext {
  /** The error's type, e.g. `MESSAGE_TOO_LARGE` or `INVALID_PAYLOAD`. */
  errorClass: string;
  errorMessage: string;
  attempts: number;
  originalTopic: string;
  firstFailure: Date;
  lastFailure: Date;
}

/** Header names, in the style of Kafka Connect's `__connect.errors.*`. */
export const deadLetterHeaders = {
  errorClass: '__outbox.errors.class',
  errorMessage: '__outbox.errors.message',
  attempts: '__outbox.errors.attempts',
  originalTopic: '__outbox.errors.topic',
  firstFailure: '__outbox.errors.first.failure',
  lastFailure: '__outbox.errors.last.failure',
  valueSize: '__outbox.errors.value.size',
  valueSha256: '__outbox.errors.value.sha256',
} as const;

/** Every dead-letter header starts with this; a replay leaves them all out. */
export const deadLetterHeaderPrefix = '__outbox.errors.';

/** What a replayed dead letter carries, so consumers can tell it is outside the ordering guarantee. */
export const replayHeaders = {
  replayed: '__outbox.replayed',
  replayedAt: '__outbox.replayedAt',
} as const;

/**
 * The record a dead letter is replayed as: its key, value and headers as they were before it was
 * dead-lettered (the error headers left out), plus headers saying it is a replay and when.
 * `value` replaces the dead letter's own (a dead letter without its value gets it from SQLite).
 */
export function fromDeadLetter(
  deadLetter: { key: string; value: string | Buffer | null; headers: Record<string, string> },
  replayedAt: Date,
): Message {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(deadLetter.headers)) {
    if (!name.startsWith(deadLetterHeaderPrefix)) headers[name] = value;
  }
  headers[replayHeaders.replayed] = 'true';
  headers[replayHeaders.replayedAt] = replayedAt.toISOString();
  return { key: deadLetter.key, value: deadLetter.value, headers };
}

/**
 * The dead-letter record of an event: the same key, value and headers, plus what went wrong.
 * With `withoutValue` (the event is too large even for the dead-letter topic) the value is left
 * out and its size and SHA-256 are given instead; the payload stays in SQLite.
 */
export function toDeadLetter(message: Message, context: DeadLetterContext, withoutValue = false): Message {
  const headers: Record<string, string> = {
    ...(message.headers as Record<string, string>),
    [deadLetterHeaders.errorClass]: context.errorClass,
    [deadLetterHeaders.errorMessage]: context.errorMessage.slice(0, 1000),
    [deadLetterHeaders.attempts]: String(context.attempts),
    [deadLetterHeaders.originalTopic]: context.originalTopic,
    [deadLetterHeaders.firstFailure]: context.firstFailure.toISOString(),
    [deadLetterHeaders.lastFailure]: context.lastFailure.toISOString(),
  };
  if (!withoutValue) return { key: message.key, value: message.value, headers };
  const value = typeof message.value === 'string' ? Buffer.from(message.value) : (message.value ?? Buffer.alloc(0));
  headers[deadLetterHeaders.valueSize] = String(value.length);
  headers[deadLetterHeaders.valueSha256] = createHash('sha256').update(value).digest('hex');
  return { key: message.key, value: null, headers };
}
