import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchContext, freshPipeline } from '../lib/bench-context.ts';
import { fillOutbox, startApp, stopApp, waitForEmptyOutbox } from '../lib/pipeline-run.ts';
import { cpuMeter } from '../lib/proc-stats.ts';

export interface ScaleRow {
  publishers: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** % of one core over the drain, per process. */
  cpu: Record<string, number>;
}

/** Drain of a pre-filled outbox with one capture worker and 1, 2 and 4 publisher processes. */
export async function scale(
  context: BenchContext,
  counts = [1, 2, 4],
  events = context.quick ? 10_000 : 50_000,
): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const publishers of counts) {
    const { env, dbPath } = freshPipeline(context, `scale${publishers}`);
    context.progress(`scale: ${publishers} publisher(s), ${events} events`);
    fillOutbox(dbPath, events, 1000);
    const pubs = Array.from({ length: publishers }, (_, i) =>
      startApp('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: `p${i + 1}` }),
    );
    await sleep(3000); // connected, and the membership has settled
    const started = performance.now();
    const capture = startApp('capture-worker', env);
    const pids: Record<string, number> = {
      capture: capture.pid ?? 0,
      redis: context.infra.redis.pid,
      kafka: context.infra.broker.pid,
    };
    for (const [i, p] of pubs.entries()) pids[`publisher ${i + 1}`] = p.pid ?? 0;
    const meter = cpuMeter(pids);
    meter.start();
    const seconds = await waitForEmptyOutbox(dbPath, started);
    rows.push({ publishers, events, seconds, eventsPerSecond: Math.round(events / seconds), cpu: meter.stop() });
    await Promise.all([...pubs, capture].map(stopApp));
  }
  return rows;
}

/** The publishers' CPU-µs per event together, and the busiest publisher's CPU over the least busy's. */
export function publisherSpread(row: ScaleRow): { microsPerEvent: number; busiestOverLeast: number } {
  const cpus = Object.entries(row.cpu)
    .filter(([name]) => name.startsWith('publisher'))
    .map(([, percent]) => percent);
  const total = cpus.reduce((a, b) => a + b, 0);
  return {
    microsPerEvent: Math.round(((total / 100) * row.seconds * 1e6) / row.events),
    busiestOverLeast: Math.max(...cpus) / Math.max(0.1, Math.min(...cpus)),
  };
}
