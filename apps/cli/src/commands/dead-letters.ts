import type { DeadLetter, ReplayResult } from '@outbox/pipeline';
import type { Command } from 'commander';
import { type Env, wholeNumber } from '../cli-args.ts';
import { connectorOption, connectorPath, runApiCommand, say } from './api-command.ts';

/** `dlq list` and `dlq replay`: the dead-letter topic through the REST API. */
export function registerDeadLetterCommands(program: Command, env: Env): void {
  const path = (connector: string) => `${connectorPath(connector)}/dlq`;
  const dlq = program.command('dlq').description('dead letters: list them with their error, replay them to their topic');

  dlq
    .command('list')
    .description('the dead letters, oldest first, with their error and whether they were replayed')
    .option('--limit <n>', 'only the most recent n', wholeNumber(1))
    .option('--json', "print the REST API's JSON for scripts")
    .addOption(connectorOption())
    .action((options: { limit?: number; json?: boolean; connector?: string }) =>
      runApiCommand(
        env,
        'dlq list',
        async (api, connector) => {
          const query = options.limit === undefined ? '' : `?limit=${options.limit}`;
          const list = await api.request<{ total: number; deadLetters: DeadLetter[] }>('GET', `${path(connector)}${query}`);
          const { formatDeadLetters } = await import('@outbox/pipeline');
          say(options.json ? JSON.stringify(list, null, 2) : formatDeadLetters(list));
          return 0;
        },
        options.connector,
      ),
    );

  dlq
    .command('replay')
    .description('send dead letters back to their original topic, marked as replays (each only once)')
    .option('--id <eventId...>', 'the event ids (the `id` header) to replay')
    .option('--all', 'every dead letter not replayed yet')
    .addOption(connectorOption())
    .action((options: { id?: string[]; all?: boolean; connector?: string }, command: Command) => {
      if ((options.id === undefined) === (options.all === undefined)) {
        command.error('error: give either --id <eventId...> or --all', { exitCode: 2 });
      }
      return runApiCommand(
        env,
        'dlq replay',
        async (api, connector) => {
          const body = options.all ? { all: true } : { ids: options.id };
          const result = await api.request<ReplayResult>('POST', `${path(connector)}/replay`, body);
          for (const r of result.results) {
            if (r.outcome === 'REPLAYED') say(`replayed ${r.eventId} (outbox id ${r.outboxId}) to ${r.topic}`);
            else if (r.outcome === 'ALREADY_REPLAYED')
              say(`already replayed ${r.eventId} (outbox id ${r.outboxId}); not sent again`);
            else if (r.outcome === 'REPLAYED_UNRECORDED')
              say(
                `replayed ${r.eventId} (outbox id ${r.outboxId}) to ${r.topic}, NOT recorded (${r.error}): --all would send it again`,
              );
            else say(`FAILED ${r.eventId} (outbox id ${r.outboxId}): ${r.error}; left as it was`);
          }
          say(`${result.replayed} replayed, ${result.failed} failed`);
          // An unrecorded replay needs the operator's attention as much as a failed one.
          return result.results.some((r) => r.outcome === 'FAILED' || r.outcome === 'REPLAYED_UNRECORDED') ? 1 : 0;
        },
        options.connector,
      );
    });
}
