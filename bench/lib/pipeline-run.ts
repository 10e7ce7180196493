import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '@outbox/infra';
import { type Database, migrateOutbox, openDatabase, readOutboxDepth } from '@outbox/outbox-store';
import { migrateUsers, UserService } from '@outbox/writer';

/**
 * Runs an app as a child process, its output discarded unless it fails. With BENCH_CPU_PROF=dir
 * set, each app writes a V8 CPU profile there when it exits (open it in Chrome DevTools). With
 * BENCH_APP_ENV set to a JSON object, every app gets those settings too: the same run with another
 * setting, for a before/after (e.g. `{"OUTBOX_MAX_JOBS_IN_FLIGHT_PER_PARTITION":"100000"}`).
 */
export function startApp(app: string, env: Record<string, string>): ChildProcess {
  const profileDir = process.env.BENCH_CPU_PROF;
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${app}-${Date.now()}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...profile, join(projectRoot, 'apps', app, 'src', 'main.ts')], {
    env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...env, ...appSettings() },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // `killed`: stopApp() signalled it, so its exit is expected.
  child.once('exit', (code, signal) => {
    if (!child.killed) unexpectedExits.push(`${app} exited (${signal ?? `code ${code}`}) before it was stopped`);
  });
  return child;
}

/** Apps that exited on their own (a bad setting, a crash): the waits below fail on them at once. */
const unexpectedExits: string[] = [];

/** The settings BENCH_APP_ENV gives every app (none when unset). */
export function appSettings(): Record<string, string> {
  const given = process.env.BENCH_APP_ENV;
  if (!given) return {};
  const problem = new Error(`BENCH_APP_ENV must be a JSON object of strings, e.g. {"OUTBOX_JOB_MAX_ROWS":"100"}; got ${given}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(given);
  } catch {
    throw problem;
  }
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string')) throw problem;
  return parsed as Record<string, string>;
}

export async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Rows to commit into one outbox table: `events` user changes. */
export interface OutboxFill {
  dbPath: string;
  table: string;
  events: number;
}

/**
 * Fills the outbox with `events` events over `aggregates` users: in transactions of 1,000 events
 * (filling is not what is measured), or in one transaction, so that they all appear at once.
 * Returns the committed event ids, in commit order, for the verifier.
 */
export function fillOutbox(
  dbPath: string,
  events: number,
  aggregates: number,
  options: { oneTransaction?: boolean } = {},
): string[] {
  return fillOutboxes([{ dbPath, table: 'users_outbox', events }], aggregates, options)[0] ?? [];
}

/**
 * Fills outbox tables, in order, with user changes over `aggregates` users per database (the same
 * events whatever the table, so that stages differ only in how many outboxes they read). With
 * `oneTransaction`, each database takes all its rows in one transaction, and the transactions are
 * committed one right after another once every table is filled, so that all the rows appear at
 * once. Returns each fill's committed event ids, in commit order, for the verifier.
 */
export function fillOutboxes(fills: OutboxFill[], aggregates: number, options: { oneTransaction?: boolean } = {}): string[][] {
  const databases = new Map<string, Database>();
  const open = (path: string) => {
    const known = databases.get(path);
    if (known) return known;
    const db = openDatabase(path, { synchronous: 'NORMAL' });
    databases.set(path, db);
    migrateUsers(db);
    return db;
  };
  try {
    const services = fills.map((fill) => {
      const db = open(fill.dbPath);
      migrateOutbox(db, fill.table);
      return { db, users: new UserService(db, fill.table) };
    });
    if (options.oneTransaction) for (const db of databases.values()) db.exec('BEGIN IMMEDIATE');
    const committed = fills.map((fill, f) => {
      const { db, users } = services[f] as (typeof services)[number];
      const ids: string[] = [];
      // Inside BEGIN these are savepoints, as the service's own transactions are inside them.
      const fillRange = db.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const id = 1 + (i % aggregates);
          const change = users.rename(id, `user-${i}`) ?? users.create(`user-${i}`);
          ids.push(change.eventId);
        }
      });
      for (let from = 0; from < fill.events; from += 1000) fillRange(from, Math.min(fill.events, from + 1000));
      return ids;
    });
    if (options.oneTransaction) for (const db of databases.values()) db.exec('COMMIT');
    return committed;
  } finally {
    for (const db of databases.values()) db.close();
  }
}

/** Polls until the outbox is empty; returns the seconds it took. */
export async function waitForEmptyOutbox(dbPath: string, startedAt: number, timeoutMs = 600_000): Promise<number> {
  const [seconds] = await waitForEmptyOutboxes([{ dbPath, table: 'users_outbox' }], startedAt, timeoutMs);
  return seconds ?? 0;
}

/** Polls until every one of the outboxes is empty; returns the seconds each took, in the order given. */
export async function waitForEmptyOutboxes(
  outboxes: { dbPath: string; table: string }[],
  startedAt: number,
  timeoutMs = 600_000,
): Promise<number[]> {
  const emptied: (number | undefined)[] = outboxes.map(() => undefined);
  for (;;) {
    for (const [i, o] of outboxes.entries()) {
      if (emptied[i] === undefined && readOutboxDepth(o.dbPath, o.table) === 0)
        emptied[i] = (performance.now() - startedAt) / 1000;
    }
    if (emptied.every((seconds) => seconds !== undefined)) return emptied.map((seconds) => seconds ?? 0);
    if (performance.now() - startedAt > timeoutMs) throw new Error('the outbox did not drain in time');
    // Otherwise the wait would last until its timeout, with nothing left to drain the outbox.
    if (unexpectedExits.length > 0) throw new Error(`the outbox cannot drain: ${unexpectedExits.join('; ')}`);
    await sleep(50);
  }
}
