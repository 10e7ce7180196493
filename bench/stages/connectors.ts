import { join } from 'node:path';
import { freshPipeline } from '../lib/bench-context.ts';
import { connectorSettingsFromEnv } from '../lib/connectors.ts';
import { appSettings } from '../lib/pipeline-run.ts';
import type { DrainVariant } from './drain.ts';

/**
 * The drain with three connectors at once on the same capture worker and publisher, laid out as
 * an application that adopts the outbox module by module would have them: the worker's own
 * connector on `users_outbox` and one created through the REST API on `orders_outbox` in the same
 * database (two modules of one service, each with its outbox table), and a third on
 * `payments_outbox` in a database of its own (another service). Two tables in one file is the case
 * that shares the most, SQLite's one writer lock included; the other database shows what a
 * connector that shares only the processes costs. Together they hold as many events as the plain
 * drain (the same user changes, split evenly), and each table's events go to a topic of its own.
 */
export const threeConnectors: DrainVariant = {
  label: '3 connectors (two tables in one database, one in another)',
  name: 'connectors-3',
  pipeline: async (context) => {
    const { id, env, dbPath, topicOf } = freshPipeline(context, 'connectors-3');
    const billing = join(context.infra.dir, `${id}-billing.sqlite`);
    // The same settings as the worker's own connector (BENCH_APP_ENV's too) but for database and table.
    const like = (sqlitePath: string, table: string) =>
      connectorSettingsFromEnv({ ...env, ...appSettings() }, { 'sqlite.path': sqlitePath, 'outbox.table': table });
    return {
      env,
      outboxes: [
        { dbPath, table: 'users_outbox', topic: topicOf('users') },
        { dbPath, table: 'orders_outbox', topic: topicOf('orders') },
        { dbPath: billing, table: 'payments_outbox', topic: topicOf('payments') },
      ],
      connectors: [
        { name: 'orders', settings: like(dbPath, 'orders_outbox') },
        { name: 'payments', settings: like(billing, 'payments_outbox') },
      ],
    };
  },
};
