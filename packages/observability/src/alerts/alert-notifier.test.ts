import { Writable } from 'node:stream';
import type { PipelineObserver } from '@outbox/contracts';
import { createLogger } from '@outbox/logger';
import { describe, expect, it } from 'vitest';
import type { Alert, AlertSink } from './alert.ts';
import type { AlertClock } from './alert-clock.ts';
import { AlertNotifier } from './alert-notifier.ts';

/** A clock moved by hand: `advance` runs the tasks that fall due, in order. */
function manualClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  let now = start;
  const tasks = new Set<{ at: number; task: () => void }>();
  const clock: AlertClock & { advance(ms: number): void; pending(): number } = {
    now: () => now,
    schedule: (ms, task) => {
      const entry = { at: now + ms, task };
      tasks.add(entry);
      return () => tasks.delete(entry);
    },
    advance: (ms) => {
      const end = now + ms;
      for (;;) {
        const due = [...tasks].filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        tasks.delete(due);
        now = due.at;
        due.task();
      }
      now = end;
    },
    pending: () => tasks.size,
  };
  return clock;
}

function setup(options: { errorThreshold?: number; windowMs?: number } = {}) {
  const clock = manualClock();
  const sent: Alert[] = [];
  let closed = 0;
  const sink: AlertSink = {
    notify: (alert) => sent.push(alert),
    close: async () => {
      closed++;
    },
  };
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({ level: 'info', format: 'json', destination });
  const notifier = new AlertNotifier({ connector: 'users-outbox', logger, sink, clock, windowMs: 60_000, ...options });
  return { clock, sent, lines, notifier, closed: () => closed };
}

type OutboxEvent = Parameters<Required<PipelineObserver>['deadLettered']>[0]['event'];

function event(id: number): OutboxEvent {
  return {
    id,
    aggregateType: 'users',
    eventId: `event-${id}`,
    aggregateId: String(id % 3),
    eventType: 'UserRenamed',
    payload: '{oops',
    occurredAt: '2030-01-01T00:00:00.000Z',
    traceparent: null,
  };
}

const retry = (errorType: string, message = 'boom') => ({ partition: 2, errorType, message, attempt: 1, delayMs: 100 });
const letter = (id: number) => ({
  partition: 1,
  event: event(id),
  errorType: 'INVALID_PAYLOAD',
  message: 'the payload is not valid JSON',
  dlqTopic: 'outbox.dlq.users',
});

describe('AlertNotifier', () => {
  it('raises ERROR_REPEATED when one error kind reaches the threshold within the window, once per window', () => {
    const { clock, sent, notifier, lines } = setup({ errorThreshold: 3 });
    notifier.retried(retry('NETWORK'));
    clock.advance(10_000);
    notifier.errored({ component: 'capture', errorType: 'NETWORK', message: 'first' });
    notifier.retried(retry('REQUEST_TIMED_OUT'));
    expect(sent).toEqual([]);

    clock.advance(10_000);
    notifier.retried(retry('NETWORK', 'connect ECONNREFUSED'));
    expect(sent).toEqual([
      {
        alert: 'ERROR_REPEATED',
        severity: 'error',
        connector: 'users-outbox',
        message: 'NETWORK failed 3 times in 60 s, last: connect ECONNREFUSED',
        details: { errorType: 'NETWORK', count: 3, windowMs: 60_000, lastMessage: 'connect ECONNREFUSED', partition: 2 },
        at: '2030-01-01T00:00:20.000Z',
      },
    ]);
    expect(lines.at(-1)).toMatchObject({ level: 50, alert: 'ERROR_REPEATED', connector: 'users-outbox' });

    // Still failing within the window: no alert storm.
    for (let i = 0; i < 50; i++) notifier.retried(retry('NETWORK'));
    expect(sent).toHaveLength(1);

    // A window later, still failing: one more.
    clock.advance(60_000);
    notifier.retried(retry('NETWORK'));
    expect(sent).toHaveLength(1);
    notifier.retried(retry('NETWORK'));
    notifier.retried(retry('NETWORK'));
    expect(sent).toHaveLength(2);
    expect(sent[1]?.details).toMatchObject({ errorType: 'NETWORK', count: 3 });
  });

  it('does not count occurrences that left the window', () => {
    const { clock, sent, notifier } = setup({ errorThreshold: 3 });
    for (let i = 0; i < 10; i++) {
      notifier.retried(retry('NETWORK'));
      clock.advance(31_000);
    }
    expect(sent).toEqual([]);
  });

  it('raises PARTITION_HALTED once per halt, and PARTITION_RESUMED only after a halt it reported', () => {
    const { sent, notifier, lines } = setup();
    notifier.resumed(4);
    notifier.halted(4, '3 attempts failed, last: NETWORK: connect ECONNREFUSED');
    notifier.halted(4, 'again');
    notifier.resumed(4);
    notifier.resumed(4);
    expect(sent.map((a) => [a.alert, a.severity, a.details])).toEqual([
      ['PARTITION_HALTED', 'critical', { partition: 4, reason: '3 attempts failed, last: NETWORK: connect ECONNREFUSED' }],
      ['PARTITION_RESUMED', 'info', { partition: 4 }],
    ]);
    expect(lines.map((l) => [l.level, l.alert])).toEqual([
      [50, 'PARTITION_HALTED'],
      [30, 'PARTITION_RESUMED'],
    ]);
  });

  it('sends the first dead letter at once and gathers the rest of the window into one alert', () => {
    const { clock, sent, notifier } = setup();
    notifier.deadLettered(letter(1));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      alert: 'DEAD_LETTERS',
      severity: 'error',
      message: 'event event-1 (outbox id 1) dead-lettered: INVALID_PAYLOAD: the payload is not valid JSON',
      details: { count: 1, samples: [{ eventId: 'event-1', outboxId: 1, aggregateId: '1' }] },
    });

    for (let id = 2; id <= 1001; id++) notifier.deadLettered(letter(id));
    expect(sent).toHaveLength(1);
    clock.advance(60_000);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({
      alert: 'DEAD_LETTERS',
      message: '1000 events dead-lettered (INVALID_PAYLOAD ×1000)',
      details: { count: 1000, byErrorType: { INVALID_PAYLOAD: 1000 }, dlqTopics: ['outbox.dlq.users'] },
    });
    expect((sent[1]?.details.samples as { eventId: string }[] | undefined)?.map((s) => s.eventId)).toEqual([
      'event-2',
      'event-3',
      'event-4',
      'event-5',
      'event-6',
    ]);

    // A quiet window closes the burst; the next letter goes out at once again.
    clock.advance(60_000);
    expect(clock.pending()).toBe(0);
    notifier.deadLettered(letter(2000));
    expect(sent).toHaveLength(3);
    expect(sent[2]?.details).toMatchObject({ count: 1 });
  });

  it('on close sends what it gathered, closes the sink once, and leaves no timer behind', async () => {
    const { clock, sent, notifier, closed } = setup();
    notifier.deadLettered(letter(1));
    notifier.deadLettered(letter(2));
    notifier.deadLettered(letter(3));
    await Promise.all([notifier.close(), notifier.close()]);
    expect(sent.map((a) => a.details.count)).toEqual([1, 2]);
    expect(closed()).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('only logs without a sink', () => {
    const clock = manualClock();
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const notifier = new AlertNotifier({ connector: 'c', logger: createLogger({ format: 'json', destination }), clock });
    notifier.halted(0, 'UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 50,
      component: 'alerts',
      alert: 'PARTITION_HALTED',
      connector: 'c',
      msg: 'alert: partition 0 halted: UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition',
    });
  });
});
