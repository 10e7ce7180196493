import { kafkaClients } from '@outbox/kafka';
import { createLogger } from '@outbox/logger';
import { appendOutboxEvent, openDatabase } from '@outbox/outbox-store';
import { outboxDepth, readTopic, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { createWriterService } from '@outbox/writer';
import { describe, expect, it } from 'vitest';

const start = useApps();

describe('poison events', () => {
  it.each(kafkaClients)(
    'go to the dead-letter topic with their error, and their partition goes on (producer: %s)',
    async (client) => {
      const { env, config, topic, dlqTopic } = testEnvironment({ LOG_LEVEL: 'warn', KAFKA_CLIENT: client });
      const writer = await createWriterService({ config, logger: createLogger({ level: 'warn', format: 'json' }) });
      // Committed event ids, in commit order.
      const committed: string[] = [];
      let invalidId = 0;
      let oversizeId = 0;
      const deadLettered: string[] = [];
      try {
        // One aggregate, so the poison sits between healthy events of the same partition.
        const { user, eventId } = writer.users.create('Alice');
        committed.push(eventId);
        const db = openDatabase(config.sqlite.path);
        for (let i = 0; i < 30; i++) {
          committed.push(writer.users.rename(user.id, `Alice ${i}`)?.eventId ?? '');
          if (i === 10) {
            const invalid = appendOutboxEvent(db, 'users_outbox', {
              aggregateId: user.id,
              eventType: 'UserRenamed',
              payload: '{"name": oops',
            });
            invalidId = invalid.outboxId;
            committed.push(invalid.eventId);
            deadLettered.push(invalid.eventId);
          }
          if (i === 20) {
            // Larger than the broker's max.message.bytes (1 MiB), for the topic and its dead-letter topic alike.
            const payload = { id: user.id, blob: 'x'.repeat(1_500_000) };
            const oversize = appendOutboxEvent(db, 'users_outbox', {
              aggregateId: user.id,
              eventType: 'UserRenamed',
              payload,
            });
            oversizeId = oversize.outboxId;
            committed.push(oversize.eventId);
            deadLettered.push(oversize.eventId);
          }
        }
        db.close();

        start('capture-worker', env);
        start('publisher-worker', env);
        await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });

        const events = await readTopic(config.kafka.brokers, topic);
        const deadLetters = await readTopic(config.kafka.brokers, dlqTopic);
        const report = verifyEvents({
          events: toVerifiedEvents(events),
          deadLetters: toVerifiedEvents(deadLetters),
          committed,
        });
        expect(report).toMatchObject({
          lost: [],
          outOfOrder: 0,
          duplicates: 0,
          uniqueEvents: 31,
          deadLettered,
        });

        const [invalid, oversize] = deadLetters;
        expect(invalid).toMatchObject({
          key: String(user.id),
          value: '{"name": oops',
          headers: {
            outboxId: String(invalidId),
            '__outbox.errors.class': 'INVALID_PAYLOAD',
            '__outbox.errors.message': 'the payload is not valid JSON',
            '__outbox.errors.topic': topic,
            '__outbox.errors.attempts': '0',
          },
        });
        expect(oversize).toMatchObject({
          key: String(user.id),
          value: '',
          headers: { outboxId: String(oversizeId), '__outbox.errors.class': 'MESSAGE_TOO_LARGE', '__outbox.errors.topic': topic },
        });
        expect(Number(oversize?.headers['__outbox.errors.value.size'])).toBeGreaterThan(1_500_000);
        expect(oversize?.headers['__outbox.errors.value.sha256']).toMatch(/^[0-9a-f]{64}$/);
        for (const letter of deadLetters) {
          expect(Date.parse(letter.headers['__outbox.errors.first.failure'] ?? '')).toBeLessThanOrEqual(
            Date.parse(letter.headers['__outbox.errors.last.failure'] ?? ''),
          );
        }

        // The oversize payload is kept in SQLite, since Kafka has no copy of it.
        const kept = openDatabase(config.sqlite.path, { readonly: true });
        const row = kept.prepare('SELECT id, length(payload) AS size FROM users_outbox_dead_letters').all();
        kept.close();
        expect(row).toEqual([{ id: oversizeId, size: expect.any(Number) }]);
      } finally {
        await writer.close();
      }
    },
  );
});
