import { appendOutboxEvent, migrateOutbox, openDatabase } from '@outbox/outbox-store';
import {
  type AlertReceiver,
  type KafkaBroker,
  outboxDepth,
  ownBrokerOptions,
  readTopic,
  startAlertReceiver,
  startKafkaBroker,
  testEnvironment,
  useApps,
  waitFor,
} from '@outbox/testkit';
import { afterEach, describe, expect, it } from 'vitest';

const start = useApps();
let broker: KafkaBroker | undefined;
let receiver: AlertReceiver | undefined;
afterEach(async () => {
  // A frozen broker would not stop on SIGTERM.
  broker?.resume();
  await broker?.stop();
  broker = undefined;
  await receiver?.close();
  receiver = undefined;
});

describe('alerts', () => {
  it('reach a webhook that was down at first: dead letters, a halted partition and its recovery', async () => {
    // A broker of this file's own: the test freezes it.
    const options = await ownBrokerOptions('alerts');
    broker = await startKafkaBroker(options);
    // Nothing listens there yet: the first POSTs are refused.
    receiver = await startAlertReceiver({ down: true });
    const { alerts } = receiver;
    const { env, config, topic, dlqTopic } = testEnvironment({
      KAFKA_BROKERS: broker.brokers.join(','),
      OUTBOX_PARTITIONS: '1',
      OUTBOX_PUBLISH_MAX_ATTEMPTS: '1',
      OUTBOX_HALT_PROBE_INTERVAL_MS: '500',
      KAFKA_CONNECTION_TIMEOUT_MS: '500',
      KAFKA_REQUEST_TIMEOUT_MS: '1000',
      OUTBOX_ALERT_WEBHOOK_URL: receiver.url,
      OUTBOX_ALERT_WEBHOOK_MAX_ATTEMPTS: '100',
      OUTBOX_ALERT_WEBHOOK_RETRY_INITIAL_MS: '100',
      OUTBOX_ALERT_WEBHOOK_RETRY_MAX_MS: '300',
    });

    const db = openDatabase(config.sqlite.path);
    migrateOutbox(db, 'users_outbox');
    const healthy = appendOutboxEvent(db, 'users_outbox', { aggregateId: '1', eventType: 'UserCreated', payload: { id: 1 } });
    const poison = appendOutboxEvent(db, 'users_outbox', {
      aggregateId: '1',
      eventType: 'UserRenamed',
      payload: '{"name": oops',
    });

    start('capture-worker', env);
    const publisher = start('publisher-worker', env);
    await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 30_000 });
    await waitFor('a refused POST', () => publisher.output().includes('alert webhook failed; retrying'), { timeoutMs: 10_000 });

    await receiver.up();
    const deadLetters = await waitFor('the dead-letter alert', () => alerts.find((a) => a.alert === 'DEAD_LETTERS'), {
      timeoutMs: 10_000,
    });
    expect(deadLetters).toMatchObject({
      severity: 'error',
      connector: config.connector.name,
      details: { count: 1, byErrorType: { INVALID_PAYLOAD: 1 }, dlqTopics: [dlqTopic], samples: [{ eventId: poison.eventId }] },
    });
    expect(Date.parse(deadLetters.at)).not.toBeNaN();
    const [letter] = await readTopic(config.kafka.brokers, dlqTopic);
    expect(letter?.headers).toMatchObject({ id: poison.eventId, '__outbox.errors.class': 'INVALID_PAYLOAD' });

    // The broker freezes; the next events halt their partition at the first failed send.
    broker.pause();
    const stuck = [2, 3, 4].map((n) =>
      appendOutboxEvent(db, 'users_outbox', { aggregateId: '1', eventType: 'UserRenamed', payload: { id: 1, n } }),
    );
    db.close();
    const halted = await waitFor('the halt alert', () => alerts.find((a) => a.alert === 'PARTITION_HALTED'), {
      timeoutMs: 20_000,
    });
    expect(halted).toMatchObject({ severity: 'critical', connector: config.connector.name, details: { partition: 0 } });
    expect(alerts.some((a) => a.alert === 'PARTITION_RESUMED')).toBe(false);
    expect(outboxDepth(config.sqlite.path)).toBe(3);

    broker.resume();
    const resumed = await waitFor('the recovery alert', () => alerts.find((a) => a.alert === 'PARTITION_RESUMED'), {
      timeoutMs: 20_000,
    });
    expect(resumed).toMatchObject({ severity: 'info', details: { partition: 0 } });
    await waitFor('the outbox to drain again', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 20_000 });
    const published = await readTopic(config.kafka.brokers, topic);
    expect(published.map((e) => Number(e.headers.outboxId))).toEqual(
      expect.arrayContaining([healthy.outboxId, ...stuck.map((s) => s.outboxId)]),
    );
    // Halted then resumed, in that order, once each.
    expect(alerts.map((a) => a.alert).filter((a) => a.startsWith('PARTITION_'))).toEqual([
      'PARTITION_HALTED',
      'PARTITION_RESUMED',
    ]);
    // Every request was one well-formed alert.
    expect(receiver.malformed).toEqual([]);
  });
});
