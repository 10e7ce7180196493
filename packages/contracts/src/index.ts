export type { EventTracer, JobEvent, TracedJob, TraceStep } from './event-tracer.ts';
export type { OutboxEvent, OutboxKey, OutboxRow } from './outbox-event.ts';
export type { PipelineObserver } from './pipeline-observer.ts';
export type { CaptureTimeline, PublishJobData } from './publish-job.ts';
