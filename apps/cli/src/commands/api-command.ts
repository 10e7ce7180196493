import type { Config } from '@outbox/config';
import { ApiCallError, ConnectorApiClient } from '@outbox/rest-api/client';
import { runTask } from '@outbox/runtime';
import type { Env } from '../cli-args.ts';

/** One line of a command's output, on stdout. */
export const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** The REST API's path of a connector, e.g. `/connectors/users-outbox`. */
export const connectorPath = (connector: string): string => `/connectors/${encodeURIComponent(connector)}`;

/**
 * Runs one call against the REST API (the capture worker's). An API error or an unreachable API is
 * one clear line on stderr and exit 1, never a stack trace.
 */
export function runApiCommand(
  env: Env,
  name: string,
  call: (api: ConnectorApiClient, connector: string, config: Config) => Promise<number>,
): Promise<void> {
  return runTask({
    name,
    env,
    overrides: { 'log.level': 'warn' },
    run: async ({ config }) => {
      try {
        return await call(new ConnectorApiClient(config.api.url, config.http.token), config.connector.name, config);
      } catch (error) {
        if (!(error instanceof ApiCallError)) throw error;
        process.stderr.write(`outbox ${name}: ${error.message}\n`);
        return 1;
      }
    },
  });
}
