import {
  type Attributes,
  type Context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { EventTracer, TracedJob, TraceStep } from '@outbox/contracts';

const propagator = new W3CTraceContextPropagator();

/** The context a W3C traceparent names; the root (a new trace) for none or one that cannot be read. */
function parentContext(traceparent: string | null | undefined): Context {
  return traceparent ? propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter) : ROOT_CONTEXT;
}

/** A span's context as a W3C traceparent (what the propagator would inject, without `tracestate`). */
function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

function step(tracer: Tracer, name: string, options: SpanOptions, parent: string | null | undefined): TraceStep {
  const span = tracer.startSpan(name, options, parentContext(parent));
  return {
    traceparent: traceparentOf(span),
    end(error, attributes) {
      if (attributes) span.setAttributes(attributes);
      if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      span.end();
    },
  };
}

function jobAttributes(job: TracedJob, operation: 'send' | 'process'): Attributes {
  return {
    'messaging.system': 'bullmq',
    'messaging.operation.type': operation,
    'messaging.destination.name': job.queue,
    'messaging.message.id': job.jobId,
    'messaging.batch.message_count': job.events,
    'outbox.partition': job.partition,
  };
}

/**
 * The pipeline's steps as OpenTelemetry spans (docs/architecture.md, "Traces"): the writer's
 * request a SERVER span, the capture of a job's rows a PRODUCER span into the partition's queue,
 * the publisher's work on them a CONSUMER span, and each Kafka send a PRODUCER span with the
 * messaging attributes of OpenTelemetry's semantic conventions. `connector` names the queue spans.
 */
export function otelEventTracer(tracer: Tracer, connector: string): EventTracer {
  return {
    request: (parent, { method, route }) =>
      step(
        tracer,
        `${method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
        parent,
      ),
    capture: (parent, job) =>
      step(tracer, `capture ${connector}`, { kind: SpanKind.PRODUCER, attributes: jobAttributes(job, 'send') }, parent),
    job: (parent, job) =>
      step(tracer, `publish ${connector}`, { kind: SpanKind.CONSUMER, attributes: jobAttributes(job, 'process') }, parent),
    send: (parent, { topic, key, eventId }) => {
      const attributes: Attributes = {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': topic,
      };
      if (key !== null) attributes['messaging.kafka.message.key'] = key;
      if (eventId !== null) attributes['messaging.message.id'] = eventId;
      return step(tracer, `send ${topic}`, { kind: SpanKind.PRODUCER, attributes }, parent);
    },
  };
}
