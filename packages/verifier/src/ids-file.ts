import { readFileSync } from 'node:fs';

/** One outbox id per line, as `outbox load --ids-file` writes them; blank lines are skipped. */
export function readIdsFile(file: string): number[] {
  const ids: number[] = [];
  for (const [index, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    const text = line.trim();
    if (text === '') continue;
    const id = Number(text);
    if (!Number.isSafeInteger(id) || id < 1) throw new Error(`${file}:${index + 1}: not an outbox id: ${JSON.stringify(text)}`);
    ids.push(id);
  }
  return ids;
}
