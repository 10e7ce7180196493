import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@outbox/infra';
import { readTopicsToEnd, toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { type BenchContext, topicSize } from './bench-context.ts';
import { type ConnectorRequest, createConnectors } from './connectors.ts';
import { fillOutboxes, startApp, stopApp, waitForEmptyOutboxes } from './pipeline-run.ts';
import { cpuMeter, microsPerEvent } from './proc-stats.ts';

/** One outbox a drain empties, read by one connector: its database and table, and the topic its events go to. */
export interface DrainedOutbox {
  dbPath: string;
  table: string;
  topic: string;
}

/** What one drain runs: a capture worker and a publisher with `env`, and the outboxes they empty. */
export interface DrainPipeline {
  env: Record<string, string>;
  /** The first is the worker's own connector's; the drain's events are split evenly among them. */
  outboxes: DrainedOutbox[];
  /** Connectors beyond the worker's own, created through the capture worker's REST API once it is up. */
  connectors?: ConnectorRequest[];
}

export type DrainRun = {
  seconds: number;
  eventsPerSecond: number;
  duplicates: number;
  lost: number;
  outOfOrder: number;
  /** CPU-µs per event of each process over the drain (user + system, from /proc). */
  cpuMicrosPerEvent?: Record<string, number>;
  /** With several outboxes: the seconds until each was empty, by table. */
  emptiedSeconds?: Record<string, number>;
  /** The machine's 1-minute load average as the run ended: how much else was running. */
  loadAverage?: number;
};

/**
 * Events already in the outboxes, workers already warm: they are committed at once while a
 * capture worker and a publisher wait, and the clock runs from that commit until every outbox is
 * empty and every topic holds its events. The verifier then checks every topic.
 */
export async function drainOnce(context: BenchContext, pipeline: DrainPipeline, events: number, name: string): Promise<DrainRun> {
  const { env, outboxes } = pipeline;
  const warmUpEvents = 1000;
  // The users exist, and the workers (and the connectors created below) warm up on these.
  const warmUp = fillOutboxes(
    outboxes.map((o) => ({ ...o, events: warmUpEvents })),
    1000,
  );
  // The REST API on a port of its own, to be found; a publisher picks a free one itself.
  const apiPort = pipeline.connectors ? await freePort() : undefined;
  const publisher = startApp('publisher-worker', env);
  const capture = startApp('capture-worker', apiPort ? { ...env, OUTBOX_HTTP_PORT: String(apiPort) } : env);
  try {
    if (pipeline.connectors) await createConnectors(`http://127.0.0.1:${apiPort}`, pipeline.connectors);
    await waitForEmptyOutboxes(outboxes, performance.now());
    await sleep(1000);
    context.progress(`${name}: committing ${events} events at once`);
    const shares = outboxes.map((_, i) => Math.floor(events / outboxes.length) + (i < events % outboxes.length ? 1 : 0));
    const filled = fillOutboxes(
      outboxes.map((o, i) => ({ ...o, events: shares[i] ?? 0 })),
      1000,
      { oneTransaction: true },
    );
    const meter = cpuMeter({
      capture: capture.pid ?? 0,
      publisher: publisher.pid ?? 0,
      redis: context.infra.redis.pid,
      kafka: context.infra.broker.pid,
    });
    meter.start();
    const started = performance.now();
    const emptied = await waitForEmptyOutboxes(outboxes, started);
    for (const [i, { topic }] of outboxes.entries()) {
      while ((await topicSize(context.kafka, topic)) < warmUpEvents + (shares[i] ?? 0)) await sleep(20);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuMicros = microsPerEvent(meter.stop(), seconds, events);
    await Promise.all([capture, publisher].map(stopApp));

    const verdict = { duplicates: 0, lost: 0, outOfOrder: 0 };
    for (const [i, { topic }] of outboxes.entries()) {
      const committed = (warmUp[i] ?? []).concat(filled[i] ?? []);
      const report = verifyEvents({ events: toVerifiedEvents(await readTopicsToEnd(context.kafka, [topic])), committed });
      verdict.duplicates += report.duplicates;
      verdict.lost += report.lost.length;
      verdict.outOfOrder += report.outOfOrder;
    }
    const loadAverage = Math.round((loadavg()[0] ?? 0) * 10) / 10;
    const emptiedSeconds =
      outboxes.length > 1
        ? Object.fromEntries(outboxes.map((o, i) => [o.table, Math.round((emptied[i] ?? 0) * 100) / 100]))
        : undefined;
    context.progress(
      `${name}: ${seconds.toFixed(2)} s, ${Math.round(events / seconds)} events/s, verifier: ${verdict.lost} lost, ${verdict.outOfOrder} out of order; CPU-µs/event ${JSON.stringify(cpuMicros)}${emptiedSeconds ? `; each outbox empty after (s) ${JSON.stringify(emptiedSeconds)}` : ''}; load average ${loadAverage}`,
    );
    return {
      seconds,
      eventsPerSecond: Math.round(events / seconds),
      ...verdict,
      cpuMicrosPerEvent: cpuMicros,
      ...(emptiedSeconds && { emptiedSeconds }),
      loadAverage,
    };
  } finally {
    await Promise.all([capture, publisher].map(stopApp));
  }
}
