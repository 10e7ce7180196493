import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultPartitions } from '@outbox/config';
import { projectRoot } from '@outbox/infra';
import { appendOutboxEvent, openDatabase } from '@outbox/outbox-store';
import { httpUrlOf, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchHeadlessBrowser } from '../support/headless-browser.ts';

/** The committed screenshot in docs/operations.md; taken when missing (delete it to take a new one). */
const readmeScreenshot = join(projectRoot, 'docs', 'status-page.png');
const token = 'status-page-test-token';

const start = useApps();
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

const numberIn = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute('data-value'));

/** Waits for the page to show the connector in `state`; a failure says what the page said. */
async function connectorState(page: Page, state: 'RUNNING' | 'PAUSED'): Promise<void> {
  await waitFor(
    `the page to show the connector ${state}`,
    async () => {
      if ((await page.getByTestId('connector-state').getAttribute('data-value')) === state) return true;
      throw new Error(
        `the page shows ${await page.getByTestId('connector-state').textContent()}; banner: ${await page.getByTestId('error').textContent()}`,
      );
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

/** Waits until the page's published counter has not moved for `quietMs`, and returns it. */
async function publishedSettles(page: Page, quietMs: number): Promise<number> {
  let last = await numberIn(page, 'published-count');
  let since = Date.now();
  return waitFor(
    'the published counter to stop once in-flight work drained',
    async () => {
      const now = await numberIn(page, 'published-count');
      if (now !== last) [last, since] = [now, Date.now()];
      return Date.now() - since >= quietMs && now;
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

describe('the status page, in a real browser', () => {
  it('shows events flowing, pauses and resumes the connector, shows any connector of the worker, and lists every partition queue read-only in Bull Board', async () => {
    const { env, config, dir } = testEnvironment({ OUTBOX_HTTP_TOKEN: token, OUTBOX_CONNECTOR_NAME: 'users-outbox' });
    const capture = start('capture-worker', env);
    for (const name of ['publisher-a', 'publisher-b']) start('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: name });
    const url = await httpUrlOf(capture);
    // About 50 s of steady traffic: the page is watched while it flows.
    start('cli', env, ['load', '--events', '15000', '--aggregates', '200', '--rate', '300']);

    // A second connector, created through the API on a database of its own, with a few events.
    const ordersDb = join(dir, 'orders.sqlite');
    openDatabase(ordersDb).close();
    const orders = {
      'sqlite.path': ordersDb,
      'outbox.table': 'orders_outbox',
      'outbox.aggregateType': 'orders',
      'pipeline.partitions': '2',
    };
    const created = await fetch(`${url}/connectors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'orders', config: orders }),
    });
    expect(created.status, await created.text()).toBe(201);
    const db = openDatabase(ordersDb);
    for (let i = 0; i < 20; i++)
      appendOutboxEvent(db, 'orders_outbox', { aggregateId: i % 5, eventType: 'OrderPlaced', payload: { i } });
    db.close();

    browser = await launchHeadlessBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    // Without the token the page asks for it, then sends it as a header and a cookie.
    const first = await page.goto(`${url}/ui/`);
    expect(first?.status()).toBe(401);
    await page.locator('input[name="token"]').fill(token);
    await page.locator('button[type="submit"]').click();
    await page.getByTestId('connector-name').filter({ hasText: config.connector.name }).waitFor({ timeout: 60_000 });
    await connectorState(page, 'RUNNING');
    // At-least-once (the default) has no committed positions: their column stays hidden.
    expect(await page.getByTestId('delivery-mode').textContent()).toBe('at-least-once');
    expect(await page.getByTestId('committed-column').isHidden()).toBe(true);

    // The counters change while events flow.
    const before = await waitFor('events to be published', async () => (await numberIn(page, 'published-count')) || undefined, {
      timeoutMs: 90_000,
    });
    await waitFor('the published counter to move', async () => (await numberIn(page, 'published-count')) > before, {
      timeoutMs: 60_000,
    });
    await expect.poll(() => page.getByTestId('partitions').locator('tbody tr').count()).toBe(defaultPartitions);

    // Pause: publishers finish the job each holds, then the counter holds still while the load goes on.
    await page.getByTestId('pause-button').click();
    await connectorState(page, 'PAUSED');
    const held = await publishedSettles(page, 1500);
    await delay(3000);
    // Still polling, so a counter that holds still is the connector's, not a page that stopped.
    await page.waitForResponse((response) => response.url().endsWith('/status') && response.ok(), { timeout: 30_000 });
    expect(await numberIn(page, 'published-count')).toBe(held);

    // Resume: it moves again.
    await page.getByTestId('resume-button').click();
    await connectorState(page, 'RUNNING');
    await expect.poll(() => page.getByTestId('connector-state').getAttribute('data-value'), { timeout: 30_000 }).toBe('RUNNING');
    await waitFor('the published counter to move after resuming', async () => (await numberIn(page, 'published-count')) > held, {
      timeoutMs: 60_000,
    });

    // The committed picture is taken only when it is missing; then some flow after the dip shows
    // in it, and the charts are given a moment to draw. Otherwise the screenshot goes to the test's
    // directory and nothing waits for the picture's sake.
    const forReadme = !existsSync(readmeScreenshot);
    if (forReadme) await delay(8000);
    // A fresh page (signed in by the cookie) shows the minutes before it was opened, from the server's history.
    const shot = await context.newPage();
    await shot.goto(`${url}/ui/?minutes=1`);
    await shot.getByTestId('chart-throughput').locator('polyline').first().waitFor({ state: 'attached', timeout: 30_000 });
    if (forReadme) await delay(2000);
    await shot.screenshot({ path: forReadme ? readmeScreenshot : join(dir, 'status-page.png') });

    // Any connector of the worker: chosen in the page, or named in its address.
    await page.getByTestId('connector-select').selectOption('orders', { timeout: 30_000 });
    await page.getByTestId('connector-name').filter({ hasText: 'orders' }).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('connector')).toBe('orders');
    await waitFor('the orders to be published', async () => (await numberIn(page, 'published-count')) >= 20, {
      timeoutMs: 60_000,
    });
    await expect.poll(() => page.getByTestId('partitions').locator('tbody tr').count()).toBe(2);
    await page.getByTestId('chart-throughput').locator('polyline').first().waitFor({ state: 'attached', timeout: 30_000 });
    const direct = await context.newPage();
    await direct.goto(`${url}/ui/?connector=orders`);
    await direct.getByTestId('connector-name').filter({ hasText: 'orders' }).waitFor({ timeout: 30_000 });
    expect(await direct.getByTestId('connector-select').inputValue()).toBe('orders');

    // Bull Board lists every partition queue; the token cookie the page set lets it in.
    const queueName = (p: number, connector = config.connector.name) => `${connector}-p${String(p).padStart(3, '0')}`;
    await page.goto(`${url}/ui/queues`);
    await page.getByText(queueName(0), { exact: true }).first().waitFor({ timeout: 60_000 });

    // Read-only: every queue says so, and an action is refused without touching the queue.
    const auth = { authorization: `Bearer ${token}` };
    const listed = (await (await fetch(`${url}/ui/queues/api/queues`, { headers: auth })).json()) as {
      queues: { name: string; readOnlyMode: boolean }[];
    };
    expect(listed.queues.map((q) => q.name).sort()).toEqual(
      [
        ...Array.from({ length: defaultPartitions }, (_, p) => queueName(p)),
        queueName(0, 'orders'),
        queueName(1, 'orders'),
      ].sort(),
    );
    expect(listed.queues.every((q) => q.readOnlyMode)).toBe(true);
    for (const action of ['pause', 'promote', 'clean/completed', 'retry/failed', 'empty']) {
      const refused = await fetch(`${url}/ui/queues/api/queues/${queueName(0)}/${action}`, { method: 'PUT', headers: auth });
      expect(refused.status, action).toBe(405);
    }
    const status = (await (await fetch(`${url}/connectors/${config.connector.name}/status`, { headers: auth })).json()) as {
      tasks: { state: string }[];
    };
    expect(status.tasks[0]?.state).not.toBe('PAUSED');
  }, 300_000);
});
