import { deadLetterHeaders, type PartitionOffsets, type TopicRecord } from '@outbox/kafka';
import { createLogger } from '@outbox/logger';
import type { DeadLetterReplay } from '@outbox/outbox-store';
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DeadLetterAdmin } from './dead-letters.ts';

function deadLetter(outboxId: number, extra: Record<string, string> = {}, value = '{}'): TopicRecord {
  return {
    topic: 'dlq',
    partition: 0,
    offset: String(outboxId),
    key: 'a',
    value,
    timestamp: 0,
    headers: {
      id: `e-${outboxId}`,
      outboxId: String(outboxId),
      aggregateId: 'a',
      eventType: 'E',
      [deadLetterHeaders.errorClass]: 'MESSAGE_TOO_LARGE',
      [deadLetterHeaders.errorMessage]: 'too large',
      [deadLetterHeaders.originalTopic]: 'events',
      [deadLetterHeaders.lastFailure]: `2026-01-01T00:00:0${outboxId}.000Z`,
      ...extra,
    },
  };
}

function setup(records: TopicRecord[], reject = new Set<string>(), unrecordable = new Set<string>()) {
  const replays = new Map<string, DeadLetterReplay>();
  const sent: { topic: string; message: Message }[] = [];
  // The dead-letter topic's offsets and reads: a test moves the offsets when it adds a record.
  const dlq: { offsets: PartitionOffsets[]; reads: number; failNextRead: boolean } = {
    offsets: [{ partition: 0, low: '0', high: String(records.length) }],
    reads: 0,
    failNextRead: false,
  };
  const admin = new DeadLetterAdmin({
    dlqTopics: async () => ['dlq'],
    readTopic: async () => {
      dlq.reads++;
      if (dlq.failNextRead) {
        dlq.failNextRead = false;
        throw new Error('group coordinator not available');
      }
      return [...records];
    },
    topicOffsets: async () => dlq.offsets.map((p) => ({ ...p })),
    send: async (topic, message) => {
      const id = (message.headers as Record<string, string>).id ?? '';
      if (reject.has(id)) throw Object.assign(new Error('still too large'), { type: 'MESSAGE_TOO_LARGE' });
      sent.push({ topic, message });
    },
    store: {
      keptPayload: (outboxId) => (outboxId === 3 ? { eventId: 'e-3', payload: '{"kept":true}' } : undefined),
      replays: () => new Map(replays),
      recordReplay: (r) => {
        if (unrecordable.has(r.eventId)) throw new Error('SQLITE_BUSY: database is locked');
        replays.set(r.eventId, r);
      },
    },
    logger: createLogger({ level: 'silent', format: 'json' }),
  });
  return { admin, sent, dlq };
}

describe('DeadLetterAdmin', () => {
  const records = [deadLetter(1), deadLetter(1), deadLetter(2), deadLetter(3, { [deadLetterHeaders.valueSize]: '13' }, '')];

  it('lists each dead letter once, the most recent ones with a limit', async () => {
    const { admin } = setup(records);
    const { total, deadLetters } = await admin.list({ limit: 2 });
    expect(total).toBe(3);
    expect(deadLetters.map((d) => [d.outboxId, d.valueDropped, d.replayed])).toEqual([
      [2, false, null],
      [3, true, null],
    ]);
  });

  it('reads the topic again only when its offsets have moved, and shows replays without a read', async () => {
    const shown = [...records];
    const { admin, dlq } = setup(shown);
    expect((await admin.list()).total).toBe(3);
    expect((await admin.list({ limit: 1 })).total).toBe(3);
    expect(dlq.reads).toBe(1);

    // A replay is kept in SQLite, not in the topic: the next list shows it without a read.
    expect(await admin.replay({ ids: ['e-2'] }, 'me')).toMatchObject({ replayed: 1 });
    const afterReplay = await admin.list();
    expect(afterReplay.deadLetters.map((d) => [d.eventId, d.replayed?.by ?? null])).toEqual([
      ['e-1', null],
      ['e-2', 'me'],
      ['e-3', null],
    ]);
    expect(dlq.reads).toBe(1);

    // A new dead letter moves the end offset; retention moving the start offset counts too.
    shown.push(deadLetter(4));
    dlq.offsets = [{ partition: 0, low: '0', high: '5' }];
    expect((await admin.list()).total).toBe(4);
    expect(dlq.reads).toBe(2);
    dlq.offsets = [{ partition: 0, low: '1', high: '5' }];
    await admin.list();
    expect(dlq.reads).toBe(3);
  });

  it('shares one read between lists that arrive together, and does not keep a failed one', async () => {
    const { admin, dlq } = setup(records);
    await Promise.all([admin.list(), admin.list(), admin.list({ limit: 1 })]);
    expect(dlq.reads).toBe(1);

    // Records past the ones read: the read that fails is not kept, and the next list reads again.
    dlq.offsets = [{ partition: 0, low: '0', high: '9' }];
    dlq.failNextRead = true;
    await expect(admin.list()).rejects.toThrow('group coordinator not available');
    expect((await admin.list()).total).toBe(3);
    expect(dlq.reads).toBe(3);
  });

  it('replays to the original topic once, with a kept payload for a dropped value', async () => {
    const { admin, sent } = setup(records);
    expect(await admin.replay({ ids: ['e-3'] }, 'me')).toMatchObject({ replayed: 1, failed: 0 });
    expect(sent[0]).toMatchObject({ topic: 'events', message: { value: '{"kept":true}' } });
    expect(await admin.replay({ all: true }, 'me')).toMatchObject({ replayed: 2 });
    expect(await admin.replay({ all: true }, 'me')).toEqual({ replayed: 0, failed: 0, results: [] });
    expect(sent).toHaveLength(3);
    expect((await admin.list()).deadLetters.every((d) => d.replayed?.by === 'me')).toBe(true);
  });

  it('reports a rejected replay and records nothing for it; an unknown id changes nothing', async () => {
    const { admin, sent } = setup(records, new Set(['e-2']));
    await expect(admin.replay({ ids: ['e-1', 'nope'] }, null)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    expect(sent).toHaveLength(0);
    const result = await admin.replay({ all: true }, null);
    expect(result).toMatchObject({ replayed: 2, failed: 1 });
    expect(result.results.find((r) => r.eventId === 'e-2')).toMatchObject({
      outcome: 'FAILED',
      error: expect.stringContaining('MESSAGE_TOO_LARGE'),
    });
    expect((await admin.list()).deadLetters.find((d) => d.eventId === 'e-2')?.replayed).toBeNull();
  });

  it("reports a replay it could not record as that letter's outcome and goes on with the others", async () => {
    const { admin, sent } = setup(records, new Set(), new Set(['e-1']));
    const result = await admin.replay({ all: true }, 'me');
    expect(sent).toHaveLength(3);
    expect(result).toMatchObject({ replayed: 3, failed: 0 });
    expect(result.results.map((r) => [r.eventId, r.outcome])).toEqual([
      ['e-1', 'REPLAYED_UNRECORDED'],
      ['e-2', 'REPLAYED'],
      ['e-3', 'REPLAYED'],
    ]);
    expect(result.results[0]?.error).toContain('SQLITE_BUSY');
  });
});
