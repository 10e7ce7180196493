import { toVerifiedEvents, type VerifyReport, verifyEvents } from '@outbox/verifier';
import { type ReceivedEvent, readTopic } from './read-topic.ts';

export interface DeliveryAudit {
  /** The verifier's report over the event topic and the dead-letter topic. */
  report: VerifyReport;
  events: ReceivedEvent[];
  deadLetters: ReceivedEvent[];
}

/**
 * What `outbox verify --ids-file` checks, for a test: reads the event topic and its dead-letter
 * topic to their end and audits them against the committed event ids, in commit order.
 */
export async function auditDelivery(options: {
  brokers: string[];
  topic: string;
  dlqTopic: string;
  committed: readonly string[];
  /** How the topics are read. @defaultValue 'read_committed' */
  isolation?: 'read_committed' | 'read_uncommitted';
}): Promise<DeliveryAudit> {
  const [events, deadLetters] = await Promise.all([
    readTopic(options.brokers, options.topic, options.isolation),
    readTopic(options.brokers, options.dlqTopic, options.isolation),
  ]);
  const report = verifyEvents({
    events: toVerifiedEvents(events),
    deadLetters: toVerifiedEvents(deadLetters),
    committed: options.committed,
  });
  return { report, events, deadLetters };
}
