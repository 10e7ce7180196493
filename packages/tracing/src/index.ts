export { type StartTracingOptions, startTracing } from './start-tracing.ts';
export type { Tracing, TracingSettings } from './tracing.ts';
