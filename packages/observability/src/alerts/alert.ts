/** What an alert is about; receivers route on it. */
export type AlertName = 'ERROR_REPEATED' | 'PARTITION_HALTED' | 'PARTITION_RESUMED' | 'DEAD_LETTERS';

export type AlertSeverity = 'critical' | 'error' | 'info';

/**
 * The JSON body POSTed to the webhook, one alert per request. Flat and self-describing, loosely
 * like one entry of an Alertmanager webhook: `alert` plays the part of its `alertname` label,
 * `details` of its annotations, and `PARTITION_RESUMED` of a `resolved` notification.
 */
export interface Alert {
  alert: AlertName;
  severity: AlertSeverity;
  /** The connector that raised it (`connector.name`). */
  connector: string;
  /** One line for a human, e.g. a chat message. */
  message: string;
  /** Facts a receiver can route or template on; which ones depends on `alert`. */
  details: Record<string, unknown>;
  /** When it was raised, ISO-8601. */
  at: string;
}

/** Where alerts go after they are logged, e.g. a webhook. */
export interface AlertSink {
  /** Takes the alert and returns at once; delivery happens later and never throws into the caller. */
  notify(alert: Alert): void;
  /** Delivers what it can of what is queued, within a bound; idempotent. */
  close(): Promise<void>;
}
