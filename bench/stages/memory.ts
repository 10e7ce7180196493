import { type BenchContext, freshPipeline } from '../lib/bench-context.ts';
import { fillOutbox, startApp, stopApp, waitForEmptyOutbox } from '../lib/pipeline-run.ts';
import { peakRssMb } from '../lib/proc-stats.ts';

export interface MemoryResult {
  events: number;
  seconds: number;
  peakRssMb: { capture: number; publisher: number };
}

/** Peak resident memory (VmHWM) of the capture worker and a publisher while a large outbox drains. */
export async function memory(context: BenchContext): Promise<MemoryResult> {
  const events = context.quick ? 50_000 : 1_000_000;
  const { env, dbPath } = freshPipeline(context, 'memory');
  context.progress(`memory: filling the outbox with ${events} events`);
  fillOutbox(dbPath, events, 1000);
  context.progress(`memory: draining ${events} events`);
  const publisher = startApp('publisher-worker', env);
  const capture = startApp('capture-worker', env);
  const started = performance.now();
  let peak = { capture: 0, publisher: 0 };
  const sampler = setInterval(() => {
    peak = { capture: peakRssMb(capture.pid ?? 0), publisher: peakRssMb(publisher.pid ?? 0) };
  }, 500);
  const seconds = await waitForEmptyOutbox(dbPath, started, 30 * 60_000);
  clearInterval(sampler);
  peak = { capture: peakRssMb(capture.pid ?? 0), publisher: peakRssMb(publisher.pid ?? 0) };
  await Promise.all([capture, publisher].map(stopApp));
  return { events, seconds, peakRssMb: { capture: Math.round(peak.capture), publisher: Math.round(peak.publisher) } };
}
