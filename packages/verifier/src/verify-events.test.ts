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
    const report = verifyEvents({ events: [record('a', 1), record('b', 2), record('a', 3)], committed: ['e1', 'e2', 'e3'] });
    expect(report).toMatchObject({ records: 3, uniqueEvents: 3, aggregates: 2, duplicates: 0, outOfOrder: 0, lost: [] });
    expect(report.problems).toEqual([]);
  });

  it('counts a resent event as a duplicate, not as out of order', () => {
    // A crash after Kafka accepted 1 and 2 but before the ack: both are sent again.
    const report = verifyEvents({ events: [record('a', 1), record('a', 2), record('a', 1), record('a', 2), record('a', 3)] });
    expect(report).toMatchObject({ duplicates: 2, outOfOrder: 0, uniqueEvents: 3 });
    expect(report.problems).toEqual([{ aggregateId: 'a', events: 3, duplicates: 2, outOfOrder: [] }]);
  });

  it('without the committed events, reports a first occurrence after a higher outbox id of its aggregate', () => {
    const report = verifyEvents({ events: [record('a', 1), record('a', 3), record('a', 2), record('b', 4)] });
    expect(report.outOfOrder).toBe(1);
    expect(report.problems).toEqual([
      {
        aggregateId: 'a',
        events: 3,
        duplicates: 0,
        outOfOrder: [{ eventId: 'e2', outboxId: 2, afterEventId: 'e3', after: 3 }],
      },
    ]);
  });

  it('with the committed events, judges order by commit order, not by outbox id', () => {
    const events = [record('a', 1, 'x'), record('a', 2, 'z'), record('a', 3, 'y')];
    // Committed x, y, z: Kafka has z before y.
    const report = verifyEvents({ events, committed: ['x', 'y', 'z'] });
    expect(report.outOfOrder).toBe(1);
    expect(report.problems[0]?.outOfOrder).toEqual([{ eventId: 'y', outboxId: 3, afterEventId: 'z', after: 2 }]);
  });

  it('reads Kafka order from partition offsets, whatever order the records came in', () => {
    const events = [record('a', 1, 'e1', 2), record('a', 2, 'e2', 2)].reverse();
    expect(verifyEvents({ events }).outOfOrder).toBe(0);
    expect(verifyEvents({ events, committed: ['e1', 'e2'] }).outOfOrder).toBe(0);
  });

  it('reports committed events that never arrived, apart from dead letters', () => {
    const report = verifyEvents({ events: [record('a', 1)], deadLetters: [record('a', 2)], committed: ['e1', 'e2', 'e3', 'e4'] });
    expect(report.lost).toEqual(['e3', 'e4']);
    expect(report.deadLettered).toEqual(['e2']);
    expect(report.checkedLoss).toBe(true);
  });

  it('reports a lost event whose outbox id was re-used by a delivered one', () => {
    // An explicit insert re-used outbox id 3: matching by outbox id took the delivered event for both.
    const events = [record('a', 1, 'e1'), record('a', 2, 'e2'), record('b', 3, 'first-3')];
    const report = verifyEvents({ events, committed: ['e1', 'e2', 'first-3', 'second-3'] });
    expect(report.lost).toEqual(['second-3']);
  });

  it('matches dead letters by event id, so a dead letter hides no loss of an event with its outbox id', () => {
    const report = verifyEvents({
      events: [record('a', 1, 'e1')],
      deadLetters: [record('a', 2, 'poison')],
      committed: ['e1', 'poison', 'other-2'],
    });
    expect(report.deadLettered).toEqual(['poison']);
    expect(report.lost).toEqual(['other-2']);
  });

  it('sees no disorder when a database restored from an older backup re-uses outbox ids 101–200', () => {
    // 200 events committed, then the database restored to its state after 100: the next 100
    // events get outbox ids 101–200 again. Every aggregate's events are in Kafka in commit order.
    const committed: string[] = [];
    const events: VerifiedEvent[] = [];
    for (const [era, ids] of [
      ['old', [...Array(200).keys()].map((i) => i + 1)],
      ['new', [...Array(100).keys()].map((i) => i + 101)],
    ] as const) {
      for (const id of ids) {
        const eventId = `${era}-${id}`;
        committed.push(eventId);
        events.push(record(`agg-${id % 7}`, id, eventId, (id % 7) % 3));
      }
    }
    const report = verifyEvents({ events, committed });
    expect(report).toMatchObject({ uniqueEvents: 300, duplicates: 0, outOfOrder: 0, lost: [] });
    expect(report.problems).toEqual([]);
  });
});
