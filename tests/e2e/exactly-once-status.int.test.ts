import type { ConnectorStatus } from '@outbox/pipeline';
import {
  httpUrlOf,
  metricValue,
  outboxDepth,
  readTopic,
  scrapeMetrics,
  testEnvironment,
  useApps,
  waitFor,
} from '@outbox/testkit';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchHeadlessBrowser } from '../support/headless-browser.ts';

const start = useApps();
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

describe('exactly-once delivery as an operator sees it', () => {
  it('the status, the CLI and the status page name the delivery mode and each partition’s committed position; the metrics count the transactions', async () => {
    const { env, config, topic } = testEnvironment({ OUTBOX_PARTITIONS: '4', OUTBOX_DELIVERY: 'exactly-once' });
    const api = await httpUrlOf(start('capture-worker', env));
    env.OUTBOX_API_URL = api;
    const publisher = start('publisher-worker', env);
    const load = start('cli', env, ['load', '--events', '200', '--aggregates', '50']);
    expect(await load.exited).toBe(0);
    await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });

    // Read committed, as a consumer would: every event once.
    const records = await readTopic(config.kafka.brokers, topic);
    expect(new Set(records.map((r) => r.headers.id)).size).toBe(200);
    expect(records).toHaveLength(200);

    // Each partition's position is the highest outbox id it delivered; the last event's is 200.
    const status = (await (await fetch(`${api}/connectors/${config.connector.name}/status`)).json()) as ConnectorStatus;
    expect(status.delivery).toBe('exactly-once');
    const positions = status.tasks.map((task) => task.committedPosition?.outboxId);
    expect(positions.every((id) => id !== undefined && id > 0 && id <= 200)).toBe(true);
    expect(Math.max(...positions.map(Number))).toBe(200);

    const cli = start('cli', env, ['status']);
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain(`connector ${config.connector.name}: RUNNING, exactly-once, `);
    expect(cli.output()).toMatch(/in flight\s+committed up to id\n/);

    // The status page shows the same: the mode in its header, the positions in a column of their own.
    browser = await launchHeadlessBrowser();
    const page = await browser.newPage();
    await page.goto(`${api}/ui/`);
    await expect.poll(() => page.getByTestId('delivery-mode').textContent(), { timeout: 30_000 }).toBe('exactly-once');
    expect(await page.getByTestId('committed-column').isVisible()).toBe(true);
    const shown = page.getByTestId('partitions').locator('tbody tr td:nth-child(7)');
    await expect.poll(() => shown.allTextContents(), { timeout: 30_000 }).toEqual(positions.map(String));

    const samples = await scrapeMetrics(await httpUrlOf(publisher));
    const committed = metricValue(samples, `outbox_transactions_total{connector="${config.connector.name}",outcome="committed"}`);
    // At least one transaction per partition, at most one per event.
    expect(committed).toBeGreaterThanOrEqual(4);
    expect(committed).toBeLessThanOrEqual(200);
  });
});
