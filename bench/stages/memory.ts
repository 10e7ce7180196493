import { type BenchContext, freshPipeline } from '../lib/bench-context.ts';
import { fillOutbox, startApp, stopApp, waitForEmptyOutbox } from '../lib/pipeline-run.ts';
import { peakRssMb } from '../lib/proc-stats.ts';

export interface MemoryResult {
  events: number;
  seconds: number;
  peakRssMb: { capture: number; publisher: number };
  /** The same drain with V8's own heap sizing instead of the workers' (see worker-heap.ts). */
  unbounded?: { seconds: number; peakRssMb: { capture: number; publisher: number } };
}

/**
 * A heap flag of the user's own, in NODE_OPTIONS, makes the workers keep V8's default sizing
 * (0 = V8's default): the setting the workers' heap settings are measured against.
 */
const v8Defaults = { NODE_OPTIONS: '--max-semi-space-size=0 --max-old-space-size=0' };

/**
 * Peak resident memory (VmHWM) of the capture worker and a publisher while a large outbox drains,
 * as the workers run by default, then with V8's own heap sizing: what the default costs in
 * throughput, and saves in memory.
 */
export async function memory(context: BenchContext): Promise<MemoryResult> {
  const events = context.quick ? 50_000 : 1_000_000;
  const bounded = await drainMeasured(context, events, {});
  const unbounded = await drainMeasured(context, events, v8Defaults);
  return { events, ...bounded, unbounded };
}

async function drainMeasured(context: BenchContext, events: number, extraEnv: Record<string, string>) {
  const { env, dbPath } = freshPipeline(context, 'memory');
  const label = extraEnv.NODE_OPTIONS ? "V8's default heap sizing" : "the workers' heap settings";
  context.progress(`memory: filling the outbox with ${events} events`);
  fillOutbox(dbPath, events, 1000);
  context.progress(`memory: draining ${events} events, ${label}`);
  const publisher = startApp('publisher-worker', { ...env, ...extraEnv });
  const capture = startApp('capture-worker', { ...env, ...extraEnv });
  const started = performance.now();
  let peak = { capture: 0, publisher: 0 };
  const sample = () => {
    peak = { capture: peakRssMb(capture.pid ?? 0), publisher: peakRssMb(publisher.pid ?? 0) };
  };
  const sampler = setInterval(sample, 500);
  const seconds = await waitForEmptyOutbox(dbPath, started, 30 * 60_000);
  clearInterval(sampler);
  sample();
  await Promise.all([capture, publisher].map(stopApp));
  context.progress(
    `memory: ${label}: ${Math.round(events / seconds)} events/s, peak RSS capture ${Math.round(peak.capture)} MB, publisher ${Math.round(peak.publisher)} MB`,
  );
  return { seconds, peakRssMb: { capture: Math.round(peak.capture), publisher: Math.round(peak.publisher) } };
}
