import { linkSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { describe, expect, it } from 'vitest';

const start = useApps();

describe('the one-capture-worker lock', () => {
  it('follows the database file through a symlink, a hard link and a `..` path', async () => {
    const { env, config, dir } = testEnvironment();
    const first = start('cli', env, ['capture']);
    await waitFor('the first capture worker', () => first.output().includes('capture worker started'));

    const symlink = join(dir, 'link.sqlite');
    symlinkSync(config.sqlite.path, symlink);
    const hardLink = join(dir, 'hard.sqlite');
    linkSync(config.sqlite.path, hardLink);
    mkdirSync(join(dir, 'sub'));
    // Spelled out: join() would resolve the `..` itself.
    const dotDot = `${dir}/sub/../db.sqlite`;

    // Each with a port of its own (the OS picks), as a second worker on the same host would be;
    // started together, since each meets the first one's lock on its own.
    const seconds = [symlink, hardLink, dotDot].map((path) => ({
      path,
      second: start('cli', { ...env, OUTBOX_SQLITE_PATH: path }, ['capture']),
    }));
    for (const { path, second } of seconds) {
      const outcome = await Promise.race([second.exited, sleep(30_000).then(() => 'still running')]);
      expect(outcome, `a second capture worker through ${path}`).toBe(1);
      expect(second.output()).toContain(`another capture worker is already running for ${path}`);
    }
    expect(first.child.exitCode).toBeNull();
  });
});
