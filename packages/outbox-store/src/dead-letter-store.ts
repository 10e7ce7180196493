import { quoteIdentifier } from './identifiers.ts';
import type { Database } from './open-database.ts';

/** A dead letter an operator sent back to its original topic. */
export interface DeadLetterReplay {
  eventId: string;
  outboxId: number;
  /** Where it was replayed to. */
  topic: string;
  replayedAt: string;
  /** Who asked for it, as the REST API saw them (their address). */
  replayedBy: string | null;
}

/** The SQLite side of dead letters: payloads Kafka has no copy of, and the replays done. */
export interface DeadLetterStore {
  /** The payload kept for an event dead-lettered without its value, if it is kept. */
  keptPayload(outboxId: number): { eventId: string; payload: string } | undefined;
  /** Every replay, by event id. */
  replays(): Map<string, DeadLetterReplay>;
  /**
   * Records a replay and drops the payload kept for it, if any, in one transaction: a replayed
   * dead letter is never sent again, and its payload is in its topic now.
   */
  recordReplay(replay: DeadLetterReplay): void;
}

/** Queries on `<table>_dead_letters` and `<table>_dlq_replays` (see migrateOutbox). */
export function createDeadLetterStore(db: Database, table: string): DeadLetterStore {
  const deadLetters = quoteIdentifier(`${table}_dead_letters`);
  const kept = db.prepare<[number], { eventId: string; payload: string }>(
    `SELECT eventId, payload FROM ${deadLetters} WHERE id = ?`,
  );
  const dropKept = db.prepare<[number, string]>(`DELETE FROM ${deadLetters} WHERE id = ? AND eventId = ?`);
  const replays = quoteIdentifier(`${table}_dlq_replays`);
  const all = db.prepare<[], DeadLetterReplay>(`SELECT eventId, outboxId, topic, replayedAt, replayedBy FROM ${replays}`);
  const record = db.prepare<[string, number, string, string, string | null]>(
    `INSERT OR REPLACE INTO ${replays} (eventId, outboxId, topic, replayedAt, replayedBy) VALUES (?, ?, ?, ?, ?)`,
  );
  return {
    keptPayload: (outboxId) => kept.get(outboxId),
    replays: () => new Map(all.all().map((r) => [r.eventId, r])),
    recordReplay: db.transaction((r: DeadLetterReplay) => {
      record.run(r.eventId, r.outboxId, r.topic, r.replayedAt, r.replayedBy);
      dropKept.run(r.outboxId, r.eventId);
    }),
  };
}
