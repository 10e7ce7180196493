import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type StartKafkaOptions } from '@outbox/infra';

/**
 * Settings for a broker of a test's own — for tests that stop, freeze or restart Kafka, which must
 * never touch the run's shared one: a fresh data directory and free ports. Starting it again with
 * the same settings brings it back with its data.
 */
export async function ownBrokerOptions(name: string): Promise<StartKafkaOptions> {
  return {
    dataDir: join(mkdtempSync(join(tmpdir(), `outbox-${name}-`)), 'kafka'),
    port: await freePort(),
    controllerPort: await freePort(),
  };
}
