import type { Config } from '@outbox/config';
import { type ConnectorStatus, formatStatus } from '@outbox/pipeline';
import { ApiCallError, ConnectorApiClient } from '@outbox/rest-api';
import { runTask } from '@outbox/runtime';
import type { Command } from 'commander';
import { type Env, wholeNumber } from '../program.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

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

/** `status`, `pause`, `resume` and `restart`: the connector through its REST API, like Kafka Connect's. */
export function registerConnectorCommands(program: Command, env: Env): void {
  const path = (connector: string) => `/connectors/${encodeURIComponent(connector)}`;

  program
    .command('status')
    .description('the connector: its state, the outbox, every partition with its owner and backlog, the publishers')
    .option('--json', "print the REST API's JSON for scripts")
    .action((options: { json?: boolean }) =>
      runApiCommand(env, 'status', async (api, connector) => {
        const status = await api.request<ConnectorStatus>('GET', `${path(connector)}/status`);
        say(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
        return 0;
      }),
    );

  program
    .command('pause')
    .description('stop publishing: publishers finish the job they hold and take no more until `resume`')
    .action(() =>
      runApiCommand(env, 'pause', async (api, connector) => {
        await api.request('PUT', `${path(connector)}/pause`);
        say(`connector ${connector} paused`);
        return 0;
      }),
    );

  program
    .command('resume')
    .description('publish again after `pause`')
    .action(() =>
      runApiCommand(env, 'resume', async (api, connector) => {
        await api.request('PUT', `${path(connector)}/resume`);
        say(`connector ${connector} resumed`);
        return 0;
      }),
    );

  program
    .command('restart')
    .description('try halted partitions again now, with full attempts, instead of at their next probe')
    .option('--partition <n>', 'only this partition', wholeNumber(0))
    .action((options: { partition?: number }) =>
      runApiCommand(env, 'restart', async (api, connector) => {
        const route = options.partition === undefined ? '/restart' : `/tasks/${options.partition}/restart`;
        const { restarted } = await api.request<{ restarted: number[] }>('POST', `${path(connector)}${route}`);
        say(restarted.length > 0 ? `restarted partitions ${restarted.join(', ')}` : 'no halted partition to restart');
        return 0;
      }),
    );
}
