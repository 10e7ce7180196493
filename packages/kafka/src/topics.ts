import { OutboxError } from '@outbox/errors';
import type { Admin } from 'kafkajs';

/** `outbox.event.{aggregateType}` → `outbox.event.users`. Characters Kafka rejects become `_`. */
export function topicFor(template: string, aggregateType: string): string {
  return template.replaceAll('{aggregateType}', aggregateType).replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Every topic a template can name, whatever the aggregate type. */
export function topicPattern(template: string): RegExp {
  const [before = '', after = ''] = template.split('{aggregateType}');
  const literal = (text: string) => topicFor(text, '').replace(/[.]/g, '\\.');
  return new RegExp(`^${literal(before)}[A-Za-z0-9._-]+${literal(after)}$`);
}

/**
 * The existing topics a template names, whatever the aggregate type — an outbox table with an
 * aggregate-type column has as many topics as types, known only from its rows — except those
 * `except` names (the dead-letter topics, when their template extends the events' one).
 */
export async function topicsOfTemplate(admin: Pick<Admin, 'listTopics'>, template: string, except?: string): Promise<string[]> {
  const wanted = topicPattern(template);
  const unwanted = except === undefined ? undefined : topicPattern(except);
  return (await admin.listTopics()).filter((topic) => wanted.test(topic) && !unwanted?.test(topic)).sort();
}

export interface EnsureTopicsOptions {
  create: boolean;
  partitions: number;
  /** -1 takes the broker's default. */
  replicationFactor: number;
}

/**
 * Makes sure the topics exist before anything is sent, so a typo in the template fails at start
 * rather than halting partitions later. With creation off, a missing topic is a clear error.
 */
export async function ensureTopics(admin: Admin, topics: readonly string[], options: EnsureTopicsOptions): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  if (!options.create) {
    throw new OutboxError(
      `Kafka topic(s) ${missing.join(', ')} do not exist and topic creation is off (OUTBOX_CREATE_TOPICS=false): create them, or turn creation on`,
      // Configuration, not a passing fault: start-up waits for a broker, not for an operator.
      { code: 'TOPIC_MISSING', retriable: false },
    );
  }
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: options.partitions,
      replicationFactor: options.replicationFactor,
    })),
  });
  return missing;
}
