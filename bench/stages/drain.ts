import { setTimeout as sleep } from 'node:timers/promises';
import { readTopicsToEnd, toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { type BenchContext, freshPipeline, median, topicSize } from '../lib/bench-context.ts';
import { fillOutbox, startApp, stopApp, waitForEmptyOutbox } from '../lib/pipeline-run.ts';

export interface DrainResult {
  events: number;
  runs: { seconds: number; eventsPerSecond: number; duplicates: number; lost: number; outOfOrder: number }[];
  medianEventsPerSecond: number;
}

/**
 * Events already in the outbox, workers already warm: they are committed in one transaction while
 * a capture worker and a publisher wait, and the clock runs from that commit until the outbox is
 * empty and the topic holds every event. The verifier then checks each run.
 */
export async function drain(context: BenchContext): Promise<DrainResult> {
  const events = context.quick ? 20_000 : 200_000;
  const runs: DrainResult['runs'] = [];
  for (let run = 1; run <= (context.quick ? 1 : 3); run++) {
    const { env, dbPath, topic } = freshPipeline(context, 'drain');
    const warmUp = fillOutbox(dbPath, 1000, 1000); // the users exist, and the workers warm up on these
    const publisher = startApp('publisher-worker', env);
    const capture = startApp('capture-worker', env);
    await waitForEmptyOutbox(dbPath, performance.now());
    await sleep(1000);
    context.progress(`drain run ${run}: committing ${events} events at once`);
    const committed = warmUp.concat(fillOutbox(dbPath, events, 1000, { oneTransaction: true }));
    const started = performance.now();
    await waitForEmptyOutbox(dbPath, started);
    while ((await topicSize(context.kafka, topic)) < events + 1000) await sleep(20);
    const seconds = (performance.now() - started) / 1000;
    await Promise.all([capture, publisher].map(stopApp));

    const records = await readTopicsToEnd(context.kafka, [topic]);
    const report = verifyEvents({
      events: toVerifiedEvents(records),
      committed,
    });
    runs.push({
      seconds,
      eventsPerSecond: Math.round(events / seconds),
      duplicates: report.duplicates,
      lost: report.lost.length,
      outOfOrder: report.outOfOrder,
    });
    context.progress(
      `drain run ${run}: ${seconds.toFixed(2)} s, ${Math.round(events / seconds)} events/s, verifier: ${report.lost.length} lost, ${report.outOfOrder} out of order`,
    );
  }
  return { events, runs, medianEventsPerSecond: median(runs.map((r) => r.eventsPerSecond)) };
}
