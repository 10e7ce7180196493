import { describe, expect, it } from 'vitest';
import { formatStatus } from './format-status.ts';

describe('formatStatus', () => {
  it('shows the outbox, each partition with its state, owner and backlog, and the publishers', () => {
    const now = Date.parse('2026-01-01T00:00:10Z');
    const text = formatStatus(
      {
        name: 'users-outbox',
        type: 'source',
        delivery: 'at-least-once',
        connector: { state: 'RUNNING' },
        outbox: { pending: 42, oldestOccurredAt: '2026-01-01T00:00:07Z', inFlight: 42, updatedAt: '2026-01-01T00:00:09Z' },
        tasks: [
          { id: 0, state: 'RUNNING', waiting: 2, active: 1, worker_id: 'host-1', inFlight: 30, halted: null },
          { id: 1, state: 'UNASSIGNED', waiting: 0, active: 0, worker_id: null, inFlight: 0, halted: null },
          {
            id: 2,
            state: 'HALTED',
            waiting: 1,
            active: 0,
            worker_id: 'host-2',
            inFlight: 12,
            halted: { reason: 'broker down', publisher: 'host-2', since: '', outboxId: 7, poison: false },
          },
        ],
        publishers: [
          { name: 'host-1', live: true, jobs: 7, events: 700, lastSeen: '2026-01-01T00:00:08Z' },
          { name: 'host-2', live: false, jobs: 0, events: 0, lastSeen: null },
        ],
        published: 700,
      },
      now,
    );
    expect(text).toBe(
      [
        'connector users-outbox: RUNNING, at-least-once, 42 events in the outbox, oldest 3 s ago, 700 published (capture worker reported 1 s ago)',
        '',
        'partition  state                owner   active  waiting jobs  in flight',
        '0          RUNNING              host-1  1       2             30',
        '1          UNASSIGNED           -       0       0             0',
        '2          HALTED: broker down  host-2  0       1             12',
        '',
        'publisher  live  jobs  events  last published',
        'host-1     yes   7     700     2 s ago',
        'host-2     no    0     0       -',
      ].join('\n'),
    );
  });

  it('with exactly-once delivery, shows how far each partition has committed', () => {
    const now = Date.parse('2026-01-01T00:00:10Z');
    const task = { state: 'RUNNING', waiting: 0, active: 0, worker_id: 'host-1', inFlight: 0, halted: null } as const;
    const text = formatStatus(
      {
        name: 'users-outbox',
        type: 'source',
        delivery: 'exactly-once',
        connector: { state: 'RUNNING' },
        outbox: { pending: 0, oldestOccurredAt: null, inFlight: 0, updatedAt: '2026-01-01T00:00:09Z' },
        tasks: [
          { id: 0, ...task, committedPosition: { outboxId: 1234, timeline: 't1' } },
          { id: 1, ...task, committedPosition: null },
        ],
        publishers: [],
        published: 0,
      },
      now,
    );
    expect(text.split('\n').slice(0, 5)).toEqual([
      'connector users-outbox: RUNNING, exactly-once, 0 events in the outbox, 0 published (capture worker reported 1 s ago)',
      '',
      'partition  state    owner   active  waiting jobs  in flight  committed up to id',
      '0          RUNNING  host-1  0       0             0          1234',
      '1          RUNNING  host-1  0       0             0          -',
    ]);
  });
});
