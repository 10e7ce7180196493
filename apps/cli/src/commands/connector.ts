import type { ConnectorStatus } from '@outbox/pipeline';
import type { Command } from 'commander';
import { type Env, wholeNumber } from '../cli-args.ts';
import { connectorOption, connectorPath as path, runApiCommand, say } from './api-command.ts';
import { connectorSummaries } from './connectors.ts';

/** `status`, `pause`, `resume` and `restart`: connectors through the REST API, like Kafka Connect's. */
export function registerConnectorCommands(program: Command, env: Env): void {
  program
    .command('status')
    .description('every connector: its state, the outbox, every partition with its owner and backlog, the publishers')
    .option('--connector <name>', 'only this connector (default: every one the worker runs)')
    .option('--json', "print one connector's status (--connector, default OUTBOX_CONNECTOR_NAME) as the REST API's JSON")
    .action((options: { json?: boolean; connector?: string }) =>
      runApiCommand(
        env,
        'status',
        async (api, connector) => {
          if (options.json) {
            say(JSON.stringify(await api.request<ConnectorStatus>('GET', `${path(connector)}/status`), null, 2));
            return 0;
          }
          const names = options.connector ? [options.connector] : await api.request<string[]>('GET', '/connectors');
          const summaries = await connectorSummaries(api, names);
          const { formatConnectors, formatStatus } = await import('@outbox/pipeline');
          // Several connectors: one line each first, then each in full.
          const blocks = summaries.length > 1 ? [formatConnectors(summaries)] : [];
          for (const summary of summaries) {
            if ('status' in summary) blocks.push(formatStatus(summary.status));
            else process.stderr.write(`outbox status: ${summary.error}\n`);
          }
          if (blocks.length > 0) say(blocks.join('\n\n'));
          return summaries.every((s) => 'status' in s) ? 0 : 1;
        },
        options.connector,
      ),
    );

  const stateChanges = [
    ['pause', 'stop publishing: publishers finish the job they hold and take no more until `resume`', 'paused'],
    ['resume', 'publish again after `pause`', 'resumed'],
  ] as const;
  for (const [name, description, done] of stateChanges) {
    program
      .command(name)
      .description(description)
      .addOption(connectorOption())
      .action((options: { connector?: string }) =>
        runApiCommand(
          env,
          name,
          async (api, connector) => {
            await api.request('PUT', `${path(connector)}/${name}`);
            say(`connector ${connector} ${done}`);
            return 0;
          },
          options.connector,
        ),
      );
  }

  program
    .command('restart')
    .description('try halted partitions again now, with full attempts, instead of at their next probe')
    .option('--partition <n>', 'only this partition', wholeNumber(0))
    .addOption(connectorOption())
    .action((options: { partition?: number; connector?: string }) =>
      runApiCommand(
        env,
        'restart',
        async (api, connector) => {
          const route = options.partition === undefined ? '/restart' : `/tasks/${options.partition}/restart`;
          const { restarted } = await api.request<{ restarted: number[] }>('POST', `${path(connector)}${route}`);
          say(restarted.length > 0 ? `restarted partitions ${restarted.join(', ')}` : 'no halted partition to restart');
          return 0;
        },
        options.connector,
      ),
    );
}
