import { defaultPartitions } from '@outbox/config';
import { pipelineNames } from '@outbox/queue';
import { auditDelivery, httpUrlOf, outboxDepth, recordCommittedEvents, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

const start = useApps();
const clients: Redis[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

interface Task {
  id: number;
  state: string;
  worker_id: string | null;
}

async function tasksOf(captureUrl: string, connector: string): Promise<Task[]> {
  const status = (await (await fetch(`${captureUrl}/connectors/${connector}/status`)).json()) as { tasks: Task[] };
  return status.tasks;
}

describe('a publisher configured with another partition count than the capture worker', () => {
  it("works on the capture worker's partitions, says so in one line, and strands nothing", async () => {
    const { env, config } = testEnvironment({ OUTBOX_PARTITIONS: '16' });
    const capture = start('capture-worker', env);
    const captureUrl = await httpUrlOf(capture);
    const publisher = start('publisher-worker', { ...env, OUTBOX_PARTITIONS: '8', OUTBOX_PUBLISHER_NAME: 'pub-eight' });
    const load = start('cli', env, ['load', '--events', '400', '--aggregates', '100']);
    expect(await load.exited).toBe(0);

    await waitFor('every event to be published', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });
    const said = publisher
      .output()
      .split('\n')
      .filter((line) => line.includes('OUTBOX_PARTITIONS'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('OUTBOX_PARTITIONS is 8 here, but the capture worker runs 16 partitions');
    const tasks = await tasksOf(captureUrl, config.connector.name);
    expect(tasks.map((t) => [t.state, t.worker_id])).toEqual(Array.from({ length: 16 }, () => ['RUNNING', 'pub-eight']));
  });

  it('shows no partition RUNNING under a publisher that runs no worker for it', async () => {
    const { env, config } = testEnvironment({ OUTBOX_PARTITIONS: '16' });
    const captureUrl = await httpUrlOf(start('capture-worker', env));
    // A publisher that runs 8 partitions (one of an older version, which does not follow the
    // capture worker's count), as it appears in Redis: a heartbeat and the count it works with.
    const names = pipelineNames(config.redis.prefix, config.connector.name);
    const redis = new Redis(config.redis.url);
    clients.push(redis);
    const beat = async () => {
      await redis.zadd(names.members, Date.now(), 'old-eight');
      await redis.hset(names.publisher('old-eight'), { partitions: '8', lastSeen: Date.now() });
    };
    await beat();
    const tasks = await tasksOf(captureUrl, config.connector.name);
    await beat();
    expect(tasks.filter((t) => t.id < 8).every((t) => t.state === 'RUNNING' && t.worker_id === 'old-eight')).toBe(true);
    expect(tasks.filter((t) => t.id >= 8).map((t) => [t.state, t.worker_id])).toEqual(
      Array.from({ length: 8 }, () => ['UNASSIGNED', null]),
    );
  });
});

describe('the partition count when OUTBOX_PARTITIONS is not set', () => {
  it('is the default for a new connector', async () => {
    const { env, config } = testEnvironment();
    const captureUrl = await httpUrlOf(start('capture-worker', env));
    expect(await tasksOf(captureUrl, config.connector.name)).toHaveLength(defaultPartitions);
  });

  it('stays the count a connector already runs, with events in flight, and says so', async () => {
    const { env, config, topic, dlqTopic } = testEnvironment();
    const sixteen = { ...env, OUTBOX_PARTITIONS: '16' };
    const committed = recordCommittedEvents(config.sqlite.path, config.outbox.table);
    const load = start('cli', env, ['load', '--events', '300', '--aggregates', '60']);
    expect(await load.exited).toBe(0);
    // No publisher yet: the events stay in flight in 16 partitions.
    const first = start('capture-worker', sixteen);
    await waitFor('the events to be enqueued', () => first.output().includes('capture worker started'));
    expect(await first.stop('SIGTERM')).toBe(0);

    const capture = start('capture-worker', env);
    const captureUrl = await httpUrlOf(capture);
    start('publisher-worker', env);
    await waitFor('every event to be published', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });
    expect(capture.output()).toContain('OUTBOX_PARTITIONS is not set: keeping the 16 partitions this connector runs');
    expect(await tasksOf(captureUrl, config.connector.name)).toHaveLength(16);
    const { report } = await auditDelivery({
      brokers: config.kafka.brokers,
      topic,
      dlqTopic,
      committed: committed().map((row) => row.eventId),
    });
    expect(report).toMatchObject({ uniqueEvents: 300, lost: [], outOfOrder: 0 });
  });
});
