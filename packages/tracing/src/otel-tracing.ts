import { DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Logger } from '@outbox/logger';
import { withTimeout } from '@outbox/runtime';
import { otelEventTracer } from './otel-event-tracer.ts';
import type { Tracing, TracingSettings } from './tracing.ts';

/** How long closing waits for the last spans to reach the collector: a shutdown must not hang on it. */
const flushTimeoutMs = 5000;

function samplerOf({ sampler, samplerRatio }: TracingSettings): Sampler {
  const root = sampler.endsWith('always_on')
    ? new AlwaysOnSampler()
    : sampler.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new TraceIdRatioBasedSampler(samplerRatio);
  return sampler.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

let diagnosticsRouted = false;

/**
 * The exporter reports what fails (a collector that cannot be reached, an answer it refused) through
 * OpenTelemetry's diagnostics, which are process-wide: routed once to the first logger.
 */
function routeDiagnostics(logger: Logger): void {
  if (diagnosticsRouted) return;
  diagnosticsRouted = true;
  const log = (message: string, ...args: unknown[]) => logger.warn({ details: args.length > 0 ? args : undefined }, message);
  diag.setLogger({ error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
}

/**
 * OpenTelemetry's SDK, started for one process (or one service of the demo's process): spans are
 * batched and posted as OTLP/HTTP JSON by the SDK's own exporter. Nothing is registered globally,
 * so the services of one process each keep their own `service.name`.
 */
export function startOtelTracing(
  settings: TracingSettings & { url: string },
  { service, connector, logger }: { service: string; connector: string; logger: Logger },
): Tracing {
  const log = logger.child({ component: 'tracing' });
  routeDiagnostics(log);
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': service })),
    sampler: samplerOf(settings),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.url }) })],
  });
  const endpoint = new URL(settings.url);
  log.info(
    { endpoint: `${endpoint.origin}${endpoint.pathname}`, service, sampler: settings.sampler },
    'tracing: spans are exported over OTLP/HTTP',
  );
  return {
    tracer: otelEventTracer(provider.getTracer('outbox-relay'), connector),
    close: () =>
      withTimeout(() => provider.shutdown(), flushTimeoutMs).catch((error: unknown) =>
        log.warn({ err: error }, 'tracing: the last spans could not be exported'),
      ),
  };
}
