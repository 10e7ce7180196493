import type { OutboxRow, OutboxStore } from '@outbox/outbox-store';

const pageSize = 10_000;

/** Visits the outbox's rows in id order, a page at a time, until `visit` returns false. */
export function scanOutbox(store: Pick<OutboxStore, 'readAfter'>, visit: (row: OutboxRow) => boolean): void {
  for (let after = 0; ; ) {
    const rows = store.readAfter(after, pageSize);
    for (const row of rows) if (!visit(row)) return;
    const last = rows.at(-1)?.id;
    if (last === undefined) return;
    after = last;
  }
}

/** The lowest outbox id of each partition still in the outbox (null: none), reading no further than needed. */
export function oldestPerPartition(
  store: Pick<OutboxStore, 'readAfter'>,
  partitionOf: (aggregateId: string) => number,
  partitions: number,
): (number | null)[] {
  const oldest = new Array<number | null>(partitions).fill(null);
  let missing = partitions;
  scanOutbox(store, (row) => {
    const p = partitionOf(row.aggregateId);
    if (oldest[p] === null) {
      oldest[p] = row.id;
      missing -= 1;
    }
    return missing > 0;
  });
  return oldest;
}
