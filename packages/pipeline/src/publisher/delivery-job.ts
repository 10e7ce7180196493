import type { OutboxEvent } from '@outbox/contracts';
import type { EventSender } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import type { DeliveryProgress } from './delivery-progress.ts';

/** One job on its way to Kafka, and who logs about it; each event's type names its topic. */
export interface DeliveryJob {
  readonly partition: number;
  readonly log: Logger;
  /**
   * Aborted when this publisher lost the job's lock (another may be sending it now): no further
   * send is started, so the two cannot interleave beyond the send already in flight.
   */
  readonly lost?: AbortSignal;
  /**
   * What the job's events and dead letters are sent with: its partition's open transaction with
   * exactly-once delivery. @defaultValue the publisher's producer
   */
  readonly sender?: EventSender;
}

/**
 * An event an operator chose to skip or dead-letter (by outbox id), and what to do in its place.
 * The events before it are delivered first, the ones after it once `resolve` has returned; a dead
 * letter it sends is recorded in `progress`.
 */
export interface HeadResolver {
  outboxId: number;
  resolve(event: OutboxEvent, progress: DeliveryProgress): Promise<void>;
}
