import { setTimeout as sleep } from 'node:timers/promises';
import { auditDelivery, metricValue, scrapeMetrics, waitFor } from '@outbox/testkit';
import { generateLoad } from '@outbox/writer';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { type ComposeStack, composeStack, docker } from './support/compose-stack.ts';

// The compose file's defaults: connector users-outbox, its topic and dead-letter topic.
const topic = 'outbox.event.users';
const dlqTopic = 'outbox.dlq.users';

/** A gauge of the capture worker's /metrics (open without the token, like a Prometheus scrape). */
async function waitForGauge(stack: ComposeStack, name: string, value: number, what: string): Promise<void> {
  // The published port changes with every `up`.
  const captureUrl = await waitFor(`the capture worker's port`, () => stack.url('capture', 8083), {
    timeoutMs: 60_000,
    intervalMs: 1000,
  });
  await waitFor(what, async () => metricValue(await scrapeMetrics(captureUrl), name) === value, {
    timeoutMs: 180_000,
    intervalMs: 500,
  });
}

/** Which publisher (`<container hostname>-<pid>`) holds each partition, as the REST API says. */
async function partitionOwners(stack: ComposeStack): Promise<string[]> {
  const response = await fetch(`${await stack.url('capture', 8083)}/connectors/users-outbox/status`, {
    headers: { authorization: `Bearer ${stack.token}` },
  });
  if (!response.ok) throw new Error(`status: ${response.status}`);
  const status = (await response.json()) as { tasks: { worker_id: string | null }[] };
  return status.tasks.map((task) => task.worker_id ?? '');
}

/** The services' last log lines, where a failed test can be read. */
function showLogsOnFailure(stack: ComposeStack): void {
  onTestFailed(async () => {
    process.stderr.write(await stack.run(['logs', '--no-color', '--tail', '40']).catch((error: Error) => error.message));
  });
}

describe('docker compose: infra/docker-compose.yml on the locally built images', () => {
  let stack: ComposeStack;
  const committed: string[] = [];

  beforeAll(async () => {
    stack = await composeStack(inject('dockerImages'));
  });
  afterAll(async () => {
    await stack?.destroy();
  });

  it('takes 5,000 events through three publishers while one is killed and Kafka is paused: none lost, none out of order', async () => {
    showLogsOnFailure(stack);
    await stack.run(['up', '-d', '--no-build', '--scale', 'publisher=3']);
    await waitForGauge(stack, 'outbox_live_publishers', 3, 'three live publishers');
    // The partitions are spread over the three containers (a publisher is named after its hostname,
    // which is its container's id), and the API asks for the token.
    const publisherHosts = (await stack.containers('publisher')).map((id) => id.slice(0, 12)).sort();
    await waitFor(
      'the partitions to be spread over the three publisher containers',
      async () => {
        const owners = new Set((await partitionOwners(stack)).map((owner) => owner.replace(/-\d+$/, '')));
        return [...owners].sort().join() === publisherHosts.join();
      },
      { intervalMs: 1000 },
    );
    expect((await fetch(`${await stack.url('capture', 8083)}/connectors/users-outbox/status`)).status).toBe(401);

    const writerUrl = await stack.url('writer', 8080);
    const load = generateLoad({ url: writerUrl, events: 5000, aggregates: 200, rate: 500 });
    const faults = (async () => {
      await sleep(2000);
      const [publisher] = await stack.containers('publisher');
      await docker(['kill', publisher ?? 'no publisher container']);
      await sleep(1500);
      const [kafka] = await stack.containers('kafka');
      await docker(['pause', kafka ?? 'no kafka container']);
      await sleep(5000);
      await docker(['unpause', kafka ?? 'no kafka container']);
    })();
    const [written] = await Promise.all([load, faults]);
    expect(written.written).toBe(5000);
    committed.push(...written.eventIds);

    await waitForGauge(stack, 'outbox_pending_events', 0, 'the outbox to be empty');
    const { report } = await auditDelivery({ brokers: stack.kafkaBrokers, topic, dlqTopic, committed });
    expect(report.lost).toEqual([]);
    expect(report.outOfOrder).toBe(0);
    expect(report.deadLettered).toEqual([]);
    expect(report.uniqueEvents).toBe(5000);
    expect(report.aggregates).toBe(200);
  });

  it('loses nothing to `docker compose down`: events written while no publisher ran arrive after `up`', async () => {
    showLogsOnFailure(stack);
    await stack.run(['stop', '-t', '5', 'publisher']);
    const written = await generateLoad({ url: await stack.url('writer', 8080), events: 200, aggregates: 20, rate: 0 });
    committed.push(...written.eventIds);
    // No -v: the outbox, Kafka's log and Redis stay on their volumes; the containers go.
    await stack.run(['down', '-t', '10']);
    expect(await stack.containers('capture')).toEqual([]);

    await stack.run(['up', '-d', '--no-build', '--scale', 'publisher=1']);
    await waitForGauge(stack, 'outbox_pending_events', 0, 'the outbox to be empty');
    const { report } = await auditDelivery({ brokers: stack.kafkaBrokers, topic, dlqTopic, committed });
    expect(report.lost).toEqual([]);
    expect(report.outOfOrder).toBe(0);
    expect(report.uniqueEvents).toBe(5200);
  });
});
