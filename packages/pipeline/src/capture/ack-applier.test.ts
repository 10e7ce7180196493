import type { AckEntry, AckStream } from '@outbox/queue';
import { describe, expect, it } from 'vitest';
import { AckApplier } from './ack-applier.ts';
import { InFlight } from './in-flight.ts';

const entry = (streamId: string, ids: number[]): AckEntry => ({
  streamId,
  partition: 0,
  outboxIds: ids,
  eventIds: ids.map((id) => `e${id}`),
  keepIds: [],
});

/** A stream as a consumer sees it: new entries, and those delivered but not yet done (pending). */
function fakeStream(fresh: AckEntry[]) {
  const pending: AckEntry[] = [];
  const reads: string[] = [];
  const stream = {
    read: async ({ pending: fromPending }: { pending: boolean }) => {
      reads.push(fromPending ? 'pending' : 'new');
      if (fromPending) return [...pending];
      const batch = fresh.splice(0, 1);
      pending.push(...batch);
      return batch;
    },
    done: async (ids: string[]) => {
      pending.splice(0, pending.length, ...pending.filter((e) => !ids.includes(e.streamId)));
    },
  } as unknown as AckStream;
  return { stream, reads };
}

describe('AckApplier', () => {
  it('deletes acknowledged rows, takes them out of flight and reports them', async () => {
    const { stream } = fakeStream([entry('1-0', [1, 2])]);
    const inFlight = new InFlight(1);
    inFlight.add(
      0,
      [1, 2, 3].map((id) => ({ id, eventId: `e${id}` })),
    );
    const deleted: number[] = [];
    const applied: number[] = [];
    const acks = new AckApplier({
      store: {
        deleteAcknowledged: (rows) => {
          deleted.push(...rows.map((row) => row.id));
          return rows.map((row) => row.id);
        },
      },
      ackStream: stream,
      batchSize: 10,
      inFlight,
      onApplied: (n) => applied.push(n),
    });
    expect(await acks.once()).toBe(true);
    expect(await acks.once()).toBe(false);
    await acks.drain();
    expect(deleted).toEqual([1, 2]);
    expect(inFlight.sizes()).toEqual([1]);
    expect(applied).toEqual([2]);
    expect(acks.acknowledged).toBe(2);
  });

  it('after a failed delete, applies the entries left pending before reading new ones', async () => {
    const { stream, reads } = fakeStream([entry('1-0', [1]), entry('2-0', [2])]);
    let busy = true;
    const deleted: number[] = [];
    const acks = new AckApplier({
      store: {
        deleteAcknowledged: (rows) => {
          if (busy) throw new Error('SQLITE_BUSY');
          deleted.push(...rows.map((row) => row.id));
          return rows.map((row) => row.id);
        },
      },
      ackStream: stream,
      batchSize: 10,
      inFlight: new InFlight(1),
      onApplied: () => undefined,
    });
    expect(await acks.once()).toBe(true); // read; its delete is queued, and fails
    await acks.drain();
    await expect(acks.once()).rejects.toThrow('SQLITE_BUSY'); // the failure, reported once
    busy = false;
    await acks.once();
    await acks.drain();
    expect(deleted).toEqual([1, 2]);
    expect(reads).toEqual(['new', 'pending', 'pending', 'new']);
  });

  it('reads on while a delete waits for the lock, and applies the deletes in order', async () => {
    const { stream } = fakeStream([entry('1-0', [1]), entry('2-0', [2])]);
    const read: number[] = [];
    const deleted: number[] = [];
    let unlock: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    const acks = new AckApplier({
      store: {
        deleteAcknowledged: async (rows) => {
          await locked;
          deleted.push(...rows.map((row) => row.id));
          return rows.map((row) => row.id);
        },
      },
      ackStream: stream,
      batchSize: 10,
      inFlight: new InFlight(1),
      onRead: (entries) => read.push(...entries.flatMap((e) => e.outboxIds)),
      onApplied: () => undefined,
    });
    await acks.once();
    await acks.once();
    // Both acknowledgements are known (their job windows freed) while the first delete still waits.
    expect(read).toEqual([1, 2]);
    expect(deleted).toEqual([]);
    unlock();
    await acks.drain();
    expect(deleted).toEqual([1, 2]);
  });
});
