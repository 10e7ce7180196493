import { describe, expect, it } from 'vitest';
import type { SteadyResult } from '../stages/steady.ts';
import { median, percentile } from './bench-context.ts';
import type { BenchResults } from './bench-results.ts';
import { markdownReport, svgChart } from './report.ts';

const steady: SteadyResult = {
  targetRate: 1000,
  seconds: 60,
  achievedRate: 1000,
  latencyMs: { p50: 3, p95: 9, p99: 25, max: 300, samples: 60_000 },
  cpu: { capture: 30, publisher: 40, redis: 20 },
  idleCpu: { capture: 0.1, publisher: 0.3, redis: 0.2 },
};

const results: BenchResults = {
  date: '2026-01-01 00:00',
  quick: false,
  machine: { cpus: 2, cpuModel: 'CPU', memoryGb: 24, loadAverage: { start: [1.25, 2, 3], end: [4, 5, 6] } },
  versions: { node: '24', kafka: '4.1.1', redis: '7' },
  kafkajsCeiling: { records: 10, publisherSettings: 60_000, bestSettings: 60_000, best: 'the publisher settings' },
  naive: { seconds: 15, events: 30_000, eventsPerSecond: 2000 },
  drain: {
    events: 200_000,
    runs: [{ seconds: 6, eventsPerSecond: 33_000, duplicates: 0, lost: 0, outOfOrder: 0 }],
    medianEventsPerSecond: 33_000,
  },
  drainTls: {
    over: 'SASL_SSL, SCRAM-SHA-512',
    events: 200_000,
    runs: [{ seconds: 8, eventsPerSecond: 25_000, duplicates: 0, lost: 0, outOfOrder: 0 }],
    medianEventsPerSecond: 25_000,
  },
  drainConnectors: {
    over: '3 connectors (two tables in one database, one in another)',
    events: 200_000,
    runs: [
      {
        seconds: 6.5,
        eventsPerSecond: 30_000,
        duplicates: 0,
        lost: 0,
        outOfOrder: 0,
        cpuMicrosPerEvent: { capture: 35, publisher: 50 },
        emptiedSeconds: { users_outbox: 6.4, orders_outbox: 6.41, payments_outbox: 3 },
      },
    ],
    medianEventsPerSecond: 30_000,
  },
  drainExactlyOnce: {
    over: 'exactly-once delivery',
    events: 200_000,
    runs: [
      {
        seconds: 10,
        eventsPerSecond: 22_000,
        duplicates: 0,
        lost: 0,
        outOfOrder: 0,
        cpuMicrosPerEvent: { capture: 30, publisher: 70 },
      },
    ],
    medianEventsPerSecond: 22_000,
  },
  steady,
  steadyExactlyOnce: {
    ...steady,
    over: 'exactly-once delivery',
    latencyMs: { p50: 6, p95: 20, p99: 50, max: 400, samples: 60_000 },
  },
  targets: [{ name: 'steady p50 ≤ 10 ms', result: '3 ms', reached: true }],
};

describe('benchmark report', () => {
  it('lists every measure and target in Markdown', () => {
    const md = markdownReport(results);
    expect(md).toContain(
      '| drain of 200,000 events, median of 1 (33,000) | 33,000 events/s; verifier: nothing lost or out of order, no duplicates |',
    );
    expect(md).toContain(
      '| drain of 200,000 events over SASL_SSL, SCRAM-SHA-512, median of 1 (25,000) | 25,000 events/s (76% of plaintext); verifier: nothing lost or out of order, no duplicates |',
    );
    expect(md).toContain(
      '| drain of 200,000 events over 3 connectors (two tables in one database, one in another), median of 1 (30,000) | 30,000 events/s (91% of the single-connector drain); verifier: nothing lost or out of order, no duplicates |',
    );
    expect(md).toContain(
      '| drain over 3 connectors: CPU-µs per event, per process (median of 1) | capture 35 µs, publisher 50 µs |',
    );
    expect(md).toContain(
      '| drain over 3 connectors: each outbox empty after (median of 1) | users_outbox 6.4 s, orders_outbox 6.4 s, payments_outbox 3.0 s |',
    );
    expect(md).toContain(
      '| drain of 200,000 events over exactly-once delivery, median of 1 (22,000) | 22,000 events/s (67% of at-least-once); verifier: nothing lost or out of order, no duplicates |',
    );
    expect(md).toContain('| drain, exactly-once: CPU-µs per event, per process (median of 1) | capture 30 µs, publisher 70 µs |');
    expect(md).toContain(
      "| steady 1,000/s for 60 s, exactly-once delivery (achieved 1,000/s): commit→Kafka latency | p50 6 ms, p95 20 ms, p99 50 ms, max 400 ms (p50 2.0×, p99 2.0× the at-least-once stage's) |",
    );
    expect(md).toContain('Load average (1 / 5 / 15 min): 1.3 / 2.0 / 3.0 at the start, 4.0 / 5.0 / 6.0 at the end.');
    expect(md).toContain('p50 3 ms, p95 9 ms, p99 25 ms, max 300 ms');
    expect(md).toContain('| steady p50 ≤ 10 ms | 3 ms | yes |');
  });

  it('draws throughput and latency bars to scale in the SVG', () => {
    const svg = svgChart(results);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('pipeline drain');
    expect(svg).toContain('drain over SASL_SSL, SCRAM-SHA-512');
    expect(svg).toContain('drain, 3 connectors');
    expect(svg).toContain('drain, exactly-once');
    expect(svg).toContain('exactly-once p99');
    expect(svg).toContain('33,000 /s');
    expect(svg).toContain('300 ms');
  });

  it('takes percentiles by rank and the median of runs', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([50, 95, 99, 100].map((p) => percentile(sorted, p))).toEqual([50, 95, 99, 100]);
    expect(median([3, 1, 2])).toBe(2);
  });
});
