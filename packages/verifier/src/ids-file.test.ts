import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdsFile } from './ids-file.ts';

function idsFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ids-')), 'ids.txt');
  writeFileSync(file, text);
  return file;
}

describe('readIdsFile', () => {
  it('reads event ids in the order written, skipping blank lines', () => {
    const ids = ['4f1c2a9e-0b5d-4e8f-9a1b-2c3d4e5f6a7b', '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'];
    expect(readIdsFile(idsFile(`${ids[0]}\n\n${ids[1]}\n`))).toEqual(ids);
  });

  it('refuses a file of outbox ids, naming the line', () => {
    const file = idsFile('4f1c2a9e-0b5d-4e8f-9a1b-2c3d4e5f6a7b\n17\n');
    expect(() => readIdsFile(file)).toThrow(`${file}:2: 17 looks like an outbox id; the file must list committed event ids`);
  });

  it('refuses a malformed line, naming it', () => {
    const file = idsFile('an id with spaces\n');
    expect(() => readIdsFile(file)).toThrow(`${file}:1: not an event id: "an id with spaces"`);
  });
});
