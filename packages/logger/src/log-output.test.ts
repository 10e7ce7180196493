import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogOutput } from './log-output.ts';

describe('LogOutput', () => {
  it('writes every line in order and drains', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-output-')), 'out.log');
    const fd = openSync(file, 'w');
    const output = new LogOutput({ fd });
    for (let i = 0; i < 1000; i++) output.write(`line ${i}\n`);
    await output.drain(5000);
    closeSync(fd);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines.at(-1)).toBe('line 999');
  });

  it('gives up on an output that fails, and never waits on it again', async () => {
    const output = new LogOutput({ fd: 987_654 });
    output.write('a\n');
    await output.drain(5000);
    output.write('b\n');
    output.flushSync();
    await output.drain(5000);
    expect(output.dropped).toBe(2);
  });
});
