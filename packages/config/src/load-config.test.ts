import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@outbox/errors';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.sqlite.path).toBe('./db.sqlite');
    expect(config.outbox).toMatchObject({ table: 'users_outbox', aggregateType: 'users', additionalPlacement: [] });
    // The seed's table as the outbox store reads it: its own columns, one aggregate type, no routing.
    expect(config.outbox.shape).toEqual({
      name: 'users_outbox',
      columns: {
        eventId: 'eventId',
        aggregateId: 'aggregateId',
        eventType: 'eventType',
        payload: 'payload',
        occurredAt: 'occurredAt',
        traceparent: 'traceparent',
      },
      aggregateType: 'users',
      headerColumns: [],
    });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.pipeline.partitions).toBeUndefined();
    expect(config.writer.port).toBe(0);
  });

  it('reads and coerces environment variables', () => {
    const config = loadConfig({
      env: { KAFKA_BROKERS: 'a:1, b:2', OUTBOX_PARTITIONS: '4', OUTBOX_CREATE_TOPICS: 'false', PATH: '/bin' },
    });
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.pipeline.partitions).toBe(4);
    expect(config.kafka.createTopics).toBe(false);
  });

  it('lists every bad key at once, naming the variable and what was expected', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          OUTBOX_PARTITIONS: 'many',
          KAFKA_BROKERS: 'nohost',
          OUTBOX_TABLE: 'users; DROP TABLE users',
          OUTBOX_PARTITONS: '3',
          LOG_LEVEL: 'loud',
        },
      }),
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/OUTBOX_PARTITIONS \(pipeline\.partitions\): expected a whole number \(got "many"\)/);
    expect(problems.join('\n')).toMatch(/KAFKA_BROKERS \(kafka\.brokers\): host:port/);
    expect(problems.join('\n')).toMatch(/OUTBOX_TABLE \(outbox\.table\): a plain SQL identifier/);
    expect(problems.join('\n')).toMatch(/OUTBOX_PARTITONS: unknown setting/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL \(log\.level\)/);
  });

  it('bounds every duration by the longest timer Node keeps (2^31 - 1 ms)', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { OUTBOX_CAPTURE_POLL_INTERVAL_MS: '99999999999', OUTBOX_ALERT_WINDOW_MS: '2147483648' } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^OUTBOX_CAPTURE_POLL_INTERVAL_MS \(capture\.pollIntervalMs\): expected at most 2147483647 .*\(got "99999999999"\)$/,
      ),
      expect.stringMatching(/^OUTBOX_ALERT_WINDOW_MS \(alerts\.windowMs\): expected at most 2147483647 /),
    ]);
    expect(loadConfig({ env: { OUTBOX_CAPTURE_POLL_INTERVAL_MS: '2147483647' } }).capture.pollIntervalMs).toBe(2147483647);
  });

  it('refuses a broker port outside 1..65535', () => {
    for (const brokers of ['127.0.0.1:99999', 'a:1,b:0']) {
      expect(problemsOf(() => loadConfig({ env: { KAFKA_BROKERS: brokers } }))).toEqual([
        expect.stringMatching(/^KAFKA_BROKERS \(kafka\.brokers\): host:port with a port from 1 to 65535/),
      ]);
    }
    expect(loadConfig({ env: { KAFKA_BROKERS: 'a:1,b:65535' } }).kafka.brokers).toEqual(['a:1', 'b:65535']);
  });

  it('accepts whole numbers written in decimal digits only', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: { OUTBOX_PARTITIONS: '0x10', OUTBOX_CAPTURE_BATCH_SIZE: '1e3', WRITER_PORT: '80.0', OUTBOX_JOB_MAX_ROWS: ' ' },
      }),
    );
    expect(problems).toEqual([
      'OUTBOX_PARTITIONS (pipeline.partitions): expected a whole number (got "0x10")',
      'OUTBOX_CAPTURE_BATCH_SIZE (capture.batchSize): expected a whole number (got "1e3")',
      'OUTBOX_JOB_MAX_ROWS (capture.jobMaxRows): expected a whole number (got " ")',
      'WRITER_PORT (writer.port): expected a whole number (got "80.0")',
    ]);
    expect(loadConfig({ env: { OUTBOX_TOPIC_REPLICATION_FACTOR: '-1', OUTBOX_PARTITIONS: '08' } }).pipeline.partitions).toBe(8);
  });

  it("reports typos of the project's own keys with a suggestion, and ignores unrelated variables", () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          KAFKA_BROKER: '127.0.0.1:9092',
          REDIS_ULR: 'redis://x:1',
          WRITER_POTR: '1',
          LOG_LEVLE: 'debug',
          OUTBOX_PARTITONS: '3',
          OUTBOX_SOMETHING_ELSE: '1',
          // Kafka's own scripts, docker images and shells set these: not ours, not typos of ours.
          KAFKA_HEAP_OPTS: '-Xmx1g',
          KAFKA_OPTS: '',
          REDIS_HOST: 'x',
          LOG_DIR: '/tmp',
          PATH: '/bin',
        },
      }),
    );
    expect(problems).toEqual([
      'KAFKA_BROKER: unknown setting (did you mean KAFKA_BROKERS?)',
      'REDIS_ULR: unknown setting (did you mean REDIS_URL?)',
      'WRITER_POTR: unknown setting (did you mean WRITER_PORT?)',
      'LOG_LEVLE: unknown setting (did you mean LOG_LEVEL?)',
      'OUTBOX_PARTITONS: unknown setting (did you mean OUTBOX_PARTITIONS?)',
      'OUTBOX_SOMETHING_ELSE: unknown setting',
    ]);
  });

  it('reads a JSON file, lets the environment override it and names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ pipeline: { partitions: 2 }, redis: { url: 'redis://x:1' } }));
    const config = loadConfig({ env: { OUTBOX_CONFIG_FILE: file, OUTBOX_PARTITIONS: '3' } });
    expect(config.pipeline.partitions).toBe(3);
    expect(config.redis.url).toBe('redis://x:1');

    writeFileSync(file, JSON.stringify({ capture: { batchSize: -1, colour: 'red' } }));
    const problems = problemsOf(() => loadConfig({ env: { OUTBOX_CONFIG_FILE: file } }));
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^capture\\.batchSize in ${file}: .*> 0`)),
      `capture.colour in ${file}: unknown setting`,
    ]);
  });

  it('reports a missing or malformed file instead of ignoring it', () => {
    expect(problemsOf(() => loadConfig({ env: { OUTBOX_CONFIG_FILE: '/nonexistent/c.json' } }))[0]).toMatch(
      /OUTBOX_CONFIG_FILE \(\/nonexistent\/c\.json\): ENOENT/,
    );
  });
});
