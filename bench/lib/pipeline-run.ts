import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '@outbox/infra';
import { migrateOutbox, openDatabase, readOutboxDepth } from '@outbox/outbox-store';
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
  return child;
}

function appSettings(): Record<string, string> {
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
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
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
  const db = openDatabase(dbPath, { synchronous: 'NORMAL' });
  migrateUsers(db);
  migrateOutbox(db, 'users_outbox');
  const users = new UserService(db, 'users_outbox');
  const existing = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  const committed: string[] = [];
  // The service's own transactions nest inside these as savepoints.
  const fill = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const change =
        i < aggregates && existing === 0 ? users.create(`user-${i}`) : users.rename(1 + (i % aggregates), `user-${i}`);
      if (change) committed.push(change.eventId);
    }
  });
  const step = options.oneTransaction ? events : 1000;
  for (let from = 0; from < events; from += step) fill(from, Math.min(events, from + step));
  db.close();
  return committed;
}

export function outboxDepth(dbPath: string): number {
  return readOutboxDepth(dbPath, 'users_outbox');
}

/** Polls until the outbox is empty; returns the seconds it took. */
export async function waitForEmptyOutbox(dbPath: string, startedAt: number, timeoutMs = 600_000): Promise<number> {
  while (outboxDepth(dbPath) > 0) {
    if (performance.now() - startedAt > timeoutMs) throw new Error('the outbox did not drain in time');
    await sleep(50);
  }
  return (performance.now() - startedAt) / 1000;
}
