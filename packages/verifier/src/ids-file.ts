import { readFileSync } from 'node:fs';

// Event ids are what `appendOutboxEvent` writes: UUIDs, or whatever an app put in the column.
// Anything with whitespace or control characters is a mangled file, not an id.
const eventIdPattern = /^[\x21-\x7e]{1,200}$/;
const outboxIdPattern = /^\d+$/;

/**
 * The committed event ids, in commit order, one per line, as `outbox load --ids-file` writes
 * them; blank lines are skipped. A line that is not an event id is an error naming the line: a
 * file of outbox ids (what older versions wrote) would otherwise report every event as lost.
 */
export function readIdsFile(file: string): string[] {
  const ids: string[] = [];
  for (const [index, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    const text = line.trim();
    if (text === '') continue;
    if (outboxIdPattern.test(text)) {
      throw new Error(`${file}:${index + 1}: ${text} looks like an outbox id; the file must list committed event ids`);
    }
    if (!eventIdPattern.test(text)) throw new Error(`${file}:${index + 1}: not an event id: ${JSON.stringify(text)}`);
    ids.push(text);
  }
  return ids;
}
