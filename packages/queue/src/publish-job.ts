import type { OutboxRow } from '@outbox/contracts';
import { fnv1a } from './partitioning.ts';

/**
 * Deterministic, so re-enqueueing exactly the same rows while the job still exists is a no-op.
 * BullMQ silently keeps the existing job on an id clash, so the id names the whole content: the
 * first and last rows (a re-read after a crash may group more rows behind the same first one) and
 * the epoch (a stale job of the old epoch must not swallow the new epoch's job for the same rows).
 * Otherwise the swallowed rows would never be sent. The events' own ids are hashed in too: an
 * outbox id can name another event later (an explicit id, a database restored from an older
 * copy), and its job must not be swallowed by a waiting job of the event that had the id before.
 * BullMQ job ids may not contain `:` nor be all digits.
 */
export function publishJobId(partition: number, events: readonly Pick<OutboxRow, 'id' | 'eventId'>[], epoch: string): string {
  const first = events[0];
  const last = events.at(-1);
  const content = fnv1a(`${first?.eventId}/${last?.eventId}`).toString(16).padStart(8, '0');
  return `p${partition}-${first?.id ?? 0}-${last?.id ?? 0}-${epoch.slice(0, 8)}-${content}`;
}
