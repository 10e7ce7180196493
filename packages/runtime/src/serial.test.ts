import { describe, expect, it } from 'vitest';
import { serial } from './serial.ts';

describe('serial', () => {
  it('runs tasks one at a time in call order, and a failure stops only its own task', async () => {
    const run = serial();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) =>
      run(async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a', 20), task('b', 1, true), task('c', 1)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'b', 'c']);
    expect(results[1]?.status).toBe('rejected');
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
