import type { OutboxKey } from '@outbox/contracts';
import type { OutboxStore } from '@outbox/outbox-store';

const pageSize = 10_000;

export type KeyReader = Pick<OutboxStore, 'readKeysAfter'>;

/**
 * Visits the outbox's rows up to `upTo` in id order, a page at a time, until `visit` returns
 * false. Ids and aggregate ids only: it runs in the capture worker's exclusive section, where
 * reading payloads would hold capture up for nothing.
 */
export function scanOutbox(store: KeyReader, upTo: number, visit: (row: OutboxKey) => boolean): void {
  for (let after = 0; after < upTo; ) {
    const rows = store.readKeysAfter(after, upTo, pageSize);
    for (const row of rows) if (!visit(row)) return;
    const last = rows.at(-1)?.id;
    if (last === undefined) return;
    after = last;
  }
}

/**
 * Each partition's lowest outbox id still in the outbox at or below its cursor (null: none) — the
 * oldest row enqueued and not yet acknowledged. Rows above a cursor are not enqueued yet, so the
 * scan stops at the highest cursor, or sooner once every partition has one.
 */
export function oldestPerPartition(
  store: KeyReader,
  partitionOf: (aggregateId: string) => number,
  cursors: readonly number[],
): (number | null)[] {
  const oldest = new Array<number | null>(cursors.length).fill(null);
  let missing = cursors.length;
  scanOutbox(store, Math.max(0, ...cursors), (row) => {
    const p = partitionOf(row.aggregateId);
    if (oldest[p] === null && row.id <= (cursors[p] ?? 0)) {
      oldest[p] = row.id;
      missing -= 1;
    }
    return missing > 0;
  });
  return oldest;
}
