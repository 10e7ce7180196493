import { appendOutboxEvent, openDatabase } from '@outbox/outbox-store';
import type { ConnectorStatus } from '@outbox/pipeline';
import { partitionOf } from '@outbox/queue';
import {
  type AppProcess,
  auditDelivery,
  type DeliveryAudit,
  httpUrlOf,
  outboxDepth,
  recordCommittedEvents,
  type TestEnvironment,
  waitFor,
} from '@outbox/testkit';
import { expect } from 'vitest';

type StartApp = (app: string, env: Record<string, string>, args?: string[]) => AppProcess;

export interface RedisPipelineRunOptions {
  start: StartApp;
  /** The test's environment; its `env` carries the Redis settings under test. */
  test: TestEnvironment;
  /** Events `outbox load` writes over 100 users. */
  events: number;
  /** `outbox load`'s rate, events/s; 0 = as fast as it can. @defaultValue 0 */
  rate?: number;
  /** Strikes once a third of the load is committed (a fault), while the load goes on. */
  midLoad?: (run: { capture: AppProcess; publishers: AppProcess[] }) => Promise<void>;
  /**
   * After the load: a poison event halts its partition, `status` and `skip-head --dead-letter`
   * handle it, then a pause, `offsets`, a rewind, a resume and a metrics scrape — every path an
   * operator takes through Redis. @defaultValue true
   */
  operate?: boolean;
  /** @defaultValue 60000 */
  drainTimeoutMs?: number;
}

export interface RedisPipelineRun {
  capture: AppProcess;
  publishers: AppProcess[];
  audit: DeliveryAudit;
  /** Every committed event id, in commit order. */
  committed: string[];
  /** The poison event the operator dead-lettered, when `operate` is on. */
  poisonEventId: string | undefined;
}

/**
 * The whole pipeline on the Redis the test's environment names: a capture worker (with the REST
 * API), two publishers, `outbox load`, and, unless `operate` is off, the operator's commands. The
 * events it moved are audited against every committed event id.
 */
export async function runPipelineOnRedis(options: RedisPipelineRunOptions): Promise<RedisPipelineRun> {
  const { start, test } = options;
  const env: Record<string, string> = {
    ...test.env,
    OUTBOX_PARTITIONS: '3',
    OUTBOX_ON_POISON: 'halt',
    OUTBOX_HALT_PROBE_INTERVAL_MS: '2000',
  };
  const committed = recordCommittedEvents(test.config.sqlite.path, test.config.outbox.table);
  const capture = start('capture-worker', env);
  env.OUTBOX_API_URL = await httpUrlOf(capture);
  const publishers = ['pub-1', 'pub-2'].map((name) => start('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: name }));
  const drained = (what: string) => waitForDrain(what, test, { capture, publishers }, options.drainTimeoutMs);

  const load = start('cli', env, [
    'load',
    '--events',
    String(options.events),
    '--aggregates',
    '100',
    '--rate',
    String(options.rate ?? 0),
  ]);
  if (options.midLoad) {
    const third = Math.ceil(options.events / 3);
    await waitFor('a third of the load to be committed', () => committed().length >= third, { timeoutMs: 60_000 });
    await options.midLoad({ capture, publishers });
  }
  expect(await load.exited).toBe(0);
  await drained('the load to be delivered');

  const poisonEventId = options.operate === false ? undefined : await operate(start, env, test, drained);
  const ids = committed().map((event) => event.eventId);
  const audit = await auditDelivery({
    brokers: test.config.kafka.brokers,
    topic: test.topic,
    dlqTopic: test.dlqTopic,
    committed: ids,
  });
  return { capture, publishers, audit, committed: ids, poisonEventId };
}

/** The operator's paths through Redis, each through the CLI as a user runs it. */
async function operate(
  start: StartApp,
  env: Record<string, string>,
  test: TestEnvironment,
  drained: (what: string) => Promise<void>,
): Promise<string> {
  const cli = async (...args: string[]) => {
    const run = start('cli', env, args);
    const code = await run.exited;
    expect(code, `outbox ${args.join(' ')}:\n${run.output()}`).toBe(0);
    return run.output();
  };
  const db = openDatabase(test.config.sqlite.path);
  const poison = appendOutboxEvent(db, test.config.outbox.table, {
    aggregateId: 'poison-1',
    eventType: 'UserRenamed',
    payload: '{"name": oops',
  });
  db.close();
  const partition = partitionOf('poison-1', 3);
  const statusUrl = `${env.OUTBOX_API_URL}/connectors/${test.config.connector.name}/status`;
  await waitFor('the poison event to halt its partition', async () => {
    const status = (await (await fetch(statusUrl)).json()) as ConnectorStatus;
    return status.tasks[partition]?.state === 'HALTED';
  });
  expect(await cli('status')).toContain('HALTED');
  await cli('skip-head', '--partition', String(partition), '--dead-letter', '--reason', 'test');
  await drained('the poison event to be dead-lettered');

  await cli('pause');
  const paused = start('cli', env, ['load', '--events', '60', '--aggregates', '10']);
  expect(await paused.exited).toBe(0);
  expect(await cli('offsets')).toMatch(/partition\s+offset\s+in flight/);
  await cli('offsets', 'rewind', '--partition', '0');
  await cli('resume');
  await drained('the rows written while paused to be delivered');
  await readPages(env.OUTBOX_API_URL ?? '', test.config.connector.name);
  return poison.eventId;
}

/** The metrics scrape, the readiness probe, the status page's data and Bull Board's: each reads Redis its own way. */
async function readPages(api: string, connector: string): Promise<void> {
  const get = async (path: string) => {
    const response = await fetch(`${api}${path}`);
    expect(response.status, path).toBe(200);
    return response.text();
  };
  expect(await get('/metrics')).toMatch(/^outbox_redis_up({[^}]*})? 1$/m);
  await get('/readyz');
  await get(`/connectors/${connector}/history`);
  const board = JSON.parse(await get('/ui/queues/api/queues?status=latest&page=1&jobsPerPage=10')) as { queues: unknown[] };
  expect(board.queues).toHaveLength(3);
  await get('/ui/queues/api/redis/stats');
}

async function waitForDrain(
  what: string,
  test: TestEnvironment,
  apps: { capture: AppProcess; publishers: AppProcess[] },
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(what, () => outboxDepth(test.config.sqlite.path) === 0, { timeoutMs }).catch((error: unknown) => {
    const tail = (app: AppProcess) => app.output().split('\n').slice(-15).join('\n');
    console.log(`capture:\n${tail(apps.capture)}\n${apps.publishers.map((p) => `publisher:\n${tail(p)}`).join('\n')}`);
    throw error;
  });
}

/**
 * The audit of an operated run, logged under `what`: every committed event delivered once in
 * order, the operator's poison event dead-lettered.
 */
export function expectEveryEventDelivered(run: RedisPipelineRun, what: string): void {
  const { report } = run.audit;
  console.log(
    `${what}: ${report.uniqueEvents} delivered, ${report.duplicates} duplicates, ${report.lost.length} lost, ${report.outOfOrder} out of order`,
  );
  expect(report.lost).toEqual([]);
  expect(report.outOfOrder).toBe(0);
  expect(report.deadLettered).toEqual([run.poisonEventId]);
  expect(report.uniqueEvents).toBe(run.committed.length - 1);
}
