import { setTimeout as delay } from 'node:timers/promises';
import { OutboxError } from '@outbox/errors';

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
}

export interface BackoffOptions {
  /** The delay before the second attempt, before jitter. */
  initialMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** A number in [0, 1); injected so tests can pin it. @defaultValue Math.random */
  random?: () => number;
}

/**
 * Capped exponential backoff with "equal jitter": half the delay is fixed and half random, so
 * retries of many partitions spread out but never collapse to zero.
 * `attempt` counts from 1 (the delay after the first failure).
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const exponential = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

export interface RetryForeverOptions extends Partial<BackoffOptions> {
  /** Called before each wait with the error and the delay, e.g. to log what cannot be reached. */
  onRetry: (error: unknown, attempt: number, delayMs: number) => void;
  /** Stops the retries; the last error is thrown. */
  signal?: AbortSignal;
  /** Errors for which waiting cannot help (bad configuration) are thrown at once. @defaultValue every error is retried */
  retryIf?: (error: unknown) => boolean;
}

/**
 * Runs `task` until it succeeds, backing off between failures. For dependencies that must come
 * up eventually (a broker at start-up), not for work whose attempts are bounded.
 */
export async function retryForever<T>(task: () => Promise<T>, options: RetryForeverOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (options.signal?.aborted || options.retryIf?.(error) === false) throw error;
      const delayMs = backoffDelay(attempt, { initialMs: options.initialMs ?? 500, maxMs: options.maxMs ?? 10_000 });
      options.onRetry(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

/** What {@link withTimeout} rejects with when the work did not answer in time. */
export class TimeoutError extends OutboxError {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`, { code: 'TIMEOUT', retriable: true });
  }
}

/** `work`, or a {@link TimeoutError} once `ms` have passed without an answer. */
export function withTimeout<T>(work: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
  });
  return Promise.race([work(), timeout]).finally(() => clearTimeout(timer));
}
