import type { HeadResolution, PartitionOffset, RewindPlan } from '@outbox/pipeline';
import type { Command } from 'commander';
import { type Env, wholeNumber } from '../cli-args.ts';
import { connectorOption, connectorPath as path, runApiCommand, say } from './api-command.ts';

/** `offsets`, `offsets rewind` and `skip-head`: capture cursors and halted heads, like Kafka Connect's offsets API. */
export function registerOffsetCommands(program: Command, env: Env): void {
  const offsets = program
    .command('offsets')
    .description("each partition's capture cursor (last outbox id enqueued), rows in flight and oldest row in the outbox")
    .option('--json', "print the REST API's JSON for scripts")
    .addOption(connectorOption())
    .action((options: { json?: boolean; connector?: string }) =>
      runApiCommand(
        env,
        'offsets',
        async (api, connector) => {
          const result = await api.request<{ offsets: PartitionOffset[] }>('GET', `${path(connector)}/offsets`);
          const { formatOffsets } = await import('@outbox/pipeline');
          say(options.json ? JSON.stringify(result, null, 2) : formatOffsets(result.offsets));
          return 0;
        },
        options.connector,
      ),
    );

  offsets
    .command('rewind')
    .description("enqueue a partition's rows again from an outbox id, in order (only while the connector is paused)")
    .requiredOption('--partition <n>', 'the partition', wholeNumber(0))
    .option('--to <outboxId>', "the new cursor (default: just before the partition's oldest row in the outbox)", wholeNumber(0))
    .addOption(connectorOption())
    .action((_options: { partition: number; to?: number }, command: Command) => {
      // `offsets` has --connector too, and takes it wherever it stands on the command line.
      const options = command.optsWithGlobals<{ partition: number; to?: number; connector?: string }>();
      return runApiCommand(
        env,
        'offsets rewind',
        async (api, connector) => {
          const body = {
            offsets: [{ partition: options.partition, ...(options.to === undefined ? {} : { offset: options.to }) }],
          };
          const { rewound } = await api.request<{ rewound: RewindPlan[] }>('PATCH', `${path(connector)}/offsets`, body);
          for (const r of rewound)
            say(`partition ${r.partition}: cursor ${r.previous} → ${r.offset}; rows above it are enqueued again`);
          return 0;
        },
        options.connector,
      );
    });

  program
    .command('skip-head')
    .description('skip the event a HALTED partition stopped at (acknowledged, never sent), or dead-letter it')
    .requiredOption('--partition <n>', 'the halted partition', wholeNumber(0))
    .option('--dead-letter', 'send it to the dead-letter topic (error class MANUAL) instead of dropping it')
    .option('--reason <text>', 'why, kept in the logs and the dead letter')
    .option('--force', "even when the halt is not the event's fault (broker down, timeouts): the event may be healthy")
    .addOption(connectorOption())
    .action((options: { partition: number; deadLetter?: boolean; reason?: string; force?: boolean; connector?: string }) =>
      runApiCommand(
        env,
        'skip-head',
        async (api, connector) => {
          const body = {
            action: options.deadLetter ? 'dead-letter' : 'skip',
            ...(options.reason ? { reason: options.reason } : {}),
            ...(options.force ? { force: true } : {}),
          };
          const r = await api.request<HeadResolution>('POST', `${path(connector)}/tasks/${options.partition}/head`, body);
          const done = r.action === 'skip' ? 'skipped' : 'dead-lettered';
          say(
            `partition ${r.partition}: head event ${r.event.eventId} (outbox id ${r.event.outboxId}, ${r.event.eventType}) will be ${done}; partition restarted`,
          );
          return 0;
        },
        options.connector,
      ),
    );
}
