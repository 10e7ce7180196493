import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import { projectRoot } from './paths.ts';

/** How to run one Kafka server (broker, controller or both) from its properties file. */
export interface KafkaServerLaunch {
  /** The folder of Kafka's jars (ensureKafkaInstalled). */
  lib: string;
  propertiesFile: string;
  /** Receives the server's stdout and stderr, appended across restarts. */
  logFile: string;
  heapMb: number;
  /** Outlives the process that started it (`outbox infra up`). @defaultValue false */
  detached?: boolean;
}

/** Starts `kafka.Kafka` with a small heap and the project's log4j settings; does not wait for it. */
export function spawnKafkaServer(launch: KafkaServerLaunch): ChildProcess & { pid: number } {
  const out = openSync(launch.logFile, 'a');
  const child = spawn(
    'java',
    [
      `-Xms${Math.min(256, launch.heapMb)}m`,
      `-Xmx${launch.heapMb}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(projectRoot, 'infra/kafka/log4j2.properties')}`,
      '-cp',
      `${launch.lib}/*`,
      'kafka.Kafka',
      launch.propertiesFile,
    ],
    { stdio: ['ignore', out, out], detached: launch.detached ?? false },
  );
  if (launch.detached) child.unref();
  if (child.pid === undefined) throw new OutboxError('could not start java', { code: 'KAFKA_START_FAILED' });
  // Checked just above: a started process has its pid.
  return child as ChildProcess & { pid: number };
}

/**
 * Formats a server's storage the first time (its log.dirs has no meta.properties yet); later
 * starts keep the data. `args` are the format options besides the cluster id and the file.
 */
export async function formatKafkaStorageOnce(options: {
  lib: string;
  propertiesFile: string;
  logDir: string;
  clusterId: string;
  args?: string[];
}): Promise<void> {
  if (existsSync(join(options.logDir, 'meta.properties'))) return;
  const child = spawn(
    'java',
    [
      '-cp',
      `${options.lib}/*`,
      'kafka.tools.StorageTool',
      'format',
      // `--cluster-id=<id>`, not `-t <id>`: one id in 64 starts with '-', which the tool then reads
      // as an option and fails ("expected one argument").
      `--cluster-id=${options.clusterId}`,
      '-c',
      options.propertiesFile,
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new OutboxError(`formatting Kafka storage failed: ${output}`, { code: 'KAFKA_START_FAILED' });
}

/** The last lines of a server's log, for an error message. */
export function logTail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
