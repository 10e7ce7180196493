import type { Logger } from '@outbox/logger';
import type { AlertClock } from './alert-clock.ts';
import { AlertNotifier } from './alert-notifier.ts';
import { WebhookSender } from './webhook-sender.ts';

/** The `alerts` section of the config (`@outbox/config`), by shape so this package does not depend on it. */
export interface AlertsConfig {
  webhookUrl?: string | undefined;
  errorThreshold: number;
  windowMs: number;
  webhookTimeoutMs: number;
  webhookMaxAttempts: number;
  webhookRetryInitialMs: number;
  webhookRetryMaxMs: number;
}

export interface CreateAlertNotifierOptions {
  alerts: AlertsConfig;
  connector: string;
  logger: Logger;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** @defaultValue the system clock */
  clock?: AlertClock;
}

/**
 * The alerts of one process, from config: logged always, and POSTed to the webhook when one is
 * set. Pass it to the workers as an observer and close it on shutdown.
 */
export function createAlertNotifier(options: CreateAlertNotifierOptions): AlertNotifier {
  const { alerts, logger } = options;
  const sink = alerts.webhookUrl
    ? new WebhookSender({
        url: alerts.webhookUrl,
        logger,
        timeoutMs: alerts.webhookTimeoutMs,
        maxAttempts: alerts.webhookMaxAttempts,
        retryInitialMs: alerts.webhookRetryInitialMs,
        retryMaxMs: alerts.webhookRetryMaxMs,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      })
    : undefined;
  return new AlertNotifier({
    connector: options.connector,
    logger,
    errorThreshold: alerts.errorThreshold,
    windowMs: alerts.windowMs,
    ...(sink ? { sink } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
