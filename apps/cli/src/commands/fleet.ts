import type { TopicRecord } from '@outbox/kafka';
import { runTask } from '@outbox/runtime';
import { type Command, Option } from 'commander';
import type { Env } from '../cli-args.ts';
import { infraDefaults } from '../infra-defaults.ts';

const quiet = { 'log.level': 'warn' };

/** `verify`: audits what the pipeline put in Kafka. */
export function registerFleetCommands(program: Command, env: Env): void {
  program
    .command('verify')
    .description('audit the topics: lost, duplicated and out-of-order events per aggregate')
    .option(
      '--ids-file <file>',
      'committed event ids in commit order, one per line (as `load --ids-file` writes them), to find lost events',
    )
    .option('--topic <topic...>', "topics to read (default: the connector's topic)")
    .addOption(
      new Option(
        '--isolation <level>',
        'read_committed leaves out aborted Kafka transactions, as consumers do; read_uncommitted reads them too',
      )
        .choices(['read_committed', 'read_uncommitted'] as const)
        .default('read_committed'),
    )
    .option('--json', 'print JSON for scripts')
    .action((options: { idsFile?: string; topic?: string[]; isolation: 'read_committed' | 'read_uncommitted'; json?: boolean }) =>
      runTask({
        name: 'verify',
        env,
        overrides: { ...quiet, ...infraDefaults(env) },
        run: async ({ config, logger }) => {
          const [{ createKafka, securityFailure, topicFor, topicsOfTemplate }, verifier] = await Promise.all([
            import('@outbox/kafka'),
            import('@outbox/verifier'),
          ]);
          const { formatReport, readIdsFile, readTopicsToEnd, toVerifiedEvents, verifyEvents } = verifier;
          const committed = options.idsFile ? readIdsFile(options.idsFile) : undefined;
          const { isolation } = options;
          const kafka = createKafka(config.kafka, logger);
          const { topicTemplate, dlqTopicTemplate } = config.kafka;
          // A table with an aggregate-type column has a topic per type: all of them are audited.
          const routed = config.outbox.routeByField !== undefined;
          const topicsOf = async (template: string, except?: string) => {
            if (!routed) return [topicFor(template, config.outbox.aggregateType)];
            const admin = kafka.admin();
            await admin.connect();
            try {
              return await topicsOfTemplate(admin, template, except);
            } finally {
              await admin.disconnect();
            }
          };
          const progress = (n: number) => process.stderr.isTTY && process.stderr.write(`\rread ${n} records`);
          let records: TopicRecord[];
          try {
            const topics = options.topic ?? (await topicsOf(topicTemplate, dlqTopicTemplate));
            if (topics.length === 0)
              throw Object.assign(new Error(`no topic matches ${topicTemplate}`), { code: 'TOPIC_MISSING' });
            records = await readTopicsToEnd(kafka, topics, { onProgress: progress, requireTopics: true, isolation });
          } catch (error) {
            // A refused login or TLS handshake is one line and exit 3, as in the workers.
            if ((error as { code?: unknown }).code !== 'TOPIC_MISSING')
              throw (await securityFailure(error, config.kafka)) ?? error;
            process.stderr.write(`verify: ${(error as Error).message}: nothing to audit\n`);
            return 1;
          }
          const events = toVerifiedEvents(records);
          const deadLetters = toVerifiedEvents(await readTopicsToEnd(kafka, await topicsOf(dlqTopicTemplate), { isolation }));
          if (process.stderr.isTTY) process.stderr.write('\n');
          const report = verifyEvents({ events, deadLetters, committed });
          process.stdout.write(
            `${options.json ? JSON.stringify({ isolation, ...report }, null, 2) : formatReport(report, { isolation })}\n`,
          );
          return report.lost.length > 0 || report.outOfOrder > 0 ? 1 : 0;
        },
      }),
    );
}
