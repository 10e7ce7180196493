import type { ConnectorStatus } from '@outbox/pipeline';
import type { Command } from 'commander';
import { type Env, wholeNumber } from '../cli-args.ts';
import { connectorPath as path, runApiCommand, say } from './api-command.ts';

/** `status`, `pause`, `resume` and `restart`: the connector through its REST API, like Kafka Connect's. */
export function registerConnectorCommands(program: Command, env: Env): void {
  program
    .command('status')
    .description('the connector: its state, the outbox, every partition with its owner and backlog, the publishers')
    .option('--json', "print the REST API's JSON for scripts")
    .action((options: { json?: boolean }) =>
      runApiCommand(env, 'status', async (api, connector) => {
        const status = await api.request<ConnectorStatus>('GET', `${path(connector)}/status`);
        const { formatStatus } = await import('@outbox/pipeline');
        say(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
        return 0;
      }),
    );

  const stateChanges = [
    ['pause', 'stop publishing: publishers finish the job they hold and take no more until `resume`', 'paused'],
    ['resume', 'publish again after `pause`', 'resumed'],
  ] as const;
  for (const [name, description, done] of stateChanges) {
    program
      .command(name)
      .description(description)
      .action(() =>
        runApiCommand(env, name, async (api, connector) => {
          await api.request('PUT', `${path(connector)}/${name}`);
          say(`connector ${connector} ${done}`);
          return 0;
        }),
      );
  }

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
