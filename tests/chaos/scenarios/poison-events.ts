import { appendOutboxEvent, openDatabase } from '@outbox/outbox-store';
import { expect } from 'vitest';
import type { ChaosOutcome, ChaosRun } from '../harness/chaos-scenario.ts';

export interface PoisonEvent {
  outboxId: number;
  eventId: string;
  kind: 'oversize' | 'invalid-json';
}

/** Larger than the broker's max.message.bytes (1 MiB), for the topic and its dead-letter topic alike. */
const oversizeBytes = 1_500_000;

/**
 * Writes poison events into the outbox at random moments of the load, each for a random user of
 * the load, so they sit between healthy events of the same partitions: payloads too large for
 * Kafka and payloads that are not JSON. Resolves when the last one is committed.
 */
export async function writePoison(run: ChaosRun, counts: { oversize: number; invalid: number }): Promise<PoisonEvent[]> {
  const kinds: PoisonEvent['kind'][] = [
    ...Array<PoisonEvent['kind']>(counts.oversize).fill('oversize'),
    ...Array<PoisonEvent['kind']>(counts.invalid).fill('invalid-json'),
  ].sort(() => Math.random() - 0.5);
  const db = openDatabase(run.config.sqlite.path);
  const poison: PoisonEvent[] = [];
  try {
    for (const [i, share] of run.randomMoments(kinds.length).entries()) {
      await run.untilWritten(share);
      const kind = kinds[i] ?? 'invalid-json';
      const aggregateId = String(1 + Math.floor(Math.random() * run.size.aggregates));
      const payload = kind === 'oversize' ? { id: aggregateId, blob: 'x'.repeat(oversizeBytes) } : `{"name": oops ${i}`;
      const { outboxId, eventId } = appendOutboxEvent(db, run.config.outbox.table, {
        aggregateId,
        eventType: 'UserRenamed',
        payload,
      });
      poison.push({ outboxId, eventId, kind });
    }
  } finally {
    db.close();
  }
  run.log(`${poison.length} poison events written (${counts.oversize} oversize, ${counts.invalid} invalid JSON)`);
  return poison;
}

/**
 * Every poison event is in the dead-letter topic, once, with its error headers; every other
 * committed event is in its topic and none of them among the dead letters.
 */
export function expectPoisonDeadLettered(outcome: ChaosOutcome, poison: readonly PoisonEvent[]): void {
  const { delivery, committedIds, run } = outcome;
  const poisonIds = new Set(poison.map((p) => p.eventId));
  expect(delivery.report.deadLettered).toEqual([...poison].sort((a, b) => a.outboxId - b.outboxId).map((p) => p.eventId));
  expect(poison.length).toBeGreaterThan(0);

  const letters = new Map(delivery.deadLetters.map((letter) => [Number(letter.headers.outboxId), letter]));
  for (const { outboxId, kind } of poison) {
    const letter = letters.get(outboxId);
    const headers = letter?.headers ?? {};
    expect(headers, `dead letter of ${kind} event ${outboxId}`).toMatchObject({
      '__outbox.errors.class': kind === 'oversize' ? 'MESSAGE_TOO_LARGE' : 'INVALID_PAYLOAD',
      '__outbox.errors.topic': run.topic,
      '__outbox.errors.message': expect.stringMatching(/./),
      '__outbox.errors.attempts': expect.stringMatching(/^\d+$/),
    });
    const first = Date.parse(headers['__outbox.errors.first.failure'] ?? '');
    expect(first).toBeLessThanOrEqual(Date.parse(headers['__outbox.errors.last.failure'] ?? ''));
    if (kind === 'oversize') {
      // Too large for the dead-letter topic too: it goes there without its value, which SQLite keeps.
      expect(Number(headers['__outbox.errors.value.size'])).toBeGreaterThan(oversizeBytes);
      expect(headers['__outbox.errors.value.sha256']).toMatch(/^[0-9a-f]{64}$/);
    } else {
      expect(letter?.value).toMatch(/^\{"name": oops/);
    }
  }

  const inTopic = new Set(delivery.events.map((event) => event.headers.id));
  expect(
    [...poisonIds].filter((id) => inTopic.has(id)),
    'poison events in the event topic',
  ).toEqual([]);
  expect(
    committedIds.filter((id) => !poisonIds.has(id) && !inTopic.has(id)),
    'good events missing from the topic',
  ).toEqual([]);

  const db = openDatabase(run.config.sqlite.path, { readonly: true });
  try {
    const kept = db.prepare<[], { id: number }>(`SELECT id FROM ${run.config.outbox.table}_dead_letters ORDER BY id`).all();
    const oversize = poison.filter((p) => p.kind === 'oversize').map((p) => p.outboxId);
    expect(kept.map((row) => row.id)).toEqual(oversize.sort((a, b) => a - b));
  } finally {
    db.close();
  }
}
