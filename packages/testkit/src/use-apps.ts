import { type OutboxTable, readOutboxDepth } from '@outbox/outbox-store';
import { afterEach } from 'vitest';
import { type AppProcess, spawnApp } from './spawn-app.ts';

/**
 * Returns a `start(app, env, args)` for the calling test file; every app it started is killed
 * after each test, so a failed test never leaves workers behind.
 */
export function useApps(): (app: string, env: Record<string, string>, args?: string[]) => AppProcess {
  const running: AppProcess[] = [];
  afterEach(async (context) => {
    const apps = running.splice(0);
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    // A failed test's report carries what its apps warned about, so a red CI run can be read
    // from its output alone (the test has failed already: this adds no failure of its own).
    if (context.task.result?.state !== 'fail') return;
    const warnings = apps.flatMap(lastWarnings);
    if (warnings.length > 0) throw new Error(`the apps' last warnings:\n${warnings.join('\n')}`);
  });
  return (app, env, args = []) => {
    const process = spawnApp(app, env, args);
    running.push(process);
    return process;
  };
}

const shownWarnings = 8;

/** The app's last warnings and errors (JSON log lines at level warn or above), each named by the app. */
function lastWarnings(app: AppProcess): string[] {
  const lines = app
    .output()
    .split('\n')
    .filter((line) => /"level":[4-6]\d/.test(line));
  return lines.slice(-shownWarnings).map((line) => `${app.name}: ${line.slice(0, 300)}`);
}

/** Rows still in the outbox. */
export function outboxDepth(dbPath: string, table: string | OutboxTable = 'users_outbox'): number {
  return readOutboxDepth(dbPath, table);
}
