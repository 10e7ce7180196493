import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrateOutbox, openDatabase } from '@outbox/outbox-store';
import { freePort, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { afterEach, describe, expect, it } from 'vitest';

const start = useApps();
const stackFrame = /\n\s+at .+/;

/** Mounts (read-only bind, small tmpfs) need CAP_SYS_ADMIN; without it those cases cannot be made as root. */
const mounted: string[] = [];
function mount(args: string[]): boolean {
  const result = spawnSync('mount', args, { stdio: 'ignore' });
  if (result.status === 0) mounted.push(args.at(-1) as string);
  return result.status === 0;
}
afterEach(() => {
  for (const dir of mounted.splice(0).reverse()) spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
});

/** What a start-up failure must look like: exit 3, one line, no stack frame. */
async function expectOneLine(app: ReturnType<typeof start>, ...expected: string[]): Promise<void> {
  expect(await app.exited).toBe(3);
  const output = app.output().trim();
  expect(output.split('\n'), output).toHaveLength(1);
  expect(output).not.toMatch(stackFrame);
  for (const text of expected) expect(output).toContain(text);
}

describe('a worker whose stdout is a broken pipe', () => {
  it('still stops promptly on SIGTERM', async () => {
    const { env } = testEnvironment({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const capture = start('capture-worker', env);
    await waitFor('the first log lines', () => capture.output().includes('is unreachable'), { timeoutMs: 30_000 });
    // The reader goes away, as `| head -c …` does: every later write fails with EPIPE.
    capture.child.stdout?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stoppedAt = Date.now();
    capture.child.kill('SIGTERM');
    const exit = await Promise.race([capture.exited, new Promise((resolve) => setTimeout(() => resolve('hung'), 8000))]);
    expect(exit).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(8000);
  });
});

describe('a mistyped database path', () => {
  it('stops the capture worker and the load generator with one line naming it, and creates nothing', async () => {
    const { env, config, dir } = testEnvironment({}, { database: false });
    const path = config.sqlite.path;
    await expectOneLine(start('capture-worker', env), `capture-worker: cannot start: the database ${path} does not exist`);
    await expectOneLine(
      start('cli', env, ['load', '--events', '10', '--aggregates', '2']),
      `the database ${path} does not exist`,
    );
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets the writer create it', async () => {
    const { env, config } = testEnvironment({}, { database: false });
    const writer = start('writer', env);
    await waitFor('the writer', () => existsSync(config.sqlite.path) && writer.output().includes('listening'), {
      timeoutMs: 30_000,
    });
  });
});

describe('start-up failures', () => {
  it('a missing database directory: one line naming the path, exit 3', async () => {
    const { env, dir } = testEnvironment();
    const path = join(dir, 'missing', 'db.sqlite');
    await expectOneLine(start('writer', { ...env, OUTBOX_SQLITE_PATH: path }), `writer: cannot start:`, path);
  });

  it('a missing --ids-file directory: one line naming the file, exit 3', async () => {
    const { env, dir } = testEnvironment();
    const idsFile = join(dir, 'missing', 'ids.txt');
    await expectOneLine(start('cli', env, ['load', '--events', '10', '--aggregates', '2', '--ids-file', idsFile]), idsFile);
  });

  it('a database path under a regular file: one line, exit 3', async () => {
    const { env, dir } = testEnvironment();
    writeFileSync(join(dir, 'file'), 'not a directory');
    const path = join(dir, 'file', 'db.sqlite');
    await expectOneLine(start('writer', { ...env, OUTBOX_SQLITE_PATH: path }), path);
  });

  it('a read-only database: one line naming the path, exit 3', async (context) => {
    const { env, dir } = testEnvironment();
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    const db = openDatabase(join(ro, 'db.sqlite'));
    migrateOutbox(db, 'users_outbox');
    db.close();
    // chmod does not stop root; a read-only bind mount does.
    if (!mount(['--bind', ro, ro]) || spawnSync('mount', ['-o', 'remount,ro,bind', ro]).status !== 0)
      return context.skip('cannot mount here');
    const path = join(ro, 'db.sqlite');
    await expectOneLine(start('writer', { ...env, OUTBOX_SQLITE_PATH: path }), `writer: cannot start:`, path);
    await expectOneLine(start('capture-worker', { ...env, OUTBOX_SQLITE_PATH: path }), path);
  });

  it('a full disk: one line naming the path, exit 3', async (context) => {
    const { env, dir } = testEnvironment();
    const full = join(dir, 'full');
    mkdirSync(full);
    if (!mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full])) return context.skip('cannot mount here');
    // Fill it: the database's first pages and its WAL find no room.
    spawnSync('dd', ['if=/dev/zero', `of=${join(full, 'filler')}`, 'bs=4k', 'count=100'], { stdio: 'ignore' });
    const path = join(full, 'db.sqlite');
    await expectOneLine(start('writer', { ...env, OUTBOX_SQLITE_PATH: path }), `writer: cannot start:`, path);
  });
});
