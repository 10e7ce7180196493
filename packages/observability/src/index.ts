export type { Alert, AlertName, AlertSeverity, AlertSink } from './alerts/alert.ts';
export { type AlertClock, systemClock } from './alerts/alert-clock.ts';
export { AlertNotifier, type AlertNotifierOptions } from './alerts/alert-notifier.ts';
export { type AlertsConfig, type CreateAlertNotifierOptions, createAlertNotifier } from './alerts/create-alert-notifier.ts';
export { WebhookSender, type WebhookSenderOptions } from './alerts/webhook-sender.ts';
export { createOpsServer, listen, type OpsServerOptions, type ReadinessCheck } from './ops-server.ts';
export { type ConnectorGauges, type ConnectorMetrics, PipelineMetrics } from './pipeline-metrics.ts';
