import { createLogger } from '@outbox/logger';
import { openDatabase } from '@outbox/outbox-store';
import { createRedisClient, partitionOf, pipelineNames } from '@outbox/queue';
import { auditDelivery, httpUrlOf, outboxDepth, readTopic, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { createWriterService } from '@outbox/writer';
import { describe, expect, it } from 'vitest';

const start = useApps();

/**
 * Rows as another app may write them: SQLite keeps any type in any column. Each is [event id,
 * the SQL values of aggregateId, payload, traceparent], and whether it can go to its topic.
 */
const oddRows = [
  ['blob-json', "'agg-odd'", "X'7B7D'", 'NULL', true], // the user's report: a BLOB holding "{}"
  ['healthy-1', "'agg-odd'", '\'{"n":1}\'', 'NULL', true],
  ['blob-bytes', "'agg-odd'", "X'FF00FE'", 'NULL', false], // not UTF-8: no text to send
  ['text-bytes', "'agg-odd'", "CAST(X'7B22FF227D' AS TEXT)", 'NULL', false], // TEXT that is not UTF-8
  ['blob-key', "X'FF'", "'{}'", 'NULL', false], // an aggregate id that is not UTF-8
  ['number-key', '42', '7', "X'FF'", true], // numbers where text belongs; an unreadable traceparent
  ['healthy-2', "'agg-odd'", '\'{"n":2}\'', 'NULL', true],
] as const;

const logger = createLogger({ level: 'warn', format: 'json' });

/** The writer's tables with one user, then the odd rows, before any worker runs; returns the user's event id. */
async function insertOddRows(config: Parameters<typeof createWriterService>[0]['config']): Promise<string> {
  const writer = await createWriterService({ config, logger });
  const { eventId } = writer.users.create('Alice');
  await writer.close();
  const db = openDatabase(config.sqlite.path);
  for (const [eventId, aggregateId, payload, traceparent] of oddRows) {
    db.exec(`INSERT INTO users_outbox (eventId, aggregateId, eventType, payload, occurredAt, traceparent)
             VALUES ('${eventId}', ${aggregateId}, 'OddEvent', ${payload}, strftime('%Y-%m-%dT%H:%M:%fZ','now'), ${traceparent})`);
  }
  db.close();
  return eventId;
}

describe('rows holding whatever types another app wrote', () => {
  it('are delivered when they can be carried, dead-lettered with a clear error class when not, and their partition goes on', async () => {
    const { env, config, topic, dlqTopic } = testEnvironment({ OUTBOX_PARTITIONS: '1' });
    const first = await insertOddRows(config);
    start('capture-worker', env);
    start('publisher-worker', env);
    await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });

    const events = await readTopic(config.kafka.brokers, topic);
    const sent = oddRows.filter((row) => row[4]).map((row) => row[0]);
    expect(events.map((e) => e.headers.id).sort()).toEqual([first, ...sent].sort());
    const byId = new Map(events.map((e) => [e.headers.id, e]));
    expect(byId.get('blob-json')?.value).toBe('{}');
    expect(byId.get('number-key')).toMatchObject({ key: '42', value: '7' });
    expect(byId.get('number-key')?.headers.traceparent).toBeUndefined();

    const deadLetters = await readTopic(config.kafka.brokers, dlqTopic);
    expect(deadLetters.map((d) => d.headers.id)).toEqual(['blob-bytes', 'text-bytes', 'blob-key']);
    for (const letter of deadLetters) expect(letter.headers['__outbox.errors.class']).toBe('INVALID_ROW');
    expect(deadLetters[0]?.headers['__outbox.errors.message']).toContain('payload is a BLOB of 3 bytes that is not UTF-8');
    expect(deadLetters[2]?.key).toBe('0xff');

    const { report } = await auditDelivery({
      brokers: config.kafka.brokers,
      topic,
      dlqTopic,
      committed: [first, ...oddRows.map((row) => row[0])],
    });
    expect(report.lost).toEqual([]);
    expect(report.outOfOrder).toBe(0);
  });

  it('in halt mode halt their partition with the error class, and skip-head --dead-letter moves past them', async () => {
    const { env, config, dlqTopic, topic } = testEnvironment({
      OUTBOX_PARTITIONS: '1',
      OUTBOX_ON_POISON: 'halt',
      OUTBOX_HALT_PROBE_INTERVAL_MS: '1000',
    });
    const redis = createRedisClient(config.redis, { logger, connectionName: 'test' });
    const names = pipelineNames(config.redis.prefix, config.connector.name);
    try {
      const writer = await createWriterService({ config, logger });
      writer.users.create('Alice');
      await writer.close();
      const db = openDatabase(config.sqlite.path);
      db.exec(`INSERT INTO users_outbox (eventId, aggregateId, eventType, payload, occurredAt)
               VALUES ('x-1', 'agg-blob', 'payload-BLOB', X'FF7D', strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                      ('x-2', 'agg-blob', 'healthy', '{}', strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);
      db.close();
      expect(partitionOf('agg-blob', 1)).toBe(0);
      env.OUTBOX_API_URL = await httpUrlOf(start('capture-worker', env));
      start('publisher-worker', env);

      const halted = await waitFor('the partition to halt at the odd row', async () => {
        const text = await redis.hget(names.halted, '0');
        return text ? (JSON.parse(text) as { reason: string; poison: boolean }) : undefined;
      });
      expect(halted).toMatchObject({ poison: true });
      expect(halted.reason).toContain('INVALID_ROW');
      const skip = start('cli', env, ['skip-head', '--partition', '0', '--dead-letter', '--reason', 'odd row']);
      expect(await skip.exited).toBe(0);
      await waitFor('the partition to go on', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 30_000 });

      const deadLetters = await readTopic(config.kafka.brokers, dlqTopic);
      expect(deadLetters.map((d) => [d.headers.id, d.headers['__outbox.errors.class']])).toEqual([['x-1', 'MANUAL']]);
      expect((await readTopic(config.kafka.brokers, topic)).map((e) => e.headers.id)).toContain('x-2');
    } finally {
      redis.disconnect();
    }
  });
});
