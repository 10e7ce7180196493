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
    expect(config.outbox).toEqual({ table: 'users_outbox', aggregateType: 'users' });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.pipeline.partitions).toBe(16);
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
