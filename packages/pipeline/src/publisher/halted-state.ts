import type { RedisClient } from '@outbox/queue';
import { z } from 'zod';

const haltedState = z.object({
  reason: z.string(),
  publisher: z.string(),
  since: z.string(),
  /**
   * The event the partition stopped at: the poison one, or the first one of the send that failed.
   * Earlier events of its job were delivered. Null when it is not known (an unexpected error).
   */
  outboxId: z.number().int().positive().nullable().default(null),
  /**
   * Kafka refused the event itself (too large, not JSON): no retry will get it through. Otherwise
   * the cause may go away (broker down), and skipping the event would drop a healthy one.
   */
  poison: z.boolean().default(false),
});

/** Why a partition is halted, as the publisher that halted it keeps it in PipelineNames.halted. */
export type HaltedState = z.infer<typeof haltedState>;

/** Why a partition halted: the reason, the event it stopped at, and whether that event is poison. */
export type HaltCause = Pick<HaltedState, 'reason' | 'outboxId' | 'poison'>;

/** A halted partition as the publisher that halted it knows it. */
export interface HaltedPartition extends HaltCause {
  since: string;
  /** Probed with a single attempt; false once an operator restarted it, for the full budget again. */
  probing: boolean;
}

export async function writeHaltedState(redis: RedisClient, key: string, partition: number, state: HaltedState): Promise<void> {
  await redis.hset(key, String(partition), JSON.stringify(state));
}

/**
 * A halted-state entry as written by {@link writeHaltedState}. An entry this version cannot read
 * still means halted, with its event unknown and not known to be poison.
 */
export function parseHaltedState(text: string): HaltedState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = haltedState.safeParse(json);
  return parsed.success ? parsed.data : { reason: text, publisher: 'unknown', since: '', outboxId: null, poison: false };
}

/** The partition's halted state, or null when it is not halted. */
export async function readHaltedState(redis: RedisClient, key: string, partition: number): Promise<HaltedState | null> {
  const text = await redis.hget(key, String(partition));
  return text ? parseHaltedState(text) : null;
}
