import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@outbox/logger';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { WebhookSender, type WebhookSenderOptions } from './webhook-sender.ts';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** A real HTTP receiver on a local port, recording what it got. */
async function startReceiver(port = 0, handler: Handler = (_q, response) => response.end('ok')) {
  const received: { body: unknown; contentType: string | undefined }[] = [];
  let handle = handler;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ body: JSON.parse(body), contentType: request.headers['content-type'] });
      handle(request, response, body);
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/hooks/alerts`,
    port: actual,
    received,
    alerts: () => received.map((r) => (r.body as Alert).message),
    setHandler: (next: Handler) => {
      handle = next;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A port nothing listens on (for now): connections are refused. */
async function closedPort(): Promise<number> {
  const probe = await startReceiver();
  await probe.close();
  return probe.port;
}

function alert(n: number, severity: Alert['severity'] = 'error'): Alert {
  return {
    alert: 'DEAD_LETTERS',
    severity,
    connector: 'users-outbox',
    message: `alert ${n}`,
    details: { count: n },
    at: '2030-01-01T00:00:00.000Z',
  };
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((c) => c()));
});

function sender(url: string, options: Partial<WebhookSenderOptions> = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const webhook = new WebhookSender({
    url,
    logger: createLogger({ level: 'info', format: 'json', destination }),
    retryInitialMs: 20,
    retryMaxMs: 100,
    timeoutMs: 1000,
    ...options,
  });
  cleanup.push(() => webhook.close());
  return { webhook, lines, messages: () => lines.map((l) => l.msg) };
}

async function receiver(port?: number, handler?: Handler): Promise<Receiver> {
  const started = await startReceiver(port, handler);
  cleanup.push(() => started.close());
  return started;
}

describe('WebhookSender', () => {
  it('POSTs each alert as JSON, in order, and notify() returns before anything is sent', async () => {
    const hook = await receiver();
    const { webhook } = sender(hook.url);
    webhook.notify(alert(1));
    webhook.notify(alert(2));
    expect(hook.received).toEqual([]);
    await waitUntil('both alerts', () => hook.received.length === 2);
    expect(hook.received).toEqual([
      { body: alert(1), contentType: 'application/json' },
      { body: alert(2), contentType: 'application/json' },
    ]);
  });

  it('keeps trying while the receiver refuses connections, and delivers once it is up', async () => {
    const port = await closedPort();
    const { webhook, lines } = sender(`http://127.0.0.1:${port}/hook`, { maxAttempts: 50 });
    webhook.notify(alert(1));
    await waitUntil('a failed attempt', () => lines.some((l) => l.msg === 'alert webhook failed; retrying'));
    expect(lines[0]).toMatchObject({
      webhook: `http://127.0.0.1:${port}`,
      attempt: 1,
      error: expect.stringMatching(/ECONNREFUSED/),
    });

    const hook = await receiver(port);
    await waitUntil('the alert', () => hook.received.length === 1);
    expect(hook.alerts()).toEqual(['alert 1']);
  });

  it('retries answers other than 2xx, then delivers', async () => {
    let calls = 0;
    const hook = await receiver(0, (_q, response) => {
      calls++;
      response.statusCode = calls <= 2 ? 503 : 204;
      response.end(calls <= 2 ? 'warming up' : undefined);
    });
    const { webhook, lines } = sender(hook.url);
    webhook.notify(alert(1));
    webhook.notify(alert(2));
    await waitUntil('both alerts', () => calls === 4);
    expect(hook.alerts()).toEqual(['alert 1', 'alert 1', 'alert 1', 'alert 2']);
    expect(lines.filter((l) => l.msg === 'alert webhook failed; retrying').map((l) => l.error)).toEqual([
      'HTTP 503: warming up',
      'HTTP 503: warming up',
    ]);
  });

  it('gives up on a POST that takes longer than the timeout and tries again', async () => {
    let calls = 0;
    const hook = await receiver(0, (_q, response) => {
      // The first request hangs; later ones are answered.
      if (++calls > 1) response.end();
    });
    const { webhook, lines } = sender(hook.url, { timeoutMs: 200 });
    const started = Date.now();
    webhook.notify(alert(1));
    await waitUntil('a second attempt', () => calls === 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(lines[0]).toMatchObject({ msg: 'alert webhook failed; retrying', error: expect.stringMatching(/timeout/i) });
  });

  it('drops an alert after maxAttempts, logs it at error, and goes on with the next', async () => {
    let calls = 0;
    const hook = await receiver(0, (_q, response) => {
      calls++;
      response.statusCode = calls <= 3 ? 500 : 200;
      response.end();
    });
    const { webhook, lines } = sender(hook.url, { maxAttempts: 3 });
    webhook.notify(alert(1));
    webhook.notify(alert(2));
    await waitUntil('the second alert', () => calls === 4);
    expect(hook.alerts()).toEqual(['alert 1', 'alert 1', 'alert 1', 'alert 2']);
    expect(lines.find((l) => l.level === 50)).toMatchObject({
      msg: 'alert not delivered to the webhook; dropped',
      alert: 'DEAD_LETTERS',
      attempts: 3,
      error: 'HTTP 500',
    });
  });

  it('bounds its queue: when full, the oldest waiting alerts are dropped with one warning', async () => {
    const waiting: ServerResponse[] = [];
    const hook = await receiver(0, (_q, response) => {
      waiting.push(response);
    });
    const { webhook, lines } = sender(hook.url, { maxQueued: 3, timeoutMs: 10_000 });
    for (let n = 1; n <= 10; n++) webhook.notify(alert(n));
    await waitUntil('the first POST', () => waiting.length === 1);
    await waitUntil('the warning', () => lines.some((l) => l.level === 40));
    expect(lines.filter((l) => l.level === 40)).toEqual([
      expect.objectContaining({
        msg: 'alert queue full: dropped the oldest of the least severe alerts',
        dropped: 6,
        maxQueued: 3,
      }),
    ]);
    // Answered one by one: the one in flight, then the newest three.
    while (hook.received.length < 4) {
      await waitUntil('a request', () => waiting.length > 0);
      waiting.shift()?.end();
    }
    expect(hook.alerts()).toEqual(['alert 1', 'alert 8', 'alert 9', 'alert 10']);
  });

  it('drops the least severe alerts first when its queue is full', async () => {
    const waiting: ServerResponse[] = [];
    const hook = await receiver(0, (_q, response) => {
      waiting.push(response);
    });
    const { webhook } = sender(hook.url, { maxQueued: 2, timeoutMs: 10_000 });
    webhook.notify(alert(1));
    await waitUntil('the first POST', () => waiting.length === 1);
    webhook.notify(alert(2, 'critical'));
    webhook.notify(alert(3, 'info'));
    webhook.notify(alert(4, 'error'));
    webhook.notify(alert(5, 'info'));
    while (hook.received.length < 3) {
      await waitUntil('a request', () => waiting.length > 0);
      waiting.shift()?.end();
    }
    expect(hook.alerts()).toEqual(['alert 1', 'alert 2', 'alert 4']);
  });

  it('on close, stops retrying and sends what is queued, once each', async () => {
    let calls = 0;
    const hook = await receiver(0, (_q, response) => {
      response.statusCode = ++calls === 1 ? 503 : 200;
      response.end();
    });
    const { webhook } = sender(hook.url, { retryInitialMs: 60_000, retryMaxMs: 60_000 });
    webhook.notify(alert(1));
    webhook.notify(alert(2));
    webhook.notify(alert(3));
    await waitUntil('the first attempt', () => calls === 1);
    const started = Date.now();
    await Promise.all([webhook.close(), webhook.close()]);
    expect(Date.now() - started).toBeLessThan(1000);
    // Alert 1 had its one more attempt instead of a minute's backoff.
    expect(hook.alerts()).toEqual(['alert 1', 'alert 1', 'alert 2', 'alert 3']);
  });

  it('on close, waits a bounded time for a receiver that does not answer, then drops the rest', async () => {
    const hook = await receiver(0, () => undefined);
    const { webhook, lines } = sender(hook.url, { timeoutMs: 60_000, closeTimeoutMs: 300 });
    webhook.notify(alert(1));
    webhook.notify(alert(2));
    await waitUntil('the first POST', () => hook.received.length === 1);
    const started = Date.now();
    await webhook.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      'alert not delivered to the webhook; dropped',
      'closing: alerts not sent in time dropped',
    ]);
    webhook.notify(alert(3));
    expect(lines.at(-1)).toMatchObject({ level: 40, msg: 'alert raised after the webhook sender closed; not sent' });
    expect(hook.received).toHaveLength(1);
  });
});
