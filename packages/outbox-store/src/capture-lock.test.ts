import { existsSync, linkSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireCaptureLock } from './capture-lock.ts';

const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'capture-lock-'));
  return { dir, path: join(dir, 'db.sqlite') };
};

describe('acquireCaptureLock', () => {
  it('is held by one worker at a time, and free again once released', () => {
    const { path } = fresh();
    const lock = acquireCaptureLock(path);
    expect(existsSync(path)).toBe(true);
    expect(() => acquireCaptureLock(path)).toThrow(`another capture worker is already running for ${path}`);
    lock.release();
    acquireCaptureLock(path).release();
  });

  it('follows the file through a symlink, a `..` path and a hard link beside it', () => {
    const { dir, path } = fresh();
    const lock = acquireCaptureLock(path);
    const symlink = join(dir, 'link.sqlite');
    symlinkSync(path, symlink);
    const hardLink = join(dir, 'hard.sqlite');
    linkSync(path, hardLink);
    mkdirSync(join(dir, 'sub'));
    for (const other of [symlink, `${dir}/sub/../db.sqlite`, hardLink]) {
      expect(() => acquireCaptureLock(other)).toThrow(expect.objectContaining({ code: 'CAPTURE_LOCKED' }));
    }
    lock.release();
  });

  it('refuses a database with a hard link elsewhere, whose name would find another lock', () => {
    const { path } = fresh();
    acquireCaptureLock(path).release();
    const elsewhere = join(fresh().dir, 'db.sqlite');
    linkSync(path, elsewhere);
    for (const name of [elsewhere, path]) {
      expect(() => acquireCaptureLock(name)).toThrow(expect.objectContaining({ code: 'CAPTURE_HARD_LINKED' }));
    }
  });
});
