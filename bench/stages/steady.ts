import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '@outbox/infra';
import { readTopicsToEnd } from '@outbox/verifier';
import { type BenchContext, createBenchTopic, freshPipeline, percentile } from '../lib/bench-context.ts';
import type { AppVariant } from '../lib/bench-infra.ts';
import { fillOutbox, startApp, stopApp, waitForEmptyOutbox } from '../lib/pipeline-run.ts';
import { cpuMeter } from '../lib/proc-stats.ts';
import { startVisibilityProbe } from '../lib/visibility.ts';

export interface SteadyResult {
  /** How the apps differed from the plain steady stage (`exactly-once delivery`); absent for it. */
  over?: string;
  targetRate: number;
  seconds: number;
  achievedRate: number;
  latencyMs: Latencies;
  /**
   * Commit→readable by a read_committed consumer (bench/lib/visibility.ts): with exactly-once
   * delivery an event is readable only once its transaction commits, after its append. At rates
   * up to 1,000/s (the consumer's own CPU would weigh on a faster stage).
   */
  visibleMs?: Latencies;
  /** % of one core while the load runs. */
  cpu: Record<string, number>;
  /** % of one core with no traffic, after a settle. */
  idleCpu: Record<string, number>;
}

interface Latencies {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  samples: number;
}

function latenciesOf(sorted: number[]): Latencies {
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
    samples: sorted.length,
  };
}

/**
 * How the load (the app) commits. Above 1,000 events/s without an fsync per commit: one fsync'd
 * transaction per event topped out at about 2,000 events/s here, so the 10,000/s stage never ran
 * at its rate — an app at that rate groups its commits or runs NORMAL. Only the load's own
 * connection: the workers' keep FULL, and latency runs from each commit all the same.
 */
function appCommits(rate: number): Record<string, string> {
  return rate > 1000 ? { OUTBOX_SQLITE_SYNCHRONOUS: 'NORMAL' } : {};
}

/**
 * The writer at a fixed rate: commit→Kafka latency from the event's `occurredAt` (taken inside the
 * transaction, just before COMMIT) to the broker's LogAppendTime on the record, and CPU under load
 * and idle. At 1,000 events/s by default; `steady-10k` runs it at 10,000 events/s for a third of
 * the time (20 s, 200,000 events); `steady-exactly-once` runs it with the apps `over` other
 * settings (exactly-once delivery). Idle CPU is measured after each.
 */
export async function steady(context: BenchContext, rate = 1000, over?: AppVariant): Promise<SteadyResult> {
  const seconds = (context.quick ? 15 : 60) / (rate > 1000 ? 3 : 1);
  const settle = context.quick ? 3 : 10;
  const idleSeconds = context.quick ? 10 : 60;
  const name = `steady${over ? ` (${over.label})` : ''}`;
  const fresh = freshPipeline(context, 'steady');
  const { dbPath, topic } = fresh;
  const env = { ...fresh.env, ...over?.env };
  await createBenchTopic(context.kafka, topic);
  fillOutbox(dbPath, 1000, 1000);
  const capture = startApp('capture-worker', env);
  const publisher = startApp('publisher-worker', env);
  await waitForEmptyOutbox(dbPath, performance.now());
  const visibility = rate <= 1000 ? await startVisibilityProbe(context.kafka, topic, 1000) : undefined;
  await visibility?.readAtLeast(1000);

  context.progress(`${name}: ${rate} events/s for ${seconds} s`);
  const load = spawn(
    process.execPath,
    [
      join(projectRoot, 'apps/cli/src/main.ts'),
      'load',
      '--events',
      String(rate * seconds),
      '--aggregates',
      '1000',
      '--rate',
      String(rate),
    ],
    {
      env: { PATH: process.env.PATH ?? '', ...env, ...appCommits(rate), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  load.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const pids = { capture: capture.pid ?? 0, publisher: publisher.pid ?? 0, redis: context.infra.redis.pid };
  const meter = cpuMeter(pids);
  meter.start();
  await new Promise((resolve) => load.once('exit', resolve));
  const cpu = meter.stop();
  const achieved = /\((\d+)\/s\)/.exec(output);
  await waitForEmptyOutbox(dbPath, performance.now());
  const visible = await visibility?.stop(1000 + rate * seconds);

  context.progress(`${name}: idle CPU over ${idleSeconds} s after a ${settle} s settle`);
  await sleep(settle * 1000);
  const idle = cpuMeter(pids);
  idle.start();
  await sleep(idleSeconds * 1000);
  const idleCpu = idle.stop();
  await Promise.all([capture, publisher].map(stopApp));

  const records = await readTopicsToEnd(context.kafka, [topic]);
  const latencies = records
    .filter((r) => Number(r.headers.outboxId) > 1000)
    .map((r) => r.timestamp - Date.parse(r.headers.occurredAt ?? ''))
    .sort((a, b) => a - b);
  return {
    ...(over && { over: over.label }),
    targetRate: rate,
    seconds,
    achievedRate: achieved ? Number(achieved[1]) : 0,
    latencyMs: latenciesOf(latencies),
    ...(visible && { visibleMs: latenciesOf(visible) }),
    cpu,
    idleCpu,
  };
}
