import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { projectRoot } from '@outbox/infra';
import { metricValue, scrapeMetrics, waitFor } from '@outbox/testkit';
import type { VerifyReport } from '@outbox/verifier';
import { generateLoad } from '@outbox/writer';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { type ClusterStack, clusterStack } from './support/cluster-stack.ts';
import { docker } from './support/compose-stack.ts';

// The compose file's defaults: connector users-outbox, its topic and dead-letter topic.
const topic = 'outbox.event.users';
const events = 3000;
const aggregates = 150;

/** A gauge of the capture worker's /metrics. */
async function waitForGauge(stack: ClusterStack, name: string, value: number, what: string): Promise<void> {
  const captureUrl = await stack.url('capture', 8083);
  await waitFor(what, async () => metricValue(await scrapeMetrics(captureUrl), name) === value, {
    timeoutMs: 180_000,
    intervalMs: 500,
  });
}

/** An admin client on the host, over the published SASL_SSL listeners with the pipeline's login. */
async function connectAdmin(stack: ClusterStack): Promise<Admin> {
  const { ca, username, password } = stack.kafkaSecurity();
  const kafka = new Kafka({
    clientId: 'cluster-compose-test',
    brokers: stack.kafkaBrokers,
    ssl: { ca: [ca] },
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  return admin;
}

/** Each partition's replicas and in-sync replicas, as the cluster's metadata says. */
async function partitions(admin: Admin): Promise<{ replicas: number[]; isr: number[] }[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions ?? [];
}

/**
 * `outbox verify --ids-file … --json` from the host, over the published listeners, with the
 * settings the compose file's header gives; none of the environment's own Kafka or outbox settings.
 */
async function verifyFromHost(stack: ClusterStack, idsFile: string): Promise<{ exitCode: number; report: VerifyReport }> {
  const own = Object.entries(process.env).filter(([key]) => !/^(KAFKA|OUTBOX|REDIS)_/.test(key));
  const env = { ...Object.fromEntries(own), ...stack.kafkaEnv, LOG_LEVEL: 'warn' };
  const args = [join(projectRoot, 'apps/cli/src/main.ts'), 'verify', '--ids-file', idsFile, '--json'];
  const { exitCode, stdout } = await promisify(execFile)(process.execPath, args, { env, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout }) => ({ exitCode: 0, stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      if (typeof error.code !== 'number' || !error.stdout) throw error;
      return { exitCode: error.code, stdout: error.stdout };
    },
  );
  return { exitCode, report: JSON.parse(stdout) as VerifyReport };
}

describe('docker compose: infra/docker-compose.cluster.yml (three SASL_SSL brokers) on the locally built images', () => {
  let stack: ClusterStack;
  let admin: Admin | undefined;

  beforeAll(async () => {
    stack = await clusterStack(inject('dockerImages'));
  });
  afterAll(async () => {
    await admin?.disconnect();
    await stack?.destroy();
  });

  it(`takes ${events.toLocaleString('en')} events over SASL_SSL to a topic on all three brokers while one is killed: none lost, none out of order`, async () => {
    onTestFailed(async () => {
      process.stderr.write(await stack.run(['logs', '--no-color', '--tail', '30']).catch((error: Error) => error.message));
    });
    // `up` returns once kafka-users has created the SCRAM user, which waits for all three brokers.
    await stack.run(['up', '-d', '--no-build', '--scale', 'publisher=2']);
    await waitForGauge(stack, 'outbox_live_publishers', 2, 'two live publishers');

    // The topic the publishers created: on all three brokers, and min.insync.replicas=2 from the
    // brokers' defaults, so an acknowledged write is on two of them.
    admin = await connectAdmin(stack);
    const before = await partitions(admin);
    expect(before).toHaveLength(6);
    for (const partition of before) expect([...partition.replicas].sort()).toEqual([1, 2, 3]);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
    });
    expect(resources[0]?.configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue).toBe('2');

    // 3,000 events at 300 a second; three seconds in, broker 2 is killed (the others keep the
    // quorum and two in-sync replicas, so writes go on once its partitions have new leaders).
    // Beside the secrets, so it goes with them.
    const idsFile = join(stack.secretsDir, 'committed-ids.txt');
    const load = generateLoad({ url: await stack.url('writer', 8080), events, aggregates, rate: 300, idsFile });
    const [broker2] = await stack.containers('kafka-2');
    const fault = (async () => {
      await sleep(3000);
      await docker(['kill', broker2 ?? 'no kafka-2 container']);
    })();
    const [written] = await Promise.all([load, fault]);
    expect(written.written).toBe(events);
    await waitForGauge(stack, 'outbox_pending_events', 0, 'the outbox to be empty');

    // Broker 2 comes back and catches up: every partition is on three in-sync replicas again.
    await docker(['start', broker2 ?? 'no kafka-2 container']);
    await waitFor(
      'broker 2 to be back in every partition’s in-sync replicas',
      async () => {
        const now = await partitions(admin as Admin);
        return now.length === 6 && now.every((partition) => partition.isr.length === 3);
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );

    const { exitCode, report } = await verifyFromHost(stack, idsFile);
    expect(report).toMatchObject({
      lost: [],
      outOfOrder: 0,
      deadLettered: [],
      uniqueEvents: events,
      aggregates,
      checkedLoss: true,
    });
    // Duplicates are allowed (at-least-once) and counted, not hidden.
    expect(report.records).toBe(events + report.duplicates);
    expect(exitCode).toBe(0);

    await admin.disconnect();
    admin = undefined;
    await stack.run(['down', '-v', '-t', '5']);
    expect(await docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${stack.project}`])).toBe('');
    expect(await docker(['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${stack.project}`])).toBe('');
  });
});
