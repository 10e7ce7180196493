import { describe, expect, it } from 'vitest';
import { formatConnectors } from './format-connectors.ts';
import type { ConnectorStatus } from './pipeline-status.ts';

const now = Date.parse('2026-01-01T00:00:10Z');

function statusOf(name: string, state: 'RUNNING' | 'PAUSED', pending: number, halted: boolean): ConnectorStatus {
  return {
    name,
    type: 'source',
    delivery: 'at-least-once',
    connector: { state },
    outbox: {
      pending,
      oldestOccurredAt: pending ? '2026-01-01T00:00:04Z' : null,
      inFlight: 0,
      updatedAt: '2026-01-01T00:00:09Z',
    },
    tasks: [
      { id: 0, state, waiting: 0, active: 0, worker_id: 'host-1', inFlight: 0, halted: null },
      {
        id: 1,
        state: halted ? 'HALTED' : state,
        waiting: 0,
        active: 0,
        worker_id: 'host-1',
        inFlight: 0,
        halted: halted ? { reason: 'poison', publisher: 'host-1', since: '', outboxId: 3, poison: true } : null,
      },
    ],
    publishers: [
      { name: 'host-1', live: true, jobs: 1, events: 5, lastSeen: '2026-01-01T00:00:09Z' },
      { name: 'host-2', live: false, jobs: 0, events: 0, lastSeen: null },
    ],
    published: 5,
  };
}

describe('formatConnectors', () => {
  it('shows one line per connector, and why a status could not be read', () => {
    const text = formatConnectors(
      [
        { name: 'users-outbox', status: statusOf('users-outbox', 'RUNNING', 0, false) },
        { name: 'orders-outbox', status: statusOf('orders-outbox', 'PAUSED', 12, true) },
        { name: 'payments', error: 'GET /connectors/payments/status → 503: Redis does not answer' },
      ],
      now,
    );
    expect(text).toBe(
      [
        'connector      state    tasks  halted  in outbox  oldest  published  live publishers',
        'users-outbox   RUNNING  2      0       0          -       5          1',
        'orders-outbox  PAUSED   2      1       12         6 s     5          1',
        'payments       ?        ?      ?       ?          ?       ?          ?',
        '',
        'payments: GET /connectors/payments/status → 503: Redis does not answer',
      ].join('\n'),
    );
    expect(formatConnectors([], now)).toBe('no connectors');
  });
});
