import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrateOutbox, openDatabase, quoteIdentifier } from '@outbox/outbox-store';
import { auditDelivery, type ChaosRow, outboxDepth, recordCommittedEvents, testEnvironment } from '@outbox/testkit';
import { readIdsFile } from '@outbox/verifier';
import { inject } from 'vitest';
import type { ChaosInfra } from './chaos-infra.ts';
import type { ChaosOutcome, ChaosRun, ChaosScenario, ChaosSize } from './chaos-scenario.ts';
import { Fleet } from './fleet.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** App settings a chaos run passes to every process (vitest.chaos.config.ts). */
    chaosAppSettings?: Record<string, string>;
  }
}

/** A bound on waiting for the pipeline to catch up: generous, because the machine is shared. */
const drainDeadlineMs = 120_000;

/**
 * Runs one fault: its own pipeline (database, connector, topics; its own broker or Redis when the
 * fault needs them), writer load through `outbox load`, the fault at a random moment during the
 * load, then waits until the outbox is empty and audits Kafka against the committed events.
 * Returns the outcome even when the pipeline did not recover, so the table shows every fault.
 */
export async function runScenario(scenario: ChaosScenario, size: ChaosSize, infra: ChaosInfra): Promise<ChaosOutcome> {
  const broker = scenario.needs?.broker ? await infra.broker() : undefined;
  const cluster = scenario.needs?.kafkaCluster ? await infra.kafkaCluster() : undefined;
  const redis = scenario.needs?.redis ? await infra.redis() : undefined;
  const kafkaBrokers = broker?.brokers ?? cluster?.brokers;
  const { env, config, topic, dlqTopic, dir } = testEnvironment({
    LOG_LEVEL: 'warn',
    ...(kafkaBrokers && { KAFKA_BROKERS: kafkaBrokers.join(',') }),
    ...(redis && { REDIS_URL: redis.url }),
    // What the chaos run was asked for (vitest.chaos.config.ts); none in `pnpm test`.
    ...inject('chaosAppSettings'),
    ...scenario.env,
  });
  const appEnv = { ...env, ...(await scenario.prepare?.(infra)) };
  const dbPath = config.sqlite.path;
  const table = config.outbox.table;

  // The audit trigger must exist before the first event is written.
  const db = openDatabase(dbPath);
  migrateOutbox(db, table);
  db.close();
  const committedEvents = recordCommittedEvents(dbPath, table);
  const audit = openDatabase(dbPath, { readonly: true });
  const countCommitted = audit.prepare<[], { n: number }>('SELECT count(*) AS n FROM test_committed');

  const fleet = new Fleet(appEnv);
  const idsFiles: string[] = [];
  let writer = startWriter(size.events);
  function startWriter(events: number) {
    const idsFile = join(dir, `ids-${idsFiles.length + 1}.txt`);
    idsFiles.push(idsFile);
    return fleet.startWriter({ events, aggregates: Math.min(size.aggregates, events), rate: size.rate, idsFile });
  }

  const run: ChaosRun = {
    env: appEnv,
    config,
    topic,
    dlqTopic,
    size,
    fleet,
    infra,
    redis,
    committed: () => countCommitted.get()?.n ?? 0,
    untilWritten: async (share) => {
      const target = Math.ceil(share * size.events);
      while (run.committed() < target && run.writing()) {
        throwIfCrashed(fleet);
        await sleep(20);
      }
    },
    randomMoments: (count) => Array.from({ length: count }, () => 0.1 + Math.random() * 0.6).sort((a, b) => a - b),
    untilRandomMoment: () => run.untilWritten(run.randomMoments(1)[0] ?? 0.5),
    writing: () => writer.child.exitCode === null && writer.child.signalCode === null,
    writer: () => writer,
    startWriter: (events) => {
      writer = startWriter(events);
    },
    log: (line) => console.log(`[chaos] ${scenario.fault}: ${line}`),
  };

  let recoveryMs: number | undefined;
  let failure: string | undefined;
  try {
    fleet.startCapture();
    for (let i = 1; i <= (scenario.publishers ?? 2); i++) fleet.startPublisher(`pub-${i}`);
    const faultEndedAt = await scenario.inject(run);
    failure = await waitForRecovery(run, scenario);
    if (failure === undefined) recoveryMs = Math.max(0, Date.now() - faultEndedAt);
    if (failure) run.log(`${failure}\n${fleet.tails()}`);
  } catch (error) {
    failure = (error as Error).message;
    run.log(`${failure}\n${fleet.tails()}`);
  } finally {
    await fleet.stopAll();
  }

  try {
    const committedIds = committedEvents().map((event) => event.eventId);
    const reportedIds = idsFiles.filter((file) => existsSync(file)).flatMap((file) => readIdsFile(file));
    const audited = { brokers: config.kafka.brokers, topic, dlqTopic, committed: committedIds };
    const delivery = await auditDelivery(audited);
    const { report } = delivery;
    // With transactions, what a consumer that does not read committed would see too.
    const uncommitted =
      appEnv.OUTBOX_DELIVERY === 'exactly-once' ? await auditDelivery({ ...audited, isolation: 'read_uncommitted' }) : undefined;
    // A row still in the outbox is waiting, not lost: the pipeline can still deliver it.
    const rows = rowsInOutbox(run);
    const waiting = rows.map((row) => row.id);
    const inOutbox = new Set(rows.map((row) => row.eventId));
    const lost = report.lost.filter((id) => !inOutbox.has(id));
    if (failure) {
      const inKafka = new Set([...delivery.events, ...delivery.deadLetters].map((record) => record.headers.id));
      const sample = `${waiting.slice(0, 8).join(', ')}${waiting.length > 8 ? ', …' : ''}`;
      const delivered = rows.filter((row) => inKafka.has(row.eventId)).length;
      // Tells a pipeline that stopped delivering from one that delivered but never applied the acknowledgements.
      failure += `; ${waiting.length} rows left in the outbox (ids ${sample}), ${delivered} of them already in Kafka`;
      run.log(failure);
    }
    const row: ChaosRow = {
      fault: scenario.fault,
      written: committedIds.length,
      delivered: report.uniqueEvents,
      deadLettered: report.deadLettered.length,
      lost: lost.length,
      outOfOrder: report.outOfOrder,
      duplicates: report.duplicates,
      ...(uncommitted && { duplicatesReadUncommitted: uncommitted.report.duplicates }),
      recoveryMs,
    };
    run.log(
      `${row.written} written, ${row.delivered} delivered, ${row.deadLettered} dead-lettered, ${row.lost} lost, ` +
        `${row.outOfOrder} out of order, ${row.duplicates} duplicates` +
        (uncommitted ? ` (${row.duplicatesReadUncommitted} read uncommitted)` : '') +
        `, recovery ${recoveryMs ?? '-'} ms`,
    );
    return { row, failure, lost, waiting, committedIds, reportedIds, delivery, fleetOutput: (role) => fleet.output(role), run };
  } finally {
    audit.close();
    await scenario.cleanup?.();
    await redis?.stop();
  }
}

