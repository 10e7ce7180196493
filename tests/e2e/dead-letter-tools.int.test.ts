import { createHash } from 'node:crypto';
import { createLogger } from '@outbox/logger';
import { appendOutboxEvent, openDatabase } from '@outbox/outbox-store';
import type { DeadLetter } from '@outbox/pipeline';
import { ConnectorApiClient } from '@outbox/rest-api';
import { auditDelivery, httpUrlOf, outboxDepth, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { createWriterService } from '@outbox/writer';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';

const start = useApps();
const mib = 1024 * 1024;

describe('dead-letter tools', () => {
  it('list dead letters with their error, replay them once each to their topic, and reject bad requests', async () => {
    const { env, config, topic, dlqTopic } = testEnvironment();
    const kafka = new Kafka({ brokers: config.kafka.brokers, clientId: 'dlq-tools-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const writer = await createWriterService({ config, logger: createLogger({ level: 'warn', format: 'json' }) });
    try {
      // A dead-letter topic that takes 4 MiB records; the event topic keeps the broker's 1 MiB.
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: dlqTopic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(4 * mib) }] }],
      });
      const alice = writer.users.create('Alice');
      const bob = writer.users.create('Bob');
      const carol = writer.users.create('Carol');
      const db = openDatabase(config.sqlite.path);
      const poison = (aggregateId: number, payload: unknown) =>
        appendOutboxEvent(db, 'users_outbox', { aggregateId, eventType: 'UserRenamed', payload });
      const invalidEvent = poison(alice.user.id, '{"name": oops');
      // Too large for the event topic, fits the dead-letter topic.
      const largeEvent = poison(bob.user.id, { id: bob.user.id, blob: 'b'.repeat(1.5 * mib) });
      // Too large for both: dead-lettered without its value, its row kept in SQLite.
      const hugeEvent = poison(carol.user.id, { id: carol.user.id, blob: 'c'.repeat(5 * mib) });
      db.close();
      const [invalidId, largeId, hugeId] = [invalidEvent.outboxId, largeEvent.outboxId, hugeEvent.outboxId];
      const committed = [alice, bob, carol, invalidEvent, largeEvent, hugeEvent].map((event) => event.eventId);

      env.OUTBOX_API_URL = await httpUrlOf(start('capture-worker', env));
      start('publisher-worker', env);
      await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });

      const cli = async (...args: string[]) => {
        const run = start('cli', env, args);
        return { code: await run.exited, output: run.output() };
      };
      // The CLI where its output matters, the API it calls elsewhere: each CLI run is a process start.
      const api = new ConnectorApiClient(env.OUTBOX_API_URL);
      const dlq = `/connectors/${config.connector.name}/dlq`;
      const list = () => api.request<{ total: number; deadLetters: DeadLetter[] }>('GET', dlq);

      const table = await cli('dlq', 'list');
      expect(table.code).toBe(0);
      expect(table.output).toContain('3 dead letters');
      expect(table.output).toContain('INVALID_PAYLOAD: the payload is not valid JSON');
      expect(table.output).toContain('MESSAGE_TOO_LARGE');
      const { total, deadLetters } = JSON.parse((await cli('dlq', 'list', '--json')).output) as Awaited<ReturnType<typeof list>>;
      expect(total).toBe(3);
      const byOutboxId = new Map(deadLetters.map((d) => [d.outboxId, d]));
      expect(byOutboxId.get(invalidId)).toMatchObject({
        errorClass: 'INVALID_PAYLOAD',
        originalTopic: topic,
        valueDropped: false,
        replayed: null,
        dlq: { topic: dlqTopic },
      });
      expect(byOutboxId.get(largeId)).toMatchObject({ errorClass: 'MESSAGE_TOO_LARGE', valueDropped: false, replayed: null });
      expect(byOutboxId.get(hugeId)).toMatchObject({ errorClass: 'MESSAGE_TOO_LARGE', valueDropped: true, replayed: null });
      const idOf = (outboxId: number) => byOutboxId.get(outboxId)?.eventId ?? '';
      expect(await api.request('GET', `${dlq}?limit=1`)).toMatchObject({ total: 3, deadLetters: [expect.any(Object)] });

      // Kafka still rejects the large event: a clear error for it, and nothing recorded.
      const rejected = await cli('dlq', 'replay', '--id', idOf(largeId));
      expect(rejected.code).toBe(1);
      expect(rejected.output).toContain(`FAILED ${idOf(largeId)}`);
      expect(rejected.output).toContain('MESSAGE_TOO_LARGE');
      expect((await list()).deadLetters.every((d) => d.replayed === null)).toBe(true);

      // The fix: the event topic takes larger records now.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [{ name: 'max.message.bytes', value: String(8 * mib) }],
          },
        ],
      });
      // The broker applies a topic's new config shortly after; a rejected replay changes nothing, so try again.
      await waitFor(
        'the large event to be replayed',
        async () => (await cli('dlq', 'replay', '--id', idOf(largeId))).code === 0,
        {
          timeoutMs: 30_000,
          intervalMs: 500,
        },
      );
      const keptPayloads = () => {
        const db = openDatabase(config.sqlite.path, { readonly: true });
        try {
          return db.prepare('SELECT id FROM users_outbox_dead_letters').all();
        } finally {
          db.close();
        }
      };
      expect(keptPayloads()).toEqual([{ id: hugeId }]);
      const all = await cli('dlq', 'replay', '--all');
      expect(all.code).toBe(0);
      expect(all.output).toContain('2 replayed, 0 failed');
      // The huge one's payload, kept in SQLite for want of room in the dead-letter topic, went with its replay.
      expect(keptPayloads()).toEqual([]);
      expect(await api.request('POST', `${dlq}/replay`, { all: true })).toEqual({ replayed: 0, failed: 0, results: [] });
      expect(await api.request('POST', `${dlq}/replay`, { ids: [idOf(invalidId)] })).toMatchObject({
        replayed: 0,
        results: [{ eventId: idOf(invalidId), outcome: 'ALREADY_REPLAYED' }],
      });
      expect((await list()).deadLetters.every((d) => d.replayed !== null)).toBe(true);

      // Both topics read once, for the replays, the dead letters and the verifier.
      const audit = await auditDelivery({ brokers: config.kafka.brokers, topic, dlqTopic, committed });
      const replays = audit.events.filter((r) => r.headers['__outbox.replayed'] === 'true');
      expect(replays.map((r) => Number(r.headers.outboxId)).sort((a, b) => a - b)).toEqual([invalidId, largeId, hugeId]);
      for (const replay of replays) {
        expect(Object.keys(replay.headers).filter((h) => h.startsWith('__outbox.errors.'))).toEqual([]);
        expect(replay.headers).toMatchObject({
          id: expect.any(String),
          eventType: 'UserRenamed',
          '__outbox.replayedAt': expect.any(String),
        });
      }
      const replayOf = (outboxId: number) => replays.find((r) => Number(r.headers.outboxId) === outboxId);
      expect(replayOf(invalidId)?.value).toBe('{"name": oops');
      expect(replayOf(largeId)?.value.length).toBeGreaterThan(1.5 * mib);
      // The huge one's payload came from SQLite: the same bytes the dead letter's checksum names.
      const huge = audit.deadLetters.find((r) => Number(r.headers.outboxId) === hugeId);
      const sha256 = createHash('sha256')
        .update(replayOf(hugeId)?.value ?? '')
        .digest('hex');
      expect(sha256).toBe(huge?.headers['__outbox.errors.value.sha256']);

      // Replays are dead letters to the verifier: outside the ordering guarantee, never lost.
      expect(audit.report).toMatchObject({
        lost: [],
        outOfOrder: 0,
        deadLettered: [invalidEvent.eventId, largeEvent.eventId, hugeEvent.eventId],
      });

      // Every list and replay read the topic through a throwaway consumer group, and deleted it.
      const { groups } = await admin.listGroups();
      expect(groups.filter((g) => g.groupId.startsWith('outbox-dlq-'))).toEqual([]);

      // Bad requests change nothing and say why.
      const unknown = await cli('dlq', 'replay', '--id', 'no-such-event');
      expect(unknown.code).toBe(1);
      expect(unknown.output).toContain('404: no dead letter with event id no-such-event');
      const post = async (body: unknown) => {
        const response = await fetch(`${env.OUTBOX_API_URL}/connectors/${config.connector.name}/dlq/replay`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as { code: string; message: string } };
      };
      for (const body of [{}, { ids: ['x'], all: true }, { ids: [] }, { all: false }, { ids: 'x' }]) {
        const answer = await post(body);
        expect(answer.status).toBe(400);
        expect(answer.body.code).toBe('BAD_REQUEST');
        expect(answer.body.message).toMatch(/^invalid body: .+; nothing was changed$/);
      }
      const badLimit = await fetch(`${env.OUTBOX_API_URL}/connectors/${config.connector.name}/dlq?limit=0`);
      expect(badLimit.status).toBe(400);
      expect(await cli('dlq', 'replay')).toMatchObject({ code: 2 });
    } finally {
      await writer.close();
      await admin.disconnect();
    }
  });
});
