import { setTimeout as sleep } from 'node:timers/promises';
import { readTopicsToEnd, toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { type BenchContext, freshPipeline, median, topicSize } from '../lib/bench-context.ts';
import { fillOutbox, startApp, stopApp, waitForEmptyOutbox } from '../lib/pipeline-run.ts';
import { cpuMeter, microsPerEvent } from '../lib/proc-stats.ts';

export interface DrainResult {
  /** How the apps reached Kafka, when not over PLAINTEXT (e.g. `SASL_SSL, SCRAM-SHA-512`). */
  over?: string;
  events: number;
  runs: DrainRun[];
  medianEventsPerSecond: number;
}

type DrainRun = {
  seconds: number;
  eventsPerSecond: number;
  duplicates: number;
  lost: number;
  outOfOrder: number;
  /** CPU-µs per event of each process over the drain (user + system, from /proc). */
  cpuMicrosPerEvent?: Record<string, number>;
};

/** Settings that make the apps reach the broker another way than PLAINTEXT, and their name. */
export interface DrainOver {
  label: string;
  env: Record<string, string>;
}

/**
 * Events already in the outbox, workers already warm: they are committed in one transaction while
 * a capture worker and a publisher wait, and the clock runs from that commit until the outbox is
 * empty and the topic holds every event. The verifier then checks each run. With `over`, the
 * capture worker and the publisher reach the broker with its settings (SASL_SSL, say); the
 * benchmark's own reads stay on PLAINTEXT, so only the pipeline pays for the security.
 */
export async function drain(context: BenchContext, over?: DrainOver): Promise<DrainResult> {
  const events = drainSize(context);
  const runs: DrainRun[] = [];
  for (let run = 1; run <= runCount(context); run++) runs.push(await drainOnce(context, events, run, over));
  return result(events, runs, over);
}

/**
 * The plaintext drain and the drain `over` the secured listener, run by turns and in alternating
 * order (plain, secured, secured, plain, …), so that a machine slowing down during the run, or a
 * run that goes faster for coming second, weighs on both alike.
 */
export async function drainBeside(context: BenchContext, over: DrainOver): Promise<{ plain: DrainResult; secured: DrainResult }> {
  const events = drainSize(context);
  const plain: DrainRun[] = [];
  const secured: DrainRun[] = [];
  for (let run = 1; run <= runCount(context); run++) {
    if (run % 2 === 0) secured.push(await drainOnce(context, events, run, over));
    plain.push(await drainOnce(context, events, run));
    if (run % 2 === 1) secured.push(await drainOnce(context, events, run, over));
  }
  return { plain: result(events, plain), secured: result(events, secured, over) };
}

const drainSize = (context: BenchContext) => (context.quick ? 20_000 : 200_000);
const runCount = (context: BenchContext) => (context.quick ? 1 : 3);

function result(events: number, runs: DrainRun[], over?: DrainOver): DrainResult {
  return { ...(over && { over: over.label }), events, runs, medianEventsPerSecond: median(runs.map((r) => r.eventsPerSecond)) };
}

async function drainOnce(context: BenchContext, events: number, run: number, over?: DrainOver): Promise<DrainRun> {
  const name = `drain run ${run}${over ? ` over ${over.label}` : ''}`;
  const fresh = freshPipeline(context, over ? 'drain-tls' : 'drain');
  const { dbPath, topic } = fresh;
  const env = { ...fresh.env, ...over?.env };
  const warmUp = fillOutbox(dbPath, 1000, 1000); // the users exist, and the workers warm up on these
  const publisher = startApp('publisher-worker', env);
  const capture = startApp('capture-worker', env);
  await waitForEmptyOutbox(dbPath, performance.now());
  await sleep(1000);
  context.progress(`${name}: committing ${events} events at once`);
  const committed = warmUp.concat(fillOutbox(dbPath, events, 1000, { oneTransaction: true }));
  const meter = cpuMeter({
    capture: capture.pid ?? 0,
    publisher: publisher.pid ?? 0,
    redis: context.infra.redis.pid,
    kafka: context.infra.broker.pid,
  });
  meter.start();
  const started = performance.now();
  await waitForEmptyOutbox(dbPath, started);
  while ((await topicSize(context.kafka, topic)) < events + 1000) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  const cpuMicros = microsPerEvent(meter.stop(), seconds, events);
  await Promise.all([capture, publisher].map(stopApp));

  const records = await readTopicsToEnd(context.kafka, [topic]);
  const report = verifyEvents({ events: toVerifiedEvents(records), committed });
  context.progress(
    `${name}: ${seconds.toFixed(2)} s, ${Math.round(events / seconds)} events/s, verifier: ${report.lost.length} lost, ${report.outOfOrder} out of order; CPU-µs/event ${JSON.stringify(cpuMicros)}`,
  );
  return {
    seconds,
    eventsPerSecond: Math.round(events / seconds),
    duplicates: report.duplicates,
    lost: report.lost.length,
    outOfOrder: report.outOfOrder,
    cpuMicrosPerEvent: cpuMicros,
  };
}
