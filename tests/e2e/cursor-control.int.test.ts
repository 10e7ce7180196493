import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@outbox/logger';
import { appendOutboxEvent, openDatabase } from '@outbox/outbox-store';
import type { PartitionOffset } from '@outbox/pipeline';
import { createRedisClient, openPartitionQueues, partitionOf, pipelineNames } from '@outbox/queue';
import { ConnectorApiClient } from '@outbox/rest-api';
import { auditDelivery, httpUrlOf, outboxDepth, readTopic, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { createWriterService } from '@outbox/writer';
import { describe, expect, it } from 'vitest';

const start = useApps();

describe('cursor control', () => {
  it('shows offsets, rewinds a paused partition, and skips or dead-letters the head of a halted one', async () => {
    const { env, config, topic, dlqTopic } = testEnvironment({
      OUTBOX_PARTITIONS: '2',
      // A poison event halts its partition instead of going to the dead-letter topic.
      OUTBOX_ON_POISON: 'halt',
      OUTBOX_HALT_PROBE_INTERVAL_MS: '2000',
      // Room for large events in one job, so poison can sit in the middle of a job.
      OUTBOX_JOB_MAX_BYTES: String(8 * 1024 * 1024),
      // Rows committed one by one while paused may each become a job; the test counts all three
      // enqueued, so the job window must not hold the third back.
      OUTBOX_MAX_JOBS_IN_FLIGHT_PER_PARTITION: '10',
    });
    const logger = createLogger({ level: 'warn', format: 'json' });
    const writer = await createWriterService({ config, logger });
    const redis = createRedisClient(config.redis, { logger, connectionName: 'test' });
    const names = pipelineNames(config.redis.prefix, config.connector.name);
    const queues = await openPartitionQueues(redis, names, {
      prefix: config.redis.prefix,
      partitions: 2,
      applySettings: false,
      logger,
    });
    try {
      const first = writer.users.create('Alice');
      const { user } = first;
      // Committed event ids in commit order, for the verifier; this test names events by outbox id.
      const committed = [first.eventId];
      const eventIdOf = new Map([[first.outboxId, first.eventId]]);
      const commit = (event: { outboxId: number; eventId: string }) => {
        committed.push(event.eventId);
        eventIdOf.set(event.outboxId, event.eventId);
        return event.outboxId;
      };
      const rename = (n: number) => {
        for (let i = 0; i < n; i++) {
          const renamed = writer.users.rename(user.id, `Alice ${committed.length}`);
          if (renamed) commit(renamed);
        }
      };
      const partition = partitionOf(String(user.id), 2);
      rename(4);
      env.OUTBOX_API_URL = await httpUrlOf(start('capture-worker', env));
      const publisher = start('publisher-worker', env);
      await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });

      const cli = async (...args: string[]) => {
        const run = start('cli', env, args);
        return { code: await run.exited, output: run.output() };
      };
      // The CLI where its output matters, the API it calls elsewhere: each CLI run is a process start.
      const api = new ConnectorApiClient(env.OUTBOX_API_URL);
      const connector = `/connectors/${config.connector.name}`;
      const offsets = async () =>
        (await api.request<{ offsets: PartitionOffset[] }>('GET', `${connector}/offsets`)).offsets[partition];
      expect(JSON.parse((await cli('offsets', '--json')).output).offsets[partition]).toEqual({
        partition,
        offset: 5,
        inFlight: 0,
        oldestOutboxId: null,
      });
      expect((await cli('offsets')).output).toMatch(/partition\s+offset\s+in flight\s+oldest in outbox/);

      const running = await cli('offsets', 'rewind', '--partition', String(partition));
      expect(running.code).toBe(1);
      expect(running.output).toContain('409: offsets can only be changed while the connector is PAUSED');

      // Paused: new rows are enqueued but wait; then their jobs vanish behind the pipeline's back
      // (as a Redis restored from an old snapshot loses them), stranding rows 6 to 8.
      await api.request('PUT', `${connector}/pause`);
      rename(3);
      await waitFor('the new rows to be enqueued', async () => (await offsets())?.inFlight === 3, { timeoutMs: 30_000 });
      await queues[partition]?.drain(true);
      expect(await offsets()).toEqual({ partition, offset: 8, inFlight: 3, oldestOutboxId: 6 });

      const strands = await cli('offsets', 'rewind', '--partition', String(partition), '--to', '6');
      expect(strands.code).toBe(1);
      expect(strands.output).toContain('409: partition');
      expect(strands.output).toContain('row 6 is still in the outbox; offset 6 would strand it');
      await expect(api.request('PATCH', `${connector}/offsets`, { offsets: [{ partition, offset: 9 }] })).rejects.toThrow(
        /400: partition \d: offset 9 is above its cursor 8/,
      );
      await expect(api.request('PATCH', `${connector}/offsets`, { offsets: [{ partition: 'x' }] })).rejects.toThrow(
        /400: invalid body: offsets\.0\.partition: a partition number/,
      );
      await expect(
        api.request('PATCH', `${connector}/offsets`, { offsets: [{ partition }, { partition, offset: 5 }] }),
      ).rejects.toThrow(/400: invalid body: offsets: each partition at most once/);
      const rewound = await cli('offsets', 'rewind', '--partition', String(partition));
      expect(rewound.code).toBe(0);
      expect(rewound.output).toContain(`partition ${partition}: cursor 8 → 5`);
      await waitFor('the rows to be enqueued again', async () => (await offsets())?.inFlight === 3, { timeoutMs: 30_000 });
      await api.request('PUT', `${connector}/resume`);
      await waitFor('the re-enqueued rows to be published', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 30_000 });

      await expect(api.request('POST', `${connector}/tasks/${partition}/head`, { action: 'skip' })).rejects.toThrow(
        `409: partition ${partition} is not halted`,
      );
      await expect(api.request('POST', `${connector}/tasks/${partition}/head`, { action: 'drop' })).rejects.toThrow(
        /400: invalid body: action: "skip" or "dead-letter"/,
      );

      // Poison in the middle of a job: rows committed in one transaction are captured as one job.
      const db = openDatabase(config.sqlite.path);
      const append = (payload: unknown) => {
        return commit(appendOutboxEvent(db, 'users_outbox', { aggregateId: user.id, eventType: 'UserRenamed', payload }));
      };
      /** A healthy event, then each poison one (too large for the topic) followed by a healthy one. */
      const job = (poison: number) =>
        db.transaction(() => {
          append({ id: user.id, name: 'Alice A' });
          const ids: number[] = [];
          for (let i = 0; i < poison; i++) {
            ids.push(append({ id: user.id, blob: 'x'.repeat(1_500_000) }));
            append({ id: user.id, name: `Alice B${i}` });
          }
          return ids;
        })();
      const haltedAt = async () => {
        const text = await redis.hget(names.halted, String(partition));
        return text ? (JSON.parse(text) as { outboxId: number | null; poison: boolean }) : null;
      };
      const inTopic = async (outboxId: number) =>
        (await readTopic(config.kafka.brokers, topic)).filter((r) => Number(r.headers.outboxId) === outboxId).length;
      const oldestRow = () => (db.prepare('SELECT min(id) AS id FROM users_outbox').get() as { id: number | null }).id;

      // Two poison events in one job: the partition stops at the first; the event before it is
      // delivered once (the producer reports the part of the send Kafka took, and the split starts
      // after it) and acknowledged, so the job keeps only the rest and probes do not send it again.
      const [deadLetteredId = 0, secondId = 0] = job(2);
      await waitFor('the partition to halt at the poison event', async () => (await haltedAt())?.outboxId === deadLetteredId);
      expect(await haltedAt()).toMatchObject({ poison: true });
      await waitFor('the event before it to be acknowledged', () => oldestRow() === deadLetteredId);
      expect(await inTopic(deadLetteredId - 1)).toBe(1);
      const dead = await cli(
        'skip-head',
        '--partition',
        String(partition),
        '--dead-letter',
        '--reason',
        'too large; handled in ticket 42',
      );
      expect(dead.code).toBe(0);
      expect(dead.output).toContain(`(outbox id ${deadLetteredId}, UserRenamed) will be dead-lettered`);
      // It halts again at the second, with the events before it acknowledged; two probes later
      // (every 2 s) none of them was sent again, and the first was not dead-lettered again.
      await waitFor('the partition to halt at the second poison event', async () => (await haltedAt())?.outboxId === secondId);
      await waitFor('the events before it to be acknowledged', () => oldestRow() === secondId);
      await sleep(4500);
      expect([await inTopic(deadLetteredId - 1), await inTopic(deadLetteredId + 1)]).toEqual([1, 1]);
      await api.request('POST', `${connector}/tasks/${partition}/head`, { action: 'dead-letter', reason: 'too large too' });
      await waitFor('the partition to go on', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 30_000 });

      // Another one, skipped: exactly that event is acknowledged and never sent, not its job's first.
      const [skippedId = 0] = job(1);
      await waitFor('the partition to halt at the poison event', async () => (await haltedAt())?.outboxId === skippedId);
      await api.request('POST', `${connector}/tasks/${partition}/head`, { action: 'skip' });
      await waitFor('the partition to go on', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 30_000 });
      await waitFor('the honoured actions to be cleared', async () => (await redis.hlen(names.headActions)) === 0);
      expect(publisher.output()).toContain('head event dead-lettered by an operator');
      expect(publisher.output()).toContain('head event skipped by an operator: acknowledged without sending');
      db.close();

      // Each dead letter once: the first was not sent again by the probes that halted on the second.
      const { report, deadLetters } = await auditDelivery({
        brokers: config.kafka.brokers,
        topic,
        dlqTopic,
        committed,
      });
      expect(deadLetters.map((d) => Number(d.headers.outboxId))).toEqual([deadLetteredId, secondId]);
      expect(deadLetters[0]?.headers).toMatchObject({
        '__outbox.errors.class': 'MANUAL',
        '__outbox.errors.message': 'too large; handled in ticket 42',
      });
      // Everything arrived, in order, but the dead letters and the skipped event.
      expect(report).toMatchObject({
        lost: [eventIdOf.get(skippedId)],
        outOfOrder: 0,
        deadLettered: [eventIdOf.get(deadLetteredId), eventIdOf.get(secondId)],
      });
      expect(report.uniqueEvents).toBe(committed.length - 3);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      await redis.quit();
      await writer.close();
    }
  });
});
