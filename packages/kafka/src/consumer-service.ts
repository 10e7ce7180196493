import type { Config } from '@outbox/config';
import type { Logger } from '@outbox/logger';
import { connectWithRetry, createKafka } from './kafka-client.ts';
import { printEvents } from './print-events.ts';
import { topicFor, topicPattern } from './topics.ts';

export interface ConsumerServiceOptions {
  /** Consumer group; the default lets a restarted console consumer continue where it stopped. */
  groupId?: string;
  fromBeginning?: boolean;
  write: (line: string) => void;
  colour?: boolean;
  /**
   * The topics to print, names or patterns of topics that exist when it starts.
   * @defaultValue the connector's topic (every type's, with an aggregate-type column)
   */
  topics?: readonly (string | RegExp)[];
}

/** The console consumer of the original demo: prints every event of the connector's topic (or of `topics`). */
export async function createConsumerService(
  { config, logger }: { config: Config; logger: Logger },
  options: ConsumerServiceOptions,
): Promise<{ close: () => Promise<void> }> {
  const kafka = createKafka(config.kafka, logger);
  // A table with an aggregate-type column has a topic per type: every one, present and to come.
  const topics = options.topics ?? [
    config.outbox.routeByField === undefined
      ? topicFor(config.kafka.topicTemplate, config.outbox.aggregateType)
      : topicPattern(config.kafka.topicTemplate),
  ];
  let printer: { close: () => Promise<void> } | undefined;
  await connectWithRetry(
    'consumer',
    async () => {
      printer = await printEvents({
        kafka,
        topics,
        groupId: options.groupId ?? `${config.connector.name}-console`,
        fromBeginning: options.fromBeginning,
        write: options.write,
        colour: options.colour,
        onCrash: (error, restart) =>
          logger.warn({ err: error, restart }, `the consumer failed${restart ? ', restarting' : ''}: ${error.message}`),
      });
    },
    { kafka: config.kafka, logger },
  );
  logger.info({ topics: topics.map(String) }, `printing events of ${topics.join(', ')}`);
  return { close: async () => printer?.close() };
}
