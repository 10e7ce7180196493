import { describe, expect, it } from 'vitest';
import { formatReport } from './format-report.ts';
import { verifyEvents } from './verify-events.ts';

const report = verifyEvents({
  events: [
    { partition: 0, offset: '0', eventId: 'e1', aggregateId: 'a', outboxId: 1 },
    { partition: 0, offset: '2', eventId: 'e2', aggregateId: 'a', outboxId: 2 },
  ],
  committed: ['e1', 'e2'],
});

describe('formatReport', () => {
  it('names the isolation the topics were read with on its first line', () => {
    expect(formatReport(report, { isolation: 'read_uncommitted' }).split('\n')[0]).toBe(
      'records read:     2 (read_uncommitted: aborted transactions included)',
    );
    expect(formatReport(report, { isolation: 'read_committed' }).split('\n')[0]).toBe(
      'records read:     2 (read_committed: aborted transactions left out)',
    );
  });

  it('reads as read_committed unless told, as readTopicsToEnd does', () => {
    expect(formatReport(report)).toBe(
      [
        'records read:     2 (read_committed: aborted transactions left out)',
        'unique events:    2 over 1 aggregates',
        'duplicates:       0',
        'out of order:     0',
        'dead-lettered:    0',
        'lost:             0',
        'OK: nothing lost, nothing out of order',
      ].join('\n'),
    );
  });
});
