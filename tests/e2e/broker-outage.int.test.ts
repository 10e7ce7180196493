import type { StartKafkaOptions } from '@outbox/infra';
import { type KafkaClientName, kafkaClients } from '@outbox/kafka';
import {
  httpUrlOf,
  type KafkaBroker,
  outboxDepth,
  ownBrokerOptions,
  readTopic,
  recordCommittedEvents,
  startKafkaBroker,
  testEnvironment,
  useApps,
  waitFor,
} from '@outbox/testkit';
import { toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const start = useApps();

// A broker of this file's own, since its tests stop and freeze it; shared by them (each has its
// own topics), since a fresh start costs seconds. A test that fails leaves it running for the next.
let options: StartKafkaOptions;
let broker: KafkaBroker | undefined;
beforeAll(async () => {
  options = await ownBrokerOptions('outage');
  broker = await startKafkaBroker(options);
});
afterEach(async () => {
  broker?.resume();
  broker ??= await startKafkaBroker(options);
});
afterAll(() => broker?.stop());

/** The running broker (a test stops it through {@link stopBroker}). */
function runningBroker(): KafkaBroker {
  if (!broker) throw new Error('the broker is stopped');
  return broker;
}

async function stopBroker(): Promise<void> {
  const stopping = runningBroker();
  broker = undefined;
  await stopping.stop();
}

/**
 * The clients each test runs with. The outage test runs with both: whether a publisher halts,
 * retries and resumes hangs on how the client's errors are classified (a lost connection is an
 * outage: kafkajs' KafkaJSConnectionError, @platformatic/kafka's PLT_KFK_NETWORK), and on each
 * client's own retries and reconnection. The frozen broker meets a starting publisher in its topic
 * check, which is kafkajs' admin whichever client sends; the producer is made and connected only
 * once the broker answers, and then sends as in the end-to-end test (tests/e2e/pipeline.int.test.ts,
 * both clients). So that test runs with the default client only.
 */
const frozenAtStartClients: readonly KafkaClientName[] = ['kafkajs'];

describe.each(kafkaClients)('a broker outage (producer: %s)', (client) => {
  it('halts the partitions after bounded retries, shows it, skips a head only when forced, and resumes by itself', async () => {
    const { env, config, topic } = testEnvironment({
      KAFKA_CLIENT: client,
      KAFKA_BROKERS: runningBroker().brokers.join(','),
      OUTBOX_PARTITIONS: '2',
      OUTBOX_PUBLISH_MAX_ATTEMPTS: '3',
      OUTBOX_RETRY_INITIAL_MS: '100',
      OUTBOX_RETRY_MAX_MS: '300',
      OUTBOX_HALT_PROBE_INTERVAL_MS: '1000',
      KAFKA_CONNECTION_TIMEOUT_MS: '500',
      KAFKA_REQUEST_TIMEOUT_MS: '1000',
    });
    // The CLI's status goes through the capture worker's REST API.
    env.OUTBOX_API_URL = await httpUrlOf(start('capture-worker', env));
    // The capture worker created the outbox: the audit trigger goes on it before the first event.
    const committed = recordCommittedEvents(config.sqlite.path, config.outbox.table);
    const publisher = start('publisher-worker', env);
    const first = start('cli', env, ['load', '--events', '200', '--aggregates', '20']);
    expect(await first.exited).toBe(0);
    await waitFor('the first events to be published', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 30_000 });

    await stopBroker();
    const second = start('cli', env, ['load', '--events', '200', '--aggregates', '20']);
    expect(await second.exited).toBe(0);
    await waitFor(
      'a partition to halt',
      () => publisher.output().includes('partition halted; its events wait in the outbox, in order'),
      {
        timeoutMs: 60_000,
      },
    );
    // The halt is logged a moment before it is recorded in Redis, where `outbox status` reads it.
    await waitFor('`outbox status` to show the halt', async () => {
      const status = start('cli', env, ['status']);
      return (await status.exited) === 0 && /HALTED: /.test(status.output());
    });
    expect(outboxDepth(config.sqlite.path)).toBeGreaterThan(0);

    // The event a partition halted at during an outage is healthy: skipping it is refused, unless
    // forced; forced, exactly that event is acknowledged without being sent.
    const status = start('cli', env, ['status', '--json']);
    expect(await status.exited).toBe(0);
    const { tasks } = JSON.parse(status.output()) as { tasks: { id: number; halted: { outboxId: number | null } | null }[] };
    const halted = tasks.find((task) => task.halted?.outboxId);
    const skippedId = halted?.halted?.outboxId ?? 0;
    expect(skippedId).toBeGreaterThan(200);
    const refused = start('cli', env, ['skip-head', '--partition', String(halted?.id)]);
    expect(await refused.exited).not.toBe(0);
    expect(refused.output()).toContain('halted on an error that may go away');
    const forced = start('cli', env, ['skip-head', '--partition', String(halted?.id), '--force', '--reason', 'outage test']);
    expect(await forced.exited).toBe(0);
    expect(forced.output()).toContain(`(outbox id ${skippedId}, `);
    await waitFor('the publisher to skip it', () => publisher.output().includes('head event skipped by an operator'), {
      timeoutMs: 30_000,
    });

    broker = await startKafkaBroker(options);
    await waitFor('the outbox to drain after the broker is back', () => outboxDepth(config.sqlite.path) === 0, {
      timeoutMs: 90_000,
    });
    expect(publisher.output()).toContain('partition resumed: the broker accepts events again');

    const events = committed();
    expect(events).toHaveLength(400);
    const report = verifyEvents({
      events: toVerifiedEvents(await readTopic(runningBroker().brokers, topic)),
      committed: events.map((event) => event.eventId),
    });
    // Everything in order, but the one event the operator chose to skip.
    const skipped = events.find((event) => event.id === skippedId)?.eventId;
    expect(report).toMatchObject({ lost: [skipped], outOfOrder: 0, uniqueEvents: 399 });
  });

  if (!frozenAtStartClients.includes(client)) return;
  it('keeps a publisher started while the broker is frozen waiting, then publishes when it answers', async () => {
    const broker = runningBroker();
    const { env, config, topic } = testEnvironment({
      KAFKA_CLIENT: client,
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_CONNECTION_TIMEOUT_MS: '500',
      KAFKA_REQUEST_TIMEOUT_MS: '1000',
    });
    broker.pause();
    try {
      const publisher = start('publisher-worker', env);
      // Connections open (the kernel answers for a frozen process); requests time out.
      await waitFor('the publisher to wait for the frozen broker', () => publisher.output().includes('is unreachable (topics)'), {
        timeoutMs: 60_000,
      });
      expect(publisher.child.exitCode).toBeNull();
      broker.resume();
      start('capture-worker', env);
      const load = start('cli', env, ['load', '--events', '50', '--aggregates', '5']);
      expect(await load.exited).toBe(0);
      await waitFor('the events to be published', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });
      expect((await readTopic(broker.brokers, topic)).length).toBe(50);
    } finally {
      broker.resume();
    }
  });
});
