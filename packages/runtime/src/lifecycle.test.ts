import { describe, expect, it } from 'vitest';
import { buildService, onceAsync, Releasers } from './lifecycle.ts';

describe('Releasers', () => {
  it('releases in reverse order and reports every failure', async () => {
    const order: string[] = [];
    const releasers = new Releasers();
    releasers.add('db', () => order.push('db'));
    releasers.add('redis', () => {
      order.push('redis');
      throw new Error('redis gone');
    });
    releasers.add('kafka', async () => {
      order.push('kafka');
      throw new Error('kafka gone');
    });
    const error = await releasers.releaseAll().catch((e: unknown) => e);
    expect(order).toEqual(['kafka', 'redis', 'db']);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'closing kafka failed: kafka gone',
      'closing redis failed: redis gone',
    ]);
  });
});

describe('onceAsync', () => {
  it('runs once and hands every caller the same promise', async () => {
    let runs = 0;
    const close = onceAsync(async () => {
      runs += 1;
    });
    expect(close()).toBe(close());
    await close();
    expect(runs).toBe(1);
  });
});

describe('buildService', () => {
  it('releases what was acquired when building fails, and everything on close', async () => {
    const released: string[] = [];
    const failing = buildService(async (releasers) => {
      releasers.add('a', () => released.push('a'));
      throw new Error('no broker');
    });
    await expect(failing).rejects.toThrow('no broker');
    expect(released).toEqual(['a']);

    const service = await buildService(async (releasers) => {
      releasers.add('b', () => released.push('b'));
      releasers.add('c', () => released.push('c'));
      return { url: 'x' };
    });
    expect(service.url).toBe('x');
    await Promise.all([service.close(), service.close()]);
    expect(released).toEqual(['a', 'c', 'b']);
  });
});
