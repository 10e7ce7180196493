import { openDatabase, quoteIdentifier } from '@outbox/outbox-store';
import { expect } from 'vitest';
import type { ChaosOutcome, ChaosRun, ChaosScenario } from '../harness/chaos-scenario.ts';

/** Values another app may store in the outbox (SQLite keeps any type in any column), as SQL. */
const kinds = {
  'blob JSON': { payload: "X'7B226F6464223A747275657D'", delivered: true }, // {"odd":true} as a BLOB
  'blob bytes': { payload: "X'FF00FE'", delivered: false }, // not UTF-8: dead-lettered
  'text bytes': { payload: "CAST(X'7B22FF227D' AS TEXT)", delivered: false }, // TEXT that is not UTF-8
} as const;
type Kind = keyof typeof kinds;

interface OddRow {
  eventId: string;
  kind: Kind;
}

/**
 * Rows with a BLOB payload, bytes that are not UTF-8, and TEXT that is not UTF-8, written at
 * random moments of the load for random users of it, between their healthy events: the ones that
 * can be carried as text are delivered, the others dead-lettered as INVALID_ROW, and no partition
 * stops.
 */
export function oddRows(count = 6): ChaosScenario {
  let written: OddRow[] = [];
  return {
    fault: 'rows with odd types (BLOB, not UTF-8)',
    inject: async (run) => {
      written = await writeOddRows(run, count);
      return Date.now();
    },
    check: (outcome) => expectOddRowsHandled(outcome, written),
  };
}

async function writeOddRows(run: ChaosRun, count: number): Promise<OddRow[]> {
  const names = Object.keys(kinds) as Kind[];
  const db = openDatabase(run.config.sqlite.path);
  const rows: OddRow[] = [];
  try {
    for (const [i, share] of run.randomMoments(count).entries()) {
      await run.untilWritten(share);
      const kind = names[i % names.length] ?? 'blob bytes';
      const eventId = `odd-${i}`;
      const aggregateId = String(1 + Math.floor(Math.random() * run.size.aggregates));
      db.prepare(
        `INSERT INTO ${quoteIdentifier(run.config.outbox.table)} (eventId, aggregateId, eventType, payload, occurredAt)
         VALUES (?, ?, 'UserRenamed', ${kinds[kind].payload}, strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
      ).run(eventId, aggregateId);
      rows.push({ eventId, kind });
    }
  } finally {
    db.close();
  }
  run.log(`${rows.length} odd rows written`);
  return rows;
}

function expectOddRowsHandled({ delivery }: ChaosOutcome, rows: readonly OddRow[]): void {
  const inTopic = new Map(delivery.events.map((event) => [event.headers.id, event]));
  const letters = new Map(delivery.deadLetters.map((letter) => [letter.headers.id, letter]));
  expect(rows.length).toBeGreaterThan(0);
  for (const { eventId, kind } of rows) {
    if (kinds[kind].delivered) {
      expect(inTopic.get(eventId)?.value, `${kind} ${eventId} in its topic`).toBe('{"odd":true}');
    } else {
      expect(letters.get(eventId)?.headers['__outbox.errors.class'], `${kind} ${eventId} dead-lettered`).toBe('INVALID_ROW');
    }
  }
}
