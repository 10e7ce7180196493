import type { Kafka, KafkaMessage } from 'kafkajs';
import kleur from 'kleur';

export interface PrintEventsOptions {
  kafka: Kafka;
  /** Names, or patterns matched against the topics that exist when it starts. */
  topics: readonly (string | RegExp)[];
  groupId: string;
  /** Read the topics from their beginning rather than only new events. @defaultValue false */
  fromBeginning?: boolean;
  write: (line: string) => void;
  colour?: boolean;
  /**
   * The consumer failed (kafkajs restarts it when `restart`): kafkajs' own lines are debug lines
   * (kafka-client.ts), so this is where a consumer stuck failing shows.
   */
  onCrash?: (error: Error, restart: boolean) => void;
}

/** One line per received event, the way the original demo's console consumer printed packets. */
export function formatEvent(topic: string, message: KafkaMessage, colour = false): string {
  const header = (name: string) => message.headers?.[name]?.toString() ?? '';
  const line = `Received packet: ${topic} key=${message.key?.toString() ?? ''} ${header('eventType')} ${message.value?.toString() ?? ''}`;
  return colour ? kleur.red(line) : line;
}

/** Starts a consumer that prints every event; resolves once it runs, returns a closer. */
export async function printEvents(options: PrintEventsOptions): Promise<{ close: () => Promise<void> }> {
  const consumer = options.kafka.consumer({ groupId: options.groupId });
  consumer.on(consumer.events.CRASH, ({ payload }) => options.onCrash?.(payload.error, payload.restart));
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
  await consumer.run({
    eachMessage: async ({ topic, message }) => options.write(formatEvent(topic, message, options.colour)),
  });
  return { close: () => consumer.disconnect() };
}
