import { OutboxError } from '@outbox/errors';

const plainIdentifier = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Table names come from config: only plain identifiers are accepted, and always quoted. */
export function quoteIdentifier(name: string): string {
  if (!plainIdentifier.test(name)) {
    throw new OutboxError(`not a plain SQL identifier: ${JSON.stringify(name)}`, { code: 'BAD_IDENTIFIER' });
  }
  return `"${name}"`;
}
