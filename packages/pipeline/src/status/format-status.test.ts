import { describe, expect, it } from 'vitest';
import { formatStatus } from './format-status.ts';

describe('formatStatus', () => {
  it('shows the outbox, each partition with its state, owner and backlog, and the publishers', () => {
    const now = Date.parse('2026-01-01T00:00:10Z');
    const text = formatStatus(
      {
        name: 'users-outbox',
        type: 'source',
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
        'connector users-outbox: RUNNING, 42 events in the outbox, oldest 3 s ago, 700 published (capture worker reported 1 s ago)',
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
});
