import type { Config } from '@outbox/config';
import type { EventTracer } from '@outbox/contracts';

/** The `tracing` section of the configuration (OpenTelemetry's variables). */
export type TracingSettings = Config['tracing'];

/** A process's tracing, started: the tracer its components are given, and how to flush and stop it. */
export interface Tracing {
  tracer: EventTracer;
  /** Exports the spans still buffered (for at most a few seconds) and stops; failures are logged. */
  close(): Promise<void>;
}
