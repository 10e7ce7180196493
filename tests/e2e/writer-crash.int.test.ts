import { openDatabase } from '@outbox/outbox-store';
import { outboxDepth, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { describe, expect, it } from 'vitest';

const start = useApps();

/** Outbox rows committed so far (nothing reads them here), 0 before the writer made the table. */
function committedEvents(dbPath: string): number {
  try {
    return outboxDepth(dbPath);
  } catch {
    return 0;
  }
}

describe('a writer killed mid-load', () => {
  it('leaves every committed user with its outbox events and no event without its user', async () => {
    const { env, config } = testEnvironment();
    const load = start('cli', env, ['load', '--events', '1000000', '--aggregates', '500']);
    // Killed mid-load, past the 500 creates: after a count, not a delay, since a loaded machine
    // can take seconds just to start the process.
    await waitFor('the load to be past its creates', () => committedEvents(config.sqlite.path) > 2000, { timeoutMs: 60_000 });
    expect(await load.stop('SIGKILL')).toBe('SIGKILL');

    const db = openDatabase(config.sqlite.path);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      const users = count('SELECT count(*) AS n FROM users');
      const events = count('SELECT count(*) AS n FROM users_outbox');
      console.log(`writer SIGKILLed after committing ${users} users and ${events} events`);
      expect(events).toBeGreaterThan(users); // it got past the creates into the renames
      // Every user has its UserCreated event …
      expect(
        count(`SELECT count(*) AS n FROM users u WHERE NOT EXISTS (
                 SELECT 1 FROM users_outbox o WHERE o.aggregateId = CAST(u.id AS TEXT) AND o.eventType = 'UserCreated')`),
      ).toBe(0);
      // … no event is about a user that was never committed …
      expect(
        count(`SELECT count(*) AS n FROM users_outbox o WHERE NOT EXISTS (
                 SELECT 1 FROM users u WHERE CAST(u.id AS TEXT) = o.aggregateId)`),
      ).toBe(0);
      // … and each user's name is the one in its latest event: no rename committed without its event.
      expect(
        count(`SELECT count(*) AS n FROM users u WHERE u.name <> (
                 SELECT json_extract(o.payload, '$.name') FROM users_outbox o
                 WHERE o.aggregateId = CAST(u.id AS TEXT) ORDER BY o.id DESC LIMIT 1)`),
      ).toBe(0);
    } finally {
      db.close();
    }
  });
});
