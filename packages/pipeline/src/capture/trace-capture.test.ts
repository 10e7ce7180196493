import type { EventTracer, OutboxEvent, PublishJobData } from '@outbox/contracts';
import { describe, expect, it } from 'vitest';
import { traceJob } from '../publisher/trace-job.ts';
import { traceCapture } from './trace-capture.ts';

interface Step {
  kind: 'capture' | 'job';
  parent: string | null;
  traceparent: string;
  events: number;
  ended?: string;
}

/** A tracer whose steps are numbered: step n's traceparent ends in span id n. */
function recordingTracer() {
  const steps: Step[] = [];
  const start = (kind: Step['kind'], parent: string | null, events: number) => {
    const step: Step = {
      kind,
      parent,
      traceparent: `00-${'a'.repeat(32)}-${String(steps.length + 1).padStart(16, '0')}-01`,
      events,
    };
    steps.push(step);
    return {
      traceparent: step.traceparent,
      end: (error?: unknown) => {
        step.ended = error === undefined ? 'ok' : (error as Error).message;
      },
    };
  };
  const unused = () => {
    throw new Error('not a pipeline step');
  };
  const tracer: EventTracer = {
    request: unused,
    send: unused,
    capture: (parent, job) => start('capture', parent, job.events),
    job: (parent, job) => start('job', parent, job.events),
  };
  return { tracer, steps };
}

const request = (n: number) => `00-${'b'.repeat(32)}-${String(n).padStart(16, 'c')}-01`;
const row = (id: number, traceparent: string | null): OutboxEvent => ({
  id,
  aggregateType: 'users',
  eventId: `e-${id}`,
  aggregateId: 'a',
  eventType: 'UserCreated',
  payload: '{}',
  occurredAt: '2026-01-01T00:00:00.000Z',
  traceparent,
});
const bulkJob = (events: OutboxEvent[]): { name: string; data: PublishJobData; opts: { jobId: string } } => ({
  name: 'publish',
  data: { epoch: 'e1', partition: 2, events },
  opts: { jobId: `p2-${events[0]?.id}` },
});

describe('tracing a row across the queue', () => {
  it('captures each trace of a job once, and the publisher continues each event in its own trace', () => {
    const { tracer, steps } = recordingTracer();
    // Rows 1 and 3 were written by one request, 2 by another, 4 by an app that does not trace.
    const rows = [row(1, request(1)), row(2, request(2)), row(3, request(1)), row(4, null)];
    const captured = traceCapture(tracer, 'users-outbox-p002', [bulkJob(rows)]);
    captured.end();
    expect(steps).toEqual([
      { kind: 'capture', parent: request(1), traceparent: expect.any(String), events: 2, ended: 'ok' },
      { kind: 'capture', parent: request(2), traceparent: expect.any(String), events: 1, ended: 'ok' },
      { kind: 'capture', parent: null, traceparent: expect.any(String), events: 1, ended: 'ok' },
    ]);
    const [first, second, untraced] = steps.map((step) => step.traceparent);
    // The rows read are left alone; the job carries the capture context beside each row's own.
    expect(rows.every((event) => !('captureTraceparent' in event))).toBe(true);
    const job = captured.jobs[0];
    expect(job?.data.events.map((event) => [event.traceparent, event.captureTraceparent])).toEqual([
      [request(1), first],
      [request(2), second],
      [request(1), first],
      [null, untraced],
    ]);

    // Through Redis, as BullMQ carries it.
    const data = JSON.parse(JSON.stringify(job?.data)) as PublishJobData;
    const trace = traceJob(tracer, { queueName: 'users-outbox-p002', id: 'p2-1', data });
    const delivered = trace.withContext(data.events);
    trace.end(new Error('halted'));
    const jobSteps = steps.slice(3);
    expect(jobSteps.map(({ kind, parent, events, ended }) => ({ kind, parent, events, ended }))).toEqual([
      { kind: 'job', parent: first, events: 2, ended: 'halted' },
      { kind: 'job', parent: second, events: 1, ended: 'halted' },
      { kind: 'job', parent: untraced, events: 1, ended: 'halted' },
    ]);
    const [j1, j2, j3] = jobSteps.map((step) => step.traceparent);
    expect(delivered.map((event) => event.traceparent)).toEqual([j1, j2, j1, j3]);
    expect(data.events.map((event) => event.traceparent)).toEqual([request(1), request(2), request(1), null]);
  });

  it("continues the row's own context in a job captured without tracing", () => {
    const { tracer, steps } = recordingTracer();
    const data: PublishJobData = { epoch: 'e1', partition: 0, events: [row(1, request(1))] };
    traceJob(tracer, { queueName: 'q', id: 'p0-1', data }).end();
    expect(steps).toMatchObject([{ kind: 'job', parent: request(1), events: 1, ended: 'ok' }]);
  });

  it('ends the capture steps as failed when the queue refused the jobs', () => {
    const { tracer, steps } = recordingTracer();
    traceCapture(tracer, 'q', [bulkJob([row(1, null)])]).end(new Error('READONLY'));
    expect(steps.map((step) => step.ended)).toEqual(['READONLY']);
  });
});
