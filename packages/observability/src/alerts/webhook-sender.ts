import type { Logger } from '@outbox/logger';
import { backoffDelay, sleep } from '@outbox/runtime';
import type { Alert, AlertSink } from './alert.ts';

export interface WebhookSenderOptions {
  /** Gets each alert as a JSON POST. */
  url: string;
  logger: Logger;
  /** How long one POST may take, answer included. @defaultValue 5000 */
  timeoutMs?: number;
  /** POSTs per alert before it is logged and dropped. @defaultValue 5 */
  maxAttempts?: number;
  /** The first backoff between POSTs of one alert; it doubles, with jitter. @defaultValue 500 */
  retryInitialMs?: number;
  /** @defaultValue 30000 */
  retryMaxMs?: number;
  /** Alerts waiting to be sent; past it the oldest of the least severe are dropped. @defaultValue 1000 */
  maxQueued?: number;
  /** How long `close()` goes on sending what is queued (one attempt each) before it drops the rest. @defaultValue 2000 */
  closeTimeoutMs?: number;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

/** Why a POST failed, with the socket error's code when there is one (`fetch failed` alone says little). */
function describeFailure(error: unknown): string {
  const { message, cause } = error as Error & { cause?: { code?: string; message?: string } };
  const detail = cause?.code ?? cause?.message;
  return detail ? `${message}: ${detail}` : message;
}

const severityRank = { info: 0, error: 1, critical: 2 } as const;

/**
 * Delivers alerts to a webhook, one at a time in the order they came, away from the caller:
 * `notify()` only queues. A POST that fails (no connection, a timeout, an answer other than 2xx)
 * is tried again with capped exponential backoff, up to `maxAttempts`, then logged and dropped;
 * nothing here ever throws into the pipeline. The queue is bounded so a receiver that is down for
 * long cannot grow memory: the oldest alerts go first, since the newest say how things are now.
 */
export class WebhookSender implements AlertSink {
  readonly #url: string;
  /** Only the origin is logged: webhook paths often carry a secret. */
  readonly #target: string;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #maxQueued: number;
  readonly #closeTimeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #queue: Alert[] = [];
  /** Aborted by `close()`: no more backoff, each alert left gets one attempt. */
  readonly #stopRetrying = new AbortController();
  /** Aborted when `close()` has waited long enough: the POST under way is cut off, the rest dropped. */
  readonly #giveUp = new AbortController();
  #pumping: Promise<void> | undefined;
  #dropped = 0;
  #closed: Promise<void> | undefined;

  constructor(options: WebhookSenderOptions) {
    this.#url = options.url;
    this.#target = new URL(options.url).origin;
    this.#log = options.logger.child({ component: 'alert-webhook' });
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#retryInitialMs = options.retryInitialMs ?? 500;
    this.#retryMaxMs = options.retryMaxMs ?? 30_000;
    this.#maxQueued = options.maxQueued ?? 1000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** Queues the alert and returns at once. */
  notify(alert: Alert): void {
    if (this.#closed) {
      this.#log.warn({ alert: alert.alert }, 'alert raised after the webhook sender closed; not sent');
      return;
    }
    let keep = true;
    if (this.#queue.length >= this.#maxQueued) {
      // The least severe goes first, the oldest of those: a halt never makes way for an info line.
      const least = Math.min(...this.#queue.map((queued) => severityRank[queued.severity]));
      if (severityRank[alert.severity] < least) keep = false;
      else
        this.#queue.splice(
          this.#queue.findIndex((queued) => severityRank[queued.severity] === least),
          1,
        );
      if (this.#dropped++ === 0) {
        // One warning per burst of drops (the same turn of the event loop), not one per alert.
        setImmediate(() => {
          this.#log.warn(
            { dropped: this.#dropped, maxQueued: this.#maxQueued },
            'alert queue full: dropped the oldest of the least severe alerts',
          );
          this.#dropped = 0;
        }).unref();
      }
    }
    if (!keep) return;
    this.#queue.push(alert);
    this.#kick();
  }

  /** Stops retrying, sends what is queued for up to `closeTimeoutMs`, drops the rest; idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#stopRetrying.abort();
    const deadline = setTimeout(() => this.#giveUp.abort(), this.#closeTimeoutMs);
    try {
      while (this.#pumping) await this.#pumping;
    } finally {
      clearTimeout(deadline);
    }
    if (this.#queue.length > 0) {
      this.#log.error(
        { webhook: this.#target, dropped: this.#queue.length, alerts: this.#queue.map((a) => a.alert) },
        'closing: alerts not sent in time dropped',
      );
      this.#queue.length = 0;
    }
  }

  #kick(): void {
    if (this.#pumping || this.#giveUp.signal.aborted) return;
    this.#pumping = this.#pump()
      .catch((error: unknown) => this.#log.error({ err: error }, 'alert webhook sender failed'))
      .finally(() => {
        this.#pumping = undefined;
        // An alert queued while the loop was finishing must not wait for the next one.
        if (this.#queue.length > 0) this.#kick();
      });
  }

  async #pump(): Promise<void> {
    for (let alert = this.#queue.shift(); alert; alert = this.#queue.shift()) {
      await this.#deliver(alert);
      if (this.#giveUp.signal.aborted) return;
    }
  }

  async #deliver(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    let attempt = 1;
    for (; ; attempt++) {
      const failure = await this.#post(body);
      if (failure === undefined) return;
      if (attempt >= this.#maxAttempts || this.#stopRetrying.signal.aborted) {
        this.#log.error(
          { webhook: this.#target, alert: alert.alert, attempts: attempt, error: failure },
          'alert not delivered to the webhook; dropped',
        );
        return;
      }
      const delayMs = backoffDelay(attempt, { initialMs: this.#retryInitialMs, maxMs: this.#retryMaxMs });
      this.#log.warn(
        { webhook: this.#target, alert: alert.alert, attempt, delayMs, error: failure },
        'alert webhook failed; retrying',
      );
      await sleep(delayMs, this.#stopRetrying.signal);
    }
  }

  /** One POST; returns why it failed, or nothing when the receiver took it. */
  async #post(body: string): Promise<string | undefined> {
    try {
      const response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#giveUp.signal]),
      });
      // Read to the end either way, so the connection can be reused; the text helps with a failure.
      const text = await response.text();
      if (response.ok) return undefined;
      return `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    } catch (error) {
      return describeFailure(error);
    }
  }
}
