import { runMain } from '@outbox/runtime';
import type { Command } from 'commander';
import { type Env, wholeNumber } from '../cli-args.ts';
import { infraDefaults } from '../infra-defaults.ts';

/**
 * One command per app; each runs exactly what `apps/<name>/src/main.ts` runs, and loads only what
 * that app loads (a publisher no SQLite or REST API code): implementations are imported when run.
 */
export function registerServiceCommands(program: Command, env: Env): void {
  program
    .command('writer')
    .description('the HTTP API that writes users and their outbox events')
    .option('--port <port>', 'listen on this port (default: a free one)', wholeNumber(0))
    .action(async (options: { port?: number }) => {
      const { createWriterService } = await import('@outbox/writer');
      await runMain({
        name: 'writer',
        env,
        overrides: { ...infraDefaults(env), 'writer.port': options.port },
        start: createWriterService,
      });
    });
  program
    .command('capture')
    .description('tail the outbox into BullMQ queues and delete acknowledged rows (one per database)')
    .action(async () => {
      const { createCaptureService } = await import('@outbox/services/capture');
      await runMain({ name: 'capture-worker', env, overrides: infraDefaults(env), start: createCaptureService });
    });
  program
    .command('publisher')
    .description('send queued events to Kafka and acknowledge them (run as many as you like)')
    .action(async () => {
      const { createPublisherService } = await import('@outbox/services/publisher');
      await runMain({ name: 'publisher-worker', env, overrides: infraDefaults(env), start: createPublisherService });
    });
  program
    .command('consume')
    .description("print every event of the connector's topic, like the original demo's consumer")
    .option('--from-beginning', 'start at the oldest event rather than the newest')
    .option('--group <id>', 'consumer group id')
    .action(async (options: { fromBeginning?: boolean; group?: string }) => {
      const { createConsumerService } = await import('@outbox/kafka');
      await runMain({
        name: 'consumer',
        env,
        overrides: infraDefaults(env),
        start: (context) =>
          createConsumerService(context, {
            fromBeginning: options.fromBeginning,
            groupId: options.group,
            write: (line) => process.stdout.write(`${line}\n`),
            colour: process.stdout.isTTY,
          }),
      });
    });
}
