import type { OutboxRow } from '@outbox/contracts';
import { openDatabase, quoteIdentifier } from '@outbox/outbox-store';

export type CommittedEvent = OutboxRow;

/**
 * Copies every row committed to the outbox into an audit table by trigger, so a test knows
 * exactly what was committed even after the pipeline has deleted the rows.
 * Returns a reader of that audit table, in commit order.
 */
export function recordCommittedEvents(dbPath: string, table: string): () => CommittedEvent[] {
  const db = openDatabase(dbPath);
  const t = quoteIdentifier(table);
  db.exec(`CREATE TABLE IF NOT EXISTS test_committed AS SELECT * FROM ${t} WHERE 0`);
  db.exec(`CREATE TRIGGER IF NOT EXISTS test_record_committed AFTER INSERT ON ${t}
           BEGIN INSERT INTO test_committed SELECT * FROM ${t} WHERE id = NEW.id; END`);
  // Commit order is the audit table's own insertion order (its rowid), not the outbox id: an
  // explicit insert or a database restored from an older backup re-uses outbox ids.
  const read = db.prepare<[], CommittedEvent>('SELECT * FROM test_committed ORDER BY rowid');
  return () => read.all();
}
