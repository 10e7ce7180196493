import { EnvironmentError } from '@outbox/errors';
import { describe, expect, it } from 'vitest';
import { environmentProblem } from './start-failure.ts';

describe('environmentProblem', () => {
  it('names missing files, read-only and full disks, also when wrapped', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x/ids.txt'"), { code: 'ENOENT' });
    expect(environmentProblem(enoent)).toBe("ENOENT: no such file or directory, open '/x/ids.txt'");
    expect(environmentProblem(new Error('writing the ids file failed', { cause: enoent }))).toBe(enoent.message);
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(environmentProblem(full)).toBe('database or disk is full');
    expect(environmentProblem(new EnvironmentError('the database /x does not exist', { code: 'DATABASE_MISSING' }))).toBe(
      'the database /x does not exist',
    );
  });

  it('leaves bugs to be crashes', () => {
    expect(environmentProblem(new TypeError('x is not a function'))).toBeUndefined();
    expect(environmentProblem(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBeUndefined();
    expect(environmentProblem('a string')).toBeUndefined();
  });
});
