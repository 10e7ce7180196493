import type { RedisClient } from '@outbox/queue';

/**
 * What an operator asked done with the head event of a halted partition: acknowledge it without
 * sending (`skip`) or send it to the dead-letter topic with error class MANUAL (`dead-letter`).
 * It names the event's outbox id, so it never applies to any other event.
 */
export interface HeadAction {
  action: 'skip' | 'dead-letter';
  outboxId: number;
  eventId: string;
  reason: string | null;
  requestedBy: string | null;
  requestedAt: string;
}

/** Kept in a Redis hash (PipelineNames.headActions) until the publisher has acknowledged the job. */
export async function requestHeadAction(redis: RedisClient, key: string, partition: number, action: HeadAction): Promise<void> {
  await redis.hset(key, String(partition), JSON.stringify(action));
}

export async function readHeadAction(redis: RedisClient, key: string, partition: number): Promise<HeadAction | null> {
  const text = await redis.hget(key, String(partition));
  return text ? (JSON.parse(text) as HeadAction) : null;
}

export async function clearHeadAction(redis: RedisClient, key: string, partition: number): Promise<void> {
  await redis.hdel(key, String(partition));
}