/** Waits for the writers to finish and the pipeline to be done; returns why it did not, if it did not. */
async function waitForRecovery(run: ChaosRun, scenario: ChaosScenario): Promise<string | undefined> {
  const deadline = Date.now() + drainDeadlineMs;
  while (Date.now() < deadline) {
    throwIfCrashed(run.fleet);
    // An empty outbox means every row was acknowledged, and rows are acknowledged only after
    // Kafka accepted their events (or their dead letters).
    if (
      !run.writing() &&
      outboxDepth(run.config.sqlite.path, run.config.outbox.table) === 0 &&
      (scenario.recovered?.() ?? true)
    ) {
      return undefined;
    }
    await sleep(100);
  }
  return `not recovered within ${drainDeadlineMs / 1000} s (writer ${run.writing() ? 'still writing' : 'done'})`;
}

function rowsInOutbox(run: ChaosRun): { id: number; eventId: string }[] {
  const db = openDatabase(run.config.sqlite.path, { readonly: true });
  try {
    const table = quoteIdentifier(run.config.outbox.table);
    return db.prepare<[], { id: number; eventId: string }>(`SELECT id, eventId FROM ${table} ORDER BY id`).all();
  } finally {
    db.close();
  }
}

function throwIfCrashed(fleet: Fleet): void {
  const crash = fleet.crashed();
  if (crash) throw new Error(`a process crashed: ${crash}`);
}
