import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { otelEventTracer } from './otel-event-tracer.ts';

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  return { exporter, tracer: otelEventTracer(provider.getTracer('test'), 'users-outbox') };
}

const ids = (traceparent: string) => {
  const [, traceId, spanId, flags] = traceparent.split('-');
  return { traceId, spanId, flags };
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const job = { queue: 'users-outbox-p003', jobId: 'p3-1-1-abc', partition: 3, events: 1 };

describe('otelEventTracer', () => {
  it("chains the writer's request, the capture, the job and the send in the caller's trace", () => {
    const { exporter, tracer } = setup();
    const caller = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const request = tracer.request(caller, { method: 'POST', route: '/users' });
    const capture = tracer.capture(request.traceparent, job);
    const publish = tracer.job(capture.traceparent, job);
    const send = tracer.send(publish.traceparent, { topic: 'outbox.event.users', key: '7', eventId: 'e-1' });
    for (const step of [send, publish, capture]) step.end();
    request.end(undefined, { 'http.response.status_code': 201 });

    const spans = new Map(exporter.getFinishedSpans().map((span) => [span.spanContext().spanId, span]));
    expect(spans.size).toBe(4);
    const steps = [request, capture, publish, send].map((s) => ids(s.traceparent));
    for (const { traceId, flags } of steps) expect({ traceId, flags }).toEqual({ traceId: ids(caller).traceId, flags: '01' });
    const found = steps.map(({ spanId }) => spans.get(spanId ?? ''));
    expect(found.map((span) => span && [span.name, span.kind, parentOf(span)])).toEqual([
      ['POST /users', SpanKind.SERVER, ids(caller).spanId],
      ['capture users-outbox', SpanKind.PRODUCER, steps[0]?.spanId],
      ['publish users-outbox', SpanKind.CONSUMER, steps[1]?.spanId],
      ['send outbox.event.users', SpanKind.PRODUCER, steps[2]?.spanId],
    ]);
    const [r, c, , s] = found;
    expect(r?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/users',
      'http.response.status_code': 201,
    });
    expect(c?.attributes).toMatchObject({ 'messaging.destination.name': 'users-outbox-p003', 'messaging.message.id': job.jobId });
    expect(s?.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': 'outbox.event.users',
      'messaging.kafka.message.key': '7',
      'messaging.message.id': 'e-1',
    });
  });

  it('starts a trace when there is no parent or one that cannot be read', () => {
    const { exporter, tracer } = setup();
    for (const parent of [null, 'not a traceparent', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      tracer.capture(parent, job).end();
    }
    const spans = exporter.getFinishedSpans();
    expect(spans.map(parentOf)).toEqual([undefined, undefined, undefined]);
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(3);
  });

  it('keeps a trace its caller did not sample unsampled: nothing recorded, the decision passed on', () => {
    const { exporter, tracer } = setup();
    const request = tracer.request('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00', {
      method: 'POST',
      route: '/users',
    });
    const capture = tracer.capture(request.traceparent, job);
    capture.end();
    request.end();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(ids(capture.traceparent)).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', flags: '00' });
  });

  it('marks a failed step as an error, with its message', () => {
    const { exporter, tracer } = setup();
    tracer.send(null, { topic: 't', key: null, eventId: null }).end(new Error('MESSAGE_TOO_LARGE'));
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'MESSAGE_TOO_LARGE' });
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });
});
