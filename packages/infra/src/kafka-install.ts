import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { projectRoot } from './paths.ts';

/** Pinned in infra/kafka/pom.xml too. 4.1.1 is tested with kafkajs 2.2.4 by the compatibility test. */
export const kafkaVersion = '4.1.1';

/** Where the broker's jars live once fetched. */
export const kafkaHome = join(projectRoot, '.tools', `kafka-${kafkaVersion}`);

/**
 * Fetches Apache Kafka and its dependencies from Maven Central into .tools/ the first time
 * (about 100 jars, a few seconds); later calls only check that they are there.
 */
export function ensureKafkaInstalled(log: (line: string) => void = () => undefined): string {
  const lib = join(kafkaHome, 'lib');
  if (existsSync(lib) && readdirSync(lib).some((f) => f.startsWith(`kafka_2.13-${kafkaVersion}`))) return lib;
  for (const tool of ['java', 'mvn']) {
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).error) {
      throw new OutboxError(`${tool} is not on PATH; the local Kafka broker needs Java 17+ and Maven`, { code: 'TOOL_MISSING' });
    }
  }
  log(`fetching Apache Kafka ${kafkaVersion} from Maven Central into ${lib}`);
  mkdirSync(lib, { recursive: true });
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(projectRoot, 'infra/kafka/pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new OutboxError(`fetching Kafka with Maven failed:\n${result.stdout}${result.stderr}`, {
      code: 'KAFKA_INSTALL_FAILED',
    });
  }
  return lib;
}
