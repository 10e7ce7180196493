import type { AppProcess } from './spawn-app.ts';
import { waitFor } from './wait-for.ts';

/**
 * The URL a worker's HTTP server listens on, read from its start-up log line: tests run workers
 * with OUTBOX_HTTP_PORT=0 so that nothing collides, and the OS picks the port.
 */
export async function httpUrlOf(app: AppProcess): Promise<string> {
  const level = app.env.LOG_LEVEL ?? 'info';
  if (!['trace', 'debug', 'info'].includes(level)) {
    throw new Error(`httpUrlOf reads the info line with the URL: start the worker with LOG_LEVEL=info, not ${level}`);
  }
  return waitFor(
    'the HTTP server to listen',
    () => /"url":"(http:\/\/[^"]+)"[^\n]*HTTP server listening/.exec(app.output())?.[1] ?? undefined,
    { timeoutMs: 60_000 },
  );
}
