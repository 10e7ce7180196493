import { buildService, runMain } from '@outbox/runtime';
import type { Command } from 'commander';
import type { Env } from '../cli-args.ts';
import { infraDefaults } from '../infra-defaults.ts';
import { demoOrders } from './demo-orders.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * The original demo, done properly: Kafka and Redis up, then writer, capture, publisher and the
 * console consumer in one process; the sample users are written through the HTTP API and their
 * events printed as they arrive from Kafka. Beside them, an `orders` connector created through the
 * REST API captures a second outbox table of the same database, and a few orders' events are
 * printed too: two aggregate types through one fleet. Ctrl-C drains and stops everything.
 */
export function registerDemoCommand(program: Command, env: Env): void {
  program
    .command('demo')
    .description('everything at once on the local defaults: sample users and orders written, events printed')
    .action(async () => {
      const [{ infraUp }, { createConsumerService }, { createCaptureService, createPublisherService }, writer] =
        await Promise.all([
          import('@outbox/infra'),
          import('@outbox/kafka'),
          import('@outbox/services'),
          import('@outbox/writer'),
        ]);
      const { createWriterService, sampleUsers } = writer;
      const state = await infraUp({ redisUrl: env.REDIS_URL, log: say });
      await runMain({
        name: 'demo',
        env: { LOG_LEVEL: 'warn', ...env },
        overrides: infraDefaults(env, state),
        start: async (context) => {
          return buildService(async (releasers) => {
            // The demo starts from nothing: its capture worker may create the database.
            const capture = await createCaptureService(context, { createDatabase: true });
            releasers.add('capture', () => capture.close());
            // One process runs both: the publisher's HTTP server takes a free port, not the capture's.
            const { config } = context;
            const publisher = await createPublisherService({
              ...context,
              config: { ...config, http: { ...config.http, port: 0 } },
            });
            releasers.add('publisher', () => publisher.close());
            const orders = await demoOrders(context, capture.httpUrl);
            const consumer = await createConsumerService(context, {
              groupId: `${context.config.connector.name}-demo-console`,
              fromBeginning: true,
              write: say,
              colour: process.stdout.isTTY,
              topics: [orders.usersTopic, orders.topic],
            });
            releasers.add('consumer', () => consumer.close());
            const writer = await createWriterService(context);
            releasers.add('writer', () => writer.close());

            const userIds: number[] = [];
            for (const name of sampleUsers) {
              const response = await fetch(`${writer.url}/users`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ name }),
              });
              userIds.push(((await response.json()) as { id: number }).id);
            }
            say(`wrote ${sampleUsers.length} sample users; their events follow as Kafka delivers them.`);
            say(orders.place(userIds));
            say(
              `writer API: ${writer.url}   try: curl -X POST ${writer.url}/users -H 'content-type: application/json' -d '{"name":"Zoe"}'`,
            );
            say(
              `status page: ${capture.httpUrl}/ui/   REST API: ${capture.httpUrl}/connectors/${context.config.connector.name}/status`,
            );
            say(`connectors: ${capture.httpUrl}/connectors   try: pnpm outbox connectors list`);
            say('Ctrl-C stops everything (the database and the broker keep their data).');
            return {};
          });
        },
      });
    });
}
