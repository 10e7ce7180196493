import { createLogger } from '@outbox/logger';
import { httpUrlOf, readTopic, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { describe, expect, it } from 'vitest';
import { demoOrders } from '../../apps/cli/src/commands/demo-orders.ts';

const start = useApps();

describe("the demo's orders", () => {
  it('are a second connector created through the REST API, whose events reach their own topic beside the users', async () => {
    const { env, config } = testEnvironment({ OUTBOX_PARTITIONS: '2' });
    const url = await httpUrlOf(start('capture-worker', env));
    start('publisher-worker', env);
    const context = { config, logger: createLogger({ level: 'silent', format: 'json' }) };

    const orders = await demoOrders(context, url);
    expect(orders.topic).toBe(config.kafka.topicTemplate.replace('{aggregateType}', 'orders'));
    expect(orders.place([1, 2])).toContain('wrote 3 sample orders into orders_outbox');
    // A second run of the demo finds the connector there and keeps it.
    await demoOrders(context, url);
    expect(await (await fetch(`${url}/connectors`)).json()).toEqual([config.connector.name, 'orders-outbox']);

    const events = await waitFor(
      'the orders in Kafka',
      async () => {
        const records = await readTopic(config.kafka.brokers, orders.topic);
        return records.length >= 3 && records;
      },
      { timeoutMs: 60_000 },
    );
    expect(events.map((e) => [e.key, e.headers.eventType]).sort()).toEqual([
      ['1', 'OrderPlaced'],
      ['2', 'OrderPlaced'],
      ['3', 'OrderPlaced'],
    ]);
    expect(JSON.parse(events.find((e) => e.key === '2')?.value ?? '{}')).toMatchObject({ userId: 2, item: 'monitor' });
  });
});
