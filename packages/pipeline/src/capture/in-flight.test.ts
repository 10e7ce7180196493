import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.ts';

const events = (...ids: number[]) => ids.map((id) => ({ id, eventId: `e${id}` }));

describe('InFlight', () => {
  it('counts rows per partition and in all', () => {
    const inFlight = new InFlight(3);
    inFlight.add(0, events(1, 2));
    inFlight.add(2, events(3));
    expect(inFlight.sizes()).toEqual([2, 0, 1]);
    expect(inFlight.total).toBe(3);
    expect(inFlight.size(0)).toBe(2);
    expect(inFlight.view[0]?.get(2)).toBe('e2');
  });

  it('forgets an acknowledged row only while it holds the acknowledged event', () => {
    const inFlight = new InFlight(1);
    inFlight.add(0, events(1, 2, 3));
    // Id 2 was enqueued again as another event (a re-used id): the earlier event's ack leaves it.
    inFlight.add(0, [{ id: 2, eventId: 'reused' }]);
    inFlight.acknowledge(0, [1, 2], ['e1', 'e2']);
    expect([...(inFlight.view[0] ?? [])]).toEqual([
      [2, 'reused'],
      [3, 'e3'],
    ]);
  });

  it('forgets acknowledged rows whatever they hold when the acknowledgement names no events', () => {
    const inFlight = new InFlight(1);
    inFlight.add(0, [{ id: 1, eventId: 'reused' }, ...events(2)]);
    inFlight.acknowledge(0, [1], []);
    expect(inFlight.sizes()).toEqual([1]);
  });

  it('removes rows of jobs never enqueued, clears a partition or all', () => {
    const inFlight = new InFlight(2);
    inFlight.add(0, events(1, 2));
    inFlight.add(1, events(3, 4));
    inFlight.remove(0, [{ id: 1, eventId: 'other' }]);
    expect(inFlight.sizes()).toEqual([1, 2]);
    inFlight.clear(1);
    expect(inFlight.sizes()).toEqual([1, 0]);
    inFlight.clearAll();
    expect(inFlight.total).toBe(0);
  });

  it('ignores partitions outside its range', () => {
    const inFlight = new InFlight(1);
    inFlight.add(5, events(1));
    inFlight.acknowledge(5, [1], ['e1']);
    inFlight.clear(5);
    expect(inFlight.size(5)).toBe(0);
    expect(inFlight.total).toBe(0);
  });
});
