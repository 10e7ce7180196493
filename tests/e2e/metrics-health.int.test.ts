import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  httpUrlOf,
  type KafkaBroker,
  metricValue,
  outboxDepth,
  type RedisServer,
  readTopic,
  scrapeMetrics,
  startKafkaBroker,
  startRedisServer,
  testEnvironment,
  useApps,
  waitFor,
} from '@outbox/testkit';
import { readIdsFile, toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { afterEach, describe, expect, it } from 'vitest';

const start = useApps();

async function put(url: string): Promise<number> {
  return (await fetch(url, { method: 'PUT' })).status;
}

describe('metrics', () => {
  it('show the backlog while paused, then publish counts, rates and commit→ack latency as events flow', async () => {
    const { env } = testEnvironment({ OUTBOX_PARTITIONS: '4' });
    const connector = env.OUTBOX_CONNECTOR_NAME as string;
    const capture = await httpUrlOf(start('capture-worker', env));
    const publisher = await httpUrlOf(start('publisher-worker', env));
    const label = `{connector="${connector}"}`;

    expect(await put(`${capture}/connectors/${connector}/pause`)).toBe(202);
    const load = start('cli', env, ['load', '--events', '500', '--aggregates', '50']);
    expect(await load.exited).toBe(0);
    const pausedAt = Date.now();
    // Capture enqueues while paused, up to each partition's job window (2 jobs); the rest waits in
    // the outbox, as capture lag. Publishers take nothing.
    const paused = await waitFor('the backlog to be counted', async () => {
      const m = await scrapeMetrics(capture);
      const inFlight = metricValue(m, 'outbox_in_flight_events');
      return metricValue(m, `outbox_pending_events${label}`) === 500 &&
        inFlight > 0 &&
        inFlight === metricValue(m, 'outbox_enqueued_events_total') &&
        inFlight + metricValue(m, 'outbox_capture_lag_events') === 500
        ? m
        : undefined;
    });
    expect(metricValue(paused, 'outbox_connector_paused')).toBe(1);
    expect(metricValue(paused, 'outbox_oldest_pending_age_seconds')).toBeGreaterThan(0);
    expect(metricValue(paused, `outbox_queue_jobs{connector="${connector}",state="waiting"}`)).toBeGreaterThan(0);
    expect(metricValue(await scrapeMetrics(publisher), 'outbox_published_events_total')).toBe(0);

    // Hold the events for a second, so their commit→ack latency must show it.
    await waitFor('a second of pause', () => Date.now() - pausedAt > 1000);
    expect(await put(`${capture}/connectors/${connector}/resume`)).toBe(202);
    const drained = await waitFor('the backlog to be published and deleted', async () => {
      // The gauges are read before the counters are rendered, and the last acknowledgement can land
      // in between (its rows deleted, its in-flight count not yet): the next scrape shows it done.
      const m = await scrapeMetrics(capture);
      const done =
        metricValue(m, 'outbox_pending_events') === 0 &&
        metricValue(m, 'outbox_acknowledged_events_total') === 500 &&
        metricValue(m, 'outbox_in_flight_events') === 0;
      return done ? m : undefined;
    });
    expect(metricValue(drained, 'outbox_oldest_pending_age_seconds')).toBe(0);
    expect(metricValue(drained, 'outbox_connector_paused')).toBe(0);
    expect(metricValue(drained, 'outbox_live_publishers')).toBe(1);
    const published = await scrapeMetrics(publisher);
    expect(metricValue(published, 'outbox_published_events_total')).toBe(500);
    expect(metricValue(published, 'outbox_delivery_latency_seconds_count')).toBe(500);
    expect(metricValue(published, `outbox_delivery_latency_seconds_bucket{le="+Inf",connector="${connector}"}`)).toBe(500);
    expect(metricValue(published, `outbox_delivery_latency_seconds_bucket{le="0.5",connector="${connector}"}`)).toBe(0);
    expect(metricValue(published, 'outbox_delivery_latency_seconds_sum')).toBeGreaterThan(500);
    expect(metricValue(published, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // Under steady load the counters keep moving: the rate between two scrapes is above zero.
    const steady = start('cli', env, ['load', '--events', '1500', '--aggregates', '50', '--rate', '300']);
    const before = metricValue(await scrapeMetrics(publisher), 'outbox_published_events_total');
    await waitFor('the published counter to move under load', async () => {
      const now = metricValue(await scrapeMetrics(publisher), 'outbox_published_events_total');
      return now - before >= 300;
    });
    expect(await steady.exited).toBe(0);
    await waitFor('everything published', async () => {
      return metricValue(await scrapeMetrics(publisher), 'outbox_published_events_total') === 2000;
    });
    // Every delivered event is observed once in the latency histogram.
    expect(metricValue(await scrapeMetrics(publisher), 'outbox_delivery_latency_seconds_count')).toBe(2000);
  });
});

describe('readiness', () => {
  let redis: RedisServer | undefined;
  let broker: KafkaBroker | undefined;
  afterEach(async () => {
    await redis?.stop();
    await broker?.stop();
  });

  const ready = async (url: string) => {
    const response = await fetch(`${url}/readyz`);
    return { status: response.status, body: (await response.json()) as { checks: Record<string, { ok: boolean }> } };
  };
  const notReady = (url: string, without: string) =>
    waitFor(`readyz to fail without ${without}`, async () => {
      const r = await ready(url);
      return r.status === 503 ? r : undefined;
    });

  it('turns false while Redis or Kafka is stopped and true again after, while /healthz stays up and the writer keeps committing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-ready-'));
    const redisPort = await freePort();
    redis = await startRedisServer({ port: redisPort, dir });
    const brokerOptions = { dataDir: join(dir, 'kafka'), port: await freePort(), controllerPort: await freePort() };
    broker = await startKafkaBroker(brokerOptions);
    const { env, config, topic } = testEnvironment({ REDIS_URL: redis.url, KAFKA_BROKERS: broker.brokers.join(',') });
    const workers = [await httpUrlOf(start('capture-worker', env)), await httpUrlOf(start('publisher-worker', env))];

    for (const url of workers) expect((await ready(url)).status).toBe(200);
    expect((await ready(workers[0] as string)).body.checks).toEqual({
      redis: { ok: true },
      kafka: { ok: true },
      sqlite: { ok: true },
    });

    await redis.stop();
    for (const url of workers) {
      const down = await notReady(url, 'Redis');
      expect(down.body.checks.redis?.ok).toBe(false);
      expect(down.body.checks.kafka?.ok).toBe(true);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    }
    // Redis down stops the pipeline, not the writer: commits go on, and /metrics says what waits.
    const idsFile = join(dir, 'ids.txt');
    const load = start('cli', env, ['load', '--events', '200', '--aggregates', '20', '--ids-file', idsFile]);
    expect(await load.exited).toBe(0);
    const waiting = await scrapeMetrics(workers[0] as string);
    expect(metricValue(waiting, 'outbox_redis_up')).toBe(0);
    expect(metricValue(waiting, 'outbox_pending_events')).toBe(200);
    const status = start('cli', { ...env, OUTBOX_API_URL: workers[0] as string }, ['status']);
    expect(await status.exited).toBe(1);
    expect(status.output()).toContain(
      '→ 503: Redis does not answer within 3 s: nothing is published until it is back; 200 events wait in the outbox',
    );
    redis = await startRedisServer({ port: redisPort, dir });
    for (const url of workers) await waitFor('readyz with Redis back', async () => (await ready(url)).status === 200);
    // A restart without persistence lost the queues; the capture worker enqueues the outbox again.
    await waitFor('the events committed while Redis was down to be delivered', () => outboxDepth(config.sqlite.path) === 0, {
      timeoutMs: 60_000,
    });
    expect(metricValue(await scrapeMetrics(workers[0] as string), 'outbox_redis_up')).toBe(1);
    const report = verifyEvents({
      events: toVerifiedEvents(await readTopic(config.kafka.brokers, topic)),
      committed: readIdsFile(idsFile),
    });
    expect(report).toMatchObject({ lost: [], outOfOrder: 0, uniqueEvents: 200 });

    await broker.stop();
    for (const url of workers) {
      const down = await notReady(url, 'Kafka');
      expect(down.body.checks.kafka?.ok).toBe(false);
      expect(down.body.checks.redis?.ok).toBe(true);
    }
    broker = await startKafkaBroker(brokerOptions);
    for (const url of workers) {
      await waitFor('readyz with Kafka back', async () => (await ready(url)).status === 200, { timeoutMs: 60_000 });
    }
  });
});
