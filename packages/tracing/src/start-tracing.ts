import type { Logger } from '@outbox/logger';
import type { Tracing, TracingSettings } from './tracing.ts';

export interface StartTracingOptions {
  /** The `service.name` unless `OTEL_SERVICE_NAME` sets one, e.g. `outbox-publisher`. */
  service: string;
  logger: Logger;
}

/**
 * Starts tracing when an endpoint is configured; otherwise returns nothing, and costs nothing: the
 * OpenTelemetry SDK and exporter are imported only here, only then.
 */
export async function startTracing(
  config: { tracing: TracingSettings; connector: { name: string } },
  { service, logger }: StartTracingOptions,
): Promise<Tracing | undefined> {
  const { url } = config.tracing;
  if (url === undefined) return undefined;
  const { startOtelTracing } = await import('./otel-tracing.ts');
  return startOtelTracing(
    { ...config.tracing, url },
    { service: config.tracing.serviceName ?? service, connector: config.connector.name, logger },
  );
}
