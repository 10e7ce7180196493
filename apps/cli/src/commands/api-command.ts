import type { Config } from '@outbox/config';
import { ApiCallError, ConnectorApiClient } from '@outbox/rest-api/client';
import { runTask } from '@outbox/runtime';
import { Option } from 'commander';
import type { Env } from '../cli-args.ts';

/** One line of a command's output, on stdout. */
export const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** The REST API's path of a connector, e.g. `/connectors/users-outbox`. */
export const connectorPath = (connector: string): string => `/connectors/${encodeURIComponent(connector)}`;

/** `--connector <name>`: which of the worker's connectors a command acts on. */
export const connectorOption = (): Option =>
  new Option('--connector <name>', "the connector (default: OUTBOX_CONNECTOR_NAME, the worker's own)");

/**
 * Runs one call against the REST API (the capture worker's), for `connector` (default: the one the
 * config names). An API error or an unreachable API is one clear line on stderr and exit 1, never a
 * stack trace.
 */
export function runApiCommand(
  env: Env,
  name: string,
  call: (api: ConnectorApiClient, connector: string, config: Config) => Promise<number>,
  connector?: string,
): Promise<void> {
  return runTask({
    name,
    env,
    overrides: { 'log.level': 'warn' },
    run: async ({ config }) => {
      try {
        const api = new ConnectorApiClient(config.api.url, config.http.token);
        return await call(api, connector ?? config.connector.name, config);
      } catch (error) {
        if (!(error instanceof ApiCallError)) throw error;
        process.stderr.write(`outbox ${name}: ${error.message}\n`);
        return 1;
      }
    },
  });
}
