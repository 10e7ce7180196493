import { describe, expect, it } from 'vitest';
import { type VerifiedEvent, verifyEvents } from './verify-events.ts';

let offset = 0;
const record = (aggregateId: string, outboxId: number, eventId = `e${outboxId}`, partition = 0): VerifiedEvent => ({
  partition,
  offset: String(offset++),
  eventId,
  aggregateId,
  outboxId,
});

describe('verifyEvents', () => {
  it('passes a clean stream', () => {
    const report = verifyEvents({ events: [record('a', 1), record('b', 2), record('a', 3)], committedIds: [1, 2, 3] });
    expect(report).toMatchObject({ records: 3, uniqueEvents: 3, aggregates: 2, duplicates: 0, outOfOrder: 0, lost: [] });
    expect(report.problems).toEqual([]);
  });

  it('counts a resent event as a duplicate, not as out of order', () => {
    // A crash after Kafka accepted 1 and 2 but before the ack: both are sent again.
    const report = verifyEvents({ events: [record('a', 1), record('a', 2), record('a', 1), record('a', 2), record('a', 3)] });
    expect(report).toMatchObject({ duplicates: 2, outOfOrder: 0, uniqueEvents: 3 });
    expect(report.problems).toEqual([{ aggregateId: 'a', events: 3, duplicates: 2, outOfOrder: [] }]);
  });

  it('reports a first occurrence that comes after a later event of its aggregate', () => {
    const report = verifyEvents({ events: [record('a', 1), record('a', 3), record('a', 2), record('b', 4)] });
    expect(report.outOfOrder).toBe(1);
    expect(report.problems).toEqual([{ aggregateId: 'a', events: 3, duplicates: 0, outOfOrder: [{ outboxId: 2, after: 3 }] }]);
  });

  it('reads Kafka order from partition offsets, whatever order the records came in', () => {
    const events = [record('a', 1, 'e1', 2), record('a', 2, 'e2', 2)].reverse();
    expect(verifyEvents({ events }).outOfOrder).toBe(0);
  });

  it('reports committed ids that never arrived, apart from dead letters', () => {
    const report = verifyEvents({ events: [record('a', 1)], deadLetters: [record('a', 2)], committedIds: [1, 2, 3, 4] });
    expect(report.lost).toEqual([3, 4]);
    expect(report.deadLettered).toEqual([2]);
    expect(report.checkedLoss).toBe(true);
  });
});
