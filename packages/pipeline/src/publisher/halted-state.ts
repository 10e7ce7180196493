import type { HaltedState } from '@outbox/queue';

/** Why a partition halted: the reason, the event it stopped at, and whether that event is poison. */
export type HaltCause = Pick<HaltedState, 'reason' | 'outboxId' | 'poison'>;

/** A halted partition as the publisher that halted it knows it. */
export interface HaltedPartition extends HaltCause {
  since: string;
  /** Probed with a single attempt; false once an operator restarted it, for the full budget again. */
  probing: boolean;
}
