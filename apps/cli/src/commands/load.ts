import { runTask } from '@outbox/runtime';
import type { Command } from 'commander';
import { type Env, wholeNumber } from '../cli-args.ts';

interface LoadFlags {
  events: number;
  aggregates: number;
  rate: number;
  url?: string;
  idsFile?: string;
  aggregateTypes?: string[];
}

export function registerLoadCommand(program: Command, env: Env): void {
  program
    .command('load')
    .description('write realistic traffic: users created, then renamed at random')
    .option('--events <n>', 'events to write', wholeNumber(1), 10_000)
    .option('--aggregates <k>', 'users to spread them over', wholeNumber(1), 100)
    .option('--rate <r>', 'events per second (0: as fast as possible)', wholeNumber(0), 0)
    .option('--url <url>', "write through a writer's HTTP API instead of the database file")
    .option('--ids-file <file>', 'write each committed event id to this file, one per line in commit order')
    .option(
      '--aggregate-types <types>',
      'spread the aggregates over these types (comma-separated), written straight into the outbox: needs OUTBOX_ROUTE_BY_FIELD',
      (value: string) =>
        value
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
    )
    .action((flags: LoadFlags) =>
      runTask({
        name: 'load',
        env,
        run: async ({ config, logger }) => {
          const [{ migrateOutbox, openDatabase }, { generateLoad, migrateUsers, UserService }] = await Promise.all([
            import('@outbox/outbox-store'),
            import('@outbox/writer'),
          ]);
          if (flags.aggregateTypes && (config.outbox.routeByField === undefined || flags.url)) {
            process.stderr.write(
              'load: --aggregate-types needs an outbox table with an aggregate-type column (OUTBOX_ROUTE_BY_FIELD) and no --url\n',
            );
            return 2;
          }
          if (flags.events < flags.aggregates) {
            process.stderr.write(`load: --events (${flags.events}) must be at least --aggregates (${flags.aggregates})\n`);
            return 2;
          }
          // Load goes into an existing outbox: a mistyped path must not fill a new database nobody tails.
          const db = flags.url ? undefined : openDatabase(config.sqlite.path, { ...config.sqlite, mustExist: true });
          if (db) {
            migrateUsers(db);
            migrateOutbox(db, config.outbox.shape);
          }
          const abort = new AbortController();
          process.once('SIGINT', () => abort.abort());
          process.once('SIGTERM', () => abort.abort());
          const result = await generateLoad({
            events: flags.events,
            aggregates: flags.aggregates,
            rate: flags.rate,
            url: flags.url,
            users: db && new UserService(db, config.outbox.table),
            typed: db && flags.aggregateTypes && { db, table: config.outbox.shape, types: flags.aggregateTypes },
            idsFile: flags.idsFile,
            signal: abort.signal,
            onProgress: (written) => logger.info({ written }, 'writing'),
          });
          db?.close();
          const rate = Math.round(result.written / Math.max(result.seconds, 0.001));
          logger.info({ written: result.written, seconds: result.seconds, eventsPerSecond: rate }, 'load written');
          process.stdout.write(
            `wrote ${result.written} events over ${result.userIds.length} users in ${result.seconds.toFixed(1)} s (${rate}/s)\n`,
          );
          return 0;
        },
      }),
    );
}
