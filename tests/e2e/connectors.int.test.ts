import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendOutboxEvent, migrateOutbox, openDatabase } from '@outbox/outbox-store';
import { partitionOf } from '@outbox/queue';
import {
  freePort,
  httpUrlOf,
  metricValue,
  outboxDepth,
  type RedisServer,
  readTopic,
  scrapeMetrics,
  startRedisServer,
  testEnvironment,
  useApps,
  waitFor,
} from '@outbox/testkit';
import { toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

const start = useApps();

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, checked by the assertions.
type Json = any;

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Writes `count` events over `aggregates` aggregates into one outbox table; returns their event ids in commit order. */
function writeEvents(path: string, table: string, count: number, aggregates: number, prefix: string): string[] {
  const db = openDatabase(path);
  try {
    return Array.from({ length: count }, (_, i) => {
      const aggregateId = `${prefix}-${i % aggregates}`;
      return appendOutboxEvent(db, table, { aggregateId, eventType: 'Changed', payload: { i } }).eventId;
    });
  } finally {
    db.close();
  }
}

/** A connector config for this test's topics (so tests sharing the broker never meet). */
function connectorConfig(testId: string, settings: Record<string, string>): Record<string, string> {
  return {
    'connector.class': 'outbox',
    'kafka.topicTemplate': `test.${testId}.{aggregateType}`,
    'kafka.dlqTopicTemplate': `test.${testId}.dlq.{aggregateType}`,
    'kafka.topicPartitions': '3',
    'pipeline.partitions': '4',
    ...settings,
  };
}

async function expectDelivered(brokers: string[], topic: string, committed: string[]): Promise<void> {
  const report = verifyEvents({ events: toVerifiedEvents(await readTopic(brokers, topic)), committed });
  expect(report, topic).toMatchObject({ lost: [], outOfOrder: 0 });
}

describe('many connectors, one fleet', () => {
  let redis: RedisServer | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('serves three connectors (two tables in one database, one in another) with two publishers; a halted one stops alone', async () => {
    const { env, config, dir } = testEnvironment({ OUTBOX_PARTITIONS: '4' });
    const testId = config.connector.name.slice(2);
    const shop = config.sqlite.path;
    const billing = join(dir, 'billing.sqlite');
    for (const [path, table] of [
      [shop, 'orders_outbox'],
      [billing, 'payments_outbox'],
    ] as const) {
      const db = openDatabase(path);
      migrateOutbox(db, table);
      db.close();
    }
    const capture = start('capture-worker', env);
    const api = await httpUrlOf(capture);
    start('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: 'pub-1' });
    start('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: 'pub-2' });

    const orders = await call('POST', `${api}/connectors`, {
      name: 'orders',
      config: connectorConfig(testId, { 'sqlite.path': shop, 'outbox.table': 'orders_outbox' }),
    });
    expect(orders.status).toBe(201);
    expect(orders.body).toMatchObject({ name: 'orders', type: 'source', config: { 'outbox.table': 'orders_outbox' } });
    const payments = await call('POST', `${api}/connectors`, {
      name: 'payments',
      config: connectorConfig(testId, {
        'sqlite.path': billing,
        'outbox.table': 'payments_outbox',
        // Broker-side poison halts its partition instead of dead-lettering it.
        'publisher.onPoison': 'halt',
        'publisher.haltProbeIntervalMs': '600000',
      }),
    });
    expect(payments.status).toBe(201);
    expect((await call('GET', `${api}/connectors`)).body.sort()).toEqual([config.connector.name, 'orders', 'payments'].sort());

    // Larger than the broker's max.message.bytes (1 MiB): Kafka refuses it for good.
    const db = openDatabase(billing);
    appendOutboxEvent(db, 'payments_outbox', {
      aggregateId: 'pay-0',
      eventType: 'Changed',
      payload: { blob: 'x'.repeat(1_500_000) },
    });
    db.close();
    const users = writeEvents(shop, 'users_outbox', 600, 40, 'user');
    const ordered = writeEvents(shop, 'orders_outbox', 600, 40, 'order');
    writeEvents(billing, 'payments_outbox', 600, 40, 'pay');

    // The two healthy connectors drain while a partition of the third is halted on its poison event.
    await waitFor(
      'users and orders to drain, and payments to halt',
      async () =>
        outboxDepth(shop, 'users_outbox') === 0 &&
        outboxDepth(shop, 'orders_outbox') === 0 &&
        (await call('GET', `${api}/connectors/payments/status`)).body.tasks.some((t: { state: string }) => t.state === 'HALTED'),
      { timeoutMs: 120_000 },
    );
    await expectDelivered(config.kafka.brokers, `test.${testId}.users`, users);
    await expectDelivered(config.kafka.brokers, `test.${testId}.orders`, ordered);
    // Payments' other partitions went on: only the halted partition's rows wait.
    const halted = partitionOf('pay-0', 4);
    await waitFor('payments to drain but for its halted partition', () => {
      const left = openDatabase(billing, { readonly: true });
      try {
        const ids = left.prepare<[], { aggregateId: string }>('SELECT aggregateId FROM payments_outbox').all();
        return ids.length > 0 && ids.every((row) => partitionOf(row.aggregateId, 4) === halted);
      } finally {
        left.close();
      }
    });
    const status = (await call('GET', `${api}/connectors/payments/status`)).body;
    expect(status.tasks.filter((t: { state: string }) => t.state === 'HALTED').map((t: { id: number }) => t.id)).toEqual([
      halted,
    ]);
    // /metrics shows every connector, each under its own label.
    const metrics = await scrapeMetrics(api);
    expect(metricValue(metrics, 'outbox_pending_events{connector="orders"}')).toBe(0);
    expect(metricValue(metrics, 'outbox_pending_events{connector="payments"}')).toBeGreaterThan(0);
    expect(metricValue(metrics, `outbox_pending_events{connector="${config.connector.name}"}`)).toBe(0);
  });

  it('creates, changes and deletes a connector while load runs; bad configs change nothing; configs outlive every process and a Redis FLUSHALL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-connectors-'));
    redis = await startRedisServer({ port: await freePort(), dir });
    const { env, config } = testEnvironment({ REDIS_URL: redis.url });
    const testId = config.connector.name.slice(2);
    const shop = config.sqlite.path;
    const db = openDatabase(shop);
    migrateOutbox(db, 'orders_outbox');
    let capture = start('capture-worker', env);
    let api = await httpUrlOf(capture);
    let publisher = start('publisher-worker', env);

    // Every bad key at once, 400, and nothing created.
    const bad = await call('POST', `${api}/connectors`, {
      name: 'orders',
      config: {
        'connector.class': 'jdbc',
        'pipeline.partitions': '0',
        'outbox.tabel': 'orders_outbox',
        'publisher.onPoison': 'ignore',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { key: string }) => d.key).sort()).toEqual([
      'connector.class',
      'outbox.tabel',
      'pipeline.partitions',
      'publisher.onPoison',
    ]);
    expect((await call('GET', `${api}/connectors`)).body).toEqual([config.connector.name]);
    const validated = await call('PUT', `${api}/connector-plugins/outbox/config/validate`, { 'pipeline.partitions': '0' });
    expect(validated.body).toMatchObject({ name: 'outbox', error_count: 1 });
    // The worker's own connector is its config file's to change.
    expect((await call('PUT', `${api}/connectors/${config.connector.name}/config`, {})).status).toBe(409);

    const created = await call('POST', `${api}/connectors`, {
      name: 'orders',
      config: connectorConfig(testId, { 'sqlite.path': shop, 'outbox.table': 'orders_outbox' }),
    });
    expect(created.status).toBe(201);
    const again = await call('POST', `${api}/connectors`, { name: 'orders', config: created.body.config });
    expect(again.status).toBe(409);

    // Load throughout: 20 events every 50 ms over 30 orders.
    const committed: string[] = [];
    let n = 0;
    const load = setInterval(() => {
      for (let i = 0; i < 20; i++, n++) {
        committed.push(
          appendOutboxEvent(db, 'orders_outbox', { aggregateId: `o-${n % 30}`, eventType: 'Changed', payload: { n } }).eventId,
        );
      }
    }, 50);
    try {
      await waitFor('orders to flow', async () => (await readTopic(config.kafka.brokers, `test.${testId}.orders`)).length > 200);
      const changed = await call('PUT', `${api}/connectors/orders/config`, {
        ...connectorConfig(testId, { 'sqlite.path': shop, 'outbox.table': 'orders_outbox' }),
        'capture.batchSize': '50',
      });
      expect(changed.status).toBe(200);
      expect((await call('GET', `${api}/connectors/orders/config`)).body).toMatchObject({ 'capture.batchSize': '50' });

      // Every process killed and Redis emptied: the connector comes back from Kafka.
      await Promise.all([capture.stop('SIGKILL'), publisher.stop('SIGKILL')]);
      const client = new Redis(redis.url);
      await client.flushall();
      await client.quit();
      capture = start('capture-worker', env);
      api = await httpUrlOf(capture);
      publisher = start('publisher-worker', env);
      await waitFor('the stored connector to run again', async () =>
        (await call('GET', `${api}/connectors`)).body.includes('orders'),
      );
      expect((await call('GET', `${api}/connectors/orders/config`)).body).toMatchObject({ 'capture.batchSize': '50' });
      const before = committed.length;
      await waitFor('more orders after the restart', async () => {
        const delivered = await readTopic(config.kafka.brokers, `test.${testId}.orders`);
        return committed.length > before + 200 && delivered.length > before;
      });
      // Deleted while the load goes on: it stops once what it enqueued is acknowledged.
      expect((await call('DELETE', `${api}/connectors/orders`)).status).toBe(204);
    } finally {
      clearInterval(load);
    }
    expect((await call('GET', `${api}/connectors`)).body).toEqual([config.connector.name]);
    expect((await call('GET', `${api}/connectors/orders/status`)).status).toBe(404);
    // Nothing lost: every event is in Kafka, in order, or still in the outbox, which is no longer captured.
    const left = () => db.prepare<[], { eventId: string }>('SELECT eventId FROM orders_outbox ORDER BY id').all();
    const waiting = left().map((row) => row.eventId);
    const report = verifyEvents({
      events: toVerifiedEvents(await readTopic(config.kafka.brokers, `test.${testId}.orders`)),
      committed: committed.filter((id) => !waiting.includes(id)),
    });
    expect(report).toMatchObject({ lost: [], outOfOrder: 0 });
    expect(waiting.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(left().length).toBe(waiting.length);
    db.close();
  });
});
