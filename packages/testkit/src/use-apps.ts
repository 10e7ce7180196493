import { type OutboxTable, readOutboxDepth } from '@outbox/outbox-store';
import { afterEach } from 'vitest';
import { type AppProcess, spawnApp } from './spawn-app.ts';

/**
 * Returns a `start(app, env, args)` for the calling test file; every app it started is killed
 * after each test, so a failed test never leaves workers behind.
 */
export function useApps(): (app: string, env: Record<string, string>, args?: string[]) => AppProcess {
  const running: AppProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop('SIGKILL')));
  });
  return (app, env, args = []) => {
    const process = spawnApp(app, env, args);
    running.push(process);
    return process;
  };
}

/** Rows still in the outbox. */
export function outboxDepth(dbPath: string, table: string | OutboxTable = 'users_outbox'): number {
  return readOutboxDepth(dbPath, table);
}
