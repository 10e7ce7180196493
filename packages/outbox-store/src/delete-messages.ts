import type { OpenDatabaseOptions } from './open-database.ts';
import type { AckedEvent } from './outbox-store.ts';
import type { OutboxTable } from './outbox-table.ts';

/** What the deleting thread opens (see off-thread-deleter.ts). */
export interface DeleterSettings {
  path: string;
  table: string | OutboxTable;
  options: Pick<OpenDatabaseOptions, 'synchronous' | 'busyTimeoutMs'>;
}

/** A request to the deleting thread, answered by a {@link DeleteReply} with the same `seq`. */
export interface DeleteRequest {
  seq: number;
  acked: AckedEvent[];
  keepIds: number[];
}

export type DeleteReply = { seq: number; deleted: number[] } | { seq: number; error: { message: string; code?: string } };
