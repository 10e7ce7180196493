import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '@outbox/config';
import { migrateOutbox, openDatabase } from '@outbox/outbox-store';
import { inject } from 'vitest';

export interface TestEnvironment {
  /** Environment variables for an app process of this test: unique names, the run's broker and Redis. */
  env: Record<string, string>;
  /** The same settings as a typed config, for components built in the test process. */
  config: Config;
  dir: string;
  /** The test's topic for the users aggregate. */
  topic: string;
  /** Its dead-letter topic. */
  dlqTopic: string;
}

export interface TestEnvironmentOptions {
  /**
   * Create the database file with its outbox table, as an app's own migration would: the capture
   * worker and `outbox load` refuse a database that does not exist. `false` leaves the path empty.
   * @defaultValue true
   */
  database?: boolean;
}

/** A fresh database file, a unique connector, queue prefix and topic, on the run's Kafka and Redis. */
export function testEnvironment(overrides: Record<string, string> = {}, options: TestEnvironmentOptions = {}): TestEnvironment {
  const id = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), `outbox-test-${id}-`));
  const env: Record<string, string> = {
    OUTBOX_SQLITE_PATH: join(dir, 'db.sqlite'),
    OUTBOX_CONNECTOR_NAME: `t-${id}`,
    OUTBOX_REDIS_PREFIX: `t${id}`,
    OUTBOX_TOPIC_TEMPLATE: `test.${id}.{aggregateType}`,
    OUTBOX_DLQ_TOPIC_TEMPLATE: `test.${id}.dlq.{aggregateType}`,
    OUTBOX_TOPIC_PARTITIONS: '3',
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    REDIS_URL: inject('redisUrl'),
    // The OS picks each worker's port (see httpUrlOf), so parallel runs and fleets never collide.
    OUTBOX_HTTP_PORT: '0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    ...overrides,
  };
  const config = loadConfig({ env });
  if (options.database ?? true) {
    const db = openDatabase(config.sqlite.path, config.sqlite);
    migrateOutbox(db, config.outbox.shape);
    db.close();
  }
  const type = config.outbox.aggregateType;
  return { env, config, dir, topic: `test.${id}.${type}`, dlqTopic: `test.${id}.dlq.${type}` };
}
