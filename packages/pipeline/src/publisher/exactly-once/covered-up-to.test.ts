import { describe, expect, it } from 'vitest';
import { coveredUpTo, eventsCommitId } from './exactly-once-delivery.ts';

const timeline = { id: 't1', since: 500 };

describe('coveredUpTo: which events of a job the committed position says are in Kafka', () => {
  it('covers nothing without a committed position', () => {
    expect(coveredUpTo(undefined, { timeline })).toBe(0);
  });

  it('trusts the position up to its outbox id within the same timeline', () => {
    expect(coveredUpTo({ outboxId: 800, timeline: 't1' }, { timeline })).toBe(800);
  });

  it('in a newer timeline, trusts it only up to the ids the outbox held when that timeline began', () => {
    // A capture restart: rows up to 500 were there before, so the position of the last run holds for them.
    expect(coveredUpTo({ outboxId: 400, timeline: 't0' }, { timeline })).toBe(400);
    // A restored backup (since 0): ids 1–800 come again for new events; none is covered.
    expect(coveredUpTo({ outboxId: 800, timeline: 't0' }, { timeline: { id: 't2', since: 0 } })).toBe(0);
    expect(coveredUpTo({ outboxId: 800, timeline: 't0' }, { timeline })).toBe(500);
  });

  it('never covers rows passed out of order, nor jobs from versions without timelines, by their ids', () => {
    expect(coveredUpTo({ outboxId: 800, timeline: 't1' }, { timeline, unordered: true })).toBe(0);
    expect(coveredUpTo({ outboxId: 800, timeline: 't1' }, {})).toBe(0);
  });

  it('covers such a job whole when the position was committed under its events’ commit id, and not otherwise', () => {
    const own = eventsCommitId(['e7', 'e9']);
    const position = { outboxId: 800, timeline: 't1', commitId: own };
    expect(coveredUpTo(position, { timeline, unordered: true }, own)).toBe(Number.MAX_SAFE_INTEGER);
    expect(coveredUpTo(position, {}, own)).toBe(Number.MAX_SAFE_INTEGER);
    expect(coveredUpTo(position, { timeline, unordered: true }, eventsCommitId(['e7']))).toBe(0);
    expect(coveredUpTo({ ...position, commitId: 'another' }, { timeline, unordered: true }, own)).toBe(0);
    // The events' commit id means nothing to a job that has a position of its own.
    expect(coveredUpTo({ outboxId: 800, timeline: 't1', commitId: own }, { timeline }, own)).toBe(800);
  });
});
