import type { OutboxEvent } from './outbox-event.ts';

/**
 * What happens in the pipeline, for whoever watches it: metrics, alerts. Every method is optional
 * and must return quickly without throwing — observers never slow down or fail the pipeline.
 */
export interface PipelineObserver {
  /** The capture worker put rows of a partition into its queue. */
  enqueued?(partition: number, count: number): void;
  /** The capture worker deleted rows a publisher had acknowledged. */
  acknowledged?(count: number): void;
  /** A publisher got Kafka's ack for these events (in their topic or the dead-letter topic). */
  published?(partition: number, events: readonly OutboxEvent[], ackedAt: Date): void;
  /** A send failed and will be tried again after `delayMs`. */
  retried?(failure: { partition: number; errorType: string; message: string; attempt: number; delayMs: number }): void;
  /** An event went to the dead-letter topic. */
  deadLettered?(letter: { partition: number; event: OutboxEvent; errorType: string; message: string; dlqTopic: string }): void;
  /** A partition stopped: its attempts ran out or the error cannot be retried. */
  halted?(partition: number, reason: string): void;
  /** A halted partition delivered again. */
  resumed?(partition: number): void;
  /**
   * Exactly-once delivery: a partition's Kafka transaction ended — committed, aborted, or refused
   * because another publisher's producer fenced this one's.
   */
  transactionEnded?(partition: number, outcome: 'committed' | 'aborted' | 'fenced'): void;
  /** A worker loop failed (Redis or SQLite unreachable, …) and will try again. */
  errored?(failure: { component: string; errorType: string; message: string }): void;
}
