import { describe, expect, it } from 'vitest';
import { formatStatus } from './format-status.ts';

describe('formatStatus', () => {
  it('shows the outbox, each partition with its owner and backlog, and the publishers', () => {
    const now = Date.parse('2026-01-01T00:00:10Z');
    const text = formatStatus(
      'users-outbox',
      {
        capture: { depth: 42, oldestOccurredAt: '2026-01-01T00:00:07Z', updatedAt: '2026-01-01T00:00:09Z' },
        partitions: [
          { partition: 0, waiting: 2, active: 1, owner: 'host-1', inFlight: 30, halted: null },
          { partition: 1, waiting: 0, active: 0, owner: null, inFlight: 0, halted: null },
          {
            partition: 2,
            waiting: 1,
            active: 0,
            owner: null,
            inFlight: 12,
            halted: { reason: 'broker down', publisher: 'host-2', since: '' },
          },
        ],
        publishers: [{ name: 'host-1', jobs: 7, events: 700, lastSeen: '2026-01-01T00:00:08Z' }],
      },
      now,
    );
    expect(text).toBe(
      [
        'connector users-outbox: outbox depth 42, oldest event 3 s ago (capture worker reported 1 s ago)',
        '',
        'partition  state                owner   active  waiting jobs  in flight',
        '0          publishing           host-1  1       2             30',
        '1          idle                 -       0       0             0',
        '2          HALTED: broker down  -       0       1             12',
        '',
        'publisher  jobs  events  last published',
        'host-1     7     700     2 s ago',
      ].join('\n'),
    );
  });
});
