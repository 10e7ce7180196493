import { existsSync } from 'node:fs';
import { freePort, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { describe, expect, it } from 'vitest';

const start = useApps();

const stackTrace = /\n\s+at .+:\d+:\d+/;

describe('bad configuration and unreachable dependencies', () => {
  it('lists every bad setting, exits 2 without a stack trace, and creates no database', async () => {
    const { env, config } = testEnvironment({}, { database: false });
    for (const app of ['capture-worker', 'publisher-worker', 'writer']) {
      const process = start(app, {
        ...env,
        OUTBOX_PARTITIONS: 'lots',
        KAFKA_BROKERS: 'kafka',
        WRITER_PORT: '70000',
        OUTBOX_BATCHSIZE: '5',
      });
      expect(await process.exited).toBe(2);
      const output = process.output();
      expect(output).toContain(`${app}: Invalid configuration:`);
      expect(output).toContain('OUTBOX_PARTITIONS (pipeline.partitions): expected a whole number (got "lots")');
      expect(output).toContain('KAFKA_BROKERS (kafka.brokers): host:port (got "kafka")');
      expect(output).toContain('WRITER_PORT (writer.port): expected a port, 0 to 65535 (got "70000")');
      expect(output).toContain('OUTBOX_BATCHSIZE: unknown setting');
      expect(output).not.toMatch(stackTrace);
    }
    expect(existsSync(config.sqlite.path)).toBe(false);
  });

  it('rejects bad CLI arguments with a usage message and writes nothing', async () => {
    const { env, config } = testEnvironment({}, { database: false });
    const cli = start('cli', env, ['load', '--events', '-5']);
    expect(await cli.exited).not.toBe(0);
    expect(cli.output()).toContain(`option '--events <n>' argument '-5' is invalid. expected a whole number >= 1`);
    const tooFew = start('cli', env, ['load', '--events', '5', '--aggregates', '10']);
    expect(await tooFew.exited).toBe(2);
    expect(tooFew.output()).toContain('--events (5) must be at least --aggregates (10)');
    expect(existsSync(config.sqlite.path)).toBe(false);
  });

  it('names an unreachable Kafka broker and keeps retrying until stopped', async () => {
    const port = await freePort();
    const { env } = testEnvironment({ KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_CONNECTION_TIMEOUT_MS: '500' });
    const publisher = start('publisher-worker', env);
    await waitFor(
      'two connection attempts',
      () => publisher.output().split(`Kafka at 127.0.0.1:${port} is unreachable`).length > 2,
      {
        timeoutMs: 30_000,
      },
    );
    expect(await publisher.stop('SIGTERM')).toBe(0);
  });

  it('names an unreachable Redis and keeps retrying until stopped', async () => {
    const port = await freePort();
    const { env } = testEnvironment({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const capture = start('capture-worker', env);
    await waitFor('the Redis warning', () => capture.output().includes(`Redis at redis://127.0.0.1:${port} is unreachable`), {
      timeoutMs: 30_000,
    });
    expect(await capture.stop('SIGTERM')).toBe(0);
  });

  it('refuses a second capture worker on the same database', async () => {
    const { env, config } = testEnvironment();
    const first = start('capture-worker', env);
    await waitFor('the first capture worker', () => first.output().includes('capture worker started'));
    const second = start('capture-worker', env);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`another capture worker is already running for ${config.sqlite.path}`);
    expect(first.child.exitCode).toBeNull();
  });

  it('stops with a clear message when the topic is missing and topic creation is off', async () => {
    const { env, topic, dlqTopic } = testEnvironment({ OUTBOX_CREATE_TOPICS: 'false' });
    const publisher = start('publisher-worker', env);
    expect(await publisher.exited).toBe(1);
    expect(publisher.output()).toContain(`Kafka topic(s) ${topic}, ${dlqTopic} do not exist`);
    expect(publisher.output()).toContain('and topic creation is off (OUTBOX_CREATE_TOPICS=false)');
  });
});

describe('changing the partition count', () => {
  it('is refused while events are in flight, with a message saying what to do', async () => {
    const { env, config } = testEnvironment({ OUTBOX_PARTITIONS: '4' });
    const load = start('cli', env, ['load', '--events', '50', '--aggregates', '10']);
    expect(await load.exited).toBe(0);
    // No publisher runs: the 50 events stay in flight.
    const first = start('capture-worker', env);
    await waitFor('the events to be enqueued', () => first.output().includes('capture worker started'));
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = start('capture-worker', { ...env, OUTBOX_PARTITIONS: '8' });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('the pipeline ran with 4 partitions and 50 events are still in the outbox');
    expect(second.output()).toContain(`Drain the outbox with 4 partitions first, then restart with 8.`);
    expect(existsSync(config.sqlite.path)).toBe(true);
  });
});
