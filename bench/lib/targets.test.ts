import { describe, expect, it } from 'vitest';
import type { ScaleRow } from '../stages/scale.ts';
import type { BenchResults } from './bench-results.ts';
import { evaluateTargets } from './targets.ts';

const base: BenchResults = {
  date: '2026-01-01 00:00',
  quick: false,
  machine: { cpus: 2, cpuModel: 'CPU', memoryGb: 24 },
  versions: { node: '24', kafka: '4.1.1', redis: '7' },
  targets: [],
};

const scaleRow = (publishers: number, cpus: number[], seconds = 2): ScaleRow => ({
  publishers,
  events: 50_000,
  seconds,
  eventsPerSecond: 25_000,
  cpu: Object.fromEntries(cpus.map((cpu, i) => [`publisher ${i + 1}`, cpu])),
});

const reached = (results: BenchResults) =>
  Object.fromEntries(evaluateTargets(results).map((t) => [t.name, `${t.result} ${t.reached ? 'yes' : 'no'}`]));

describe('benchmark targets', () => {
  it("judges the drain against Kafka's perf-test and the client ceiling of the same run", () => {
    const drain = { events: 200_000, runs: [], medianEventsPerSecond: 40_000 };
    const t = reached({
      ...base,
      drain,
      kafkaCeiling: { records: 1, recordBytes: 111, eventsPerSecond: 100_000, mbPerSecond: 11, avgLatencyMs: 1 },
      kafkajsCeiling: { records: 1, publisherSettings: 50_000, bestSettings: 60_000, best: 'x' },
    });
    expect(t["drain ≥ 50% of Kafka's producer-perf-test"]).toBe('40% no');
    expect(t['drain ≥ 70% of the kafkajs ceiling (publisher settings)']).toBe('80% yes');
  });

  it('judges three connectors against the single-connector drain of the same run', () => {
    const drain = (medianEventsPerSecond: number) => ({ events: 200_000, runs: [], medianEventsPerSecond });
    const name = 'drain over 3 connectors ≥ 90% of the single-connector drain';
    expect(reached({ ...base, drain: drain(20_000), drainConnectors: drain(18_000) })[name]).toBe('90% yes');
    expect(reached({ ...base, drain: drain(20_000), drainConnectors: drain(17_000) })[name]).toBe('85% no');
    expect(reached({ ...base, drainConnectors: drain(17_000) })[name]).toBeUndefined();
  });

  it('judges exactly-once delivery against the at-least-once drain of the same run, and its p99 at 1,000/s', () => {
    const drain = (medianEventsPerSecond: number) => ({ events: 200_000, runs: [], medianEventsPerSecond });
    const steady = (p99: number) => ({
      over: 'exactly-once delivery',
      targetRate: 1000,
      seconds: 60,
      achievedRate: 1000,
      latencyMs: { p50: 10, p95: 50, p99, max: 200, samples: 60_000 },
      cpu: {},
      idleCpu: {},
    });
    const name = 'drain with exactly-once delivery ≥ 60% of the at-least-once drain';
    const p99 = 'steady 1,000/s with exactly-once delivery: p99 ≤ 100 ms (commit→readable)';
    expect(reached({ ...base, drain: drain(20_000), drainExactlyOnce: drain(12_000) })[name]).toBe('60% yes');
    expect(reached({ ...base, drain: drain(20_000), drainExactlyOnce: drain(11_000) })[name]).toBe('55% no');
    expect(reached({ ...base, steadyExactlyOnce: steady(100) })[p99]).toBe('100 ms yes');
    expect(reached({ ...base, steadyExactlyOnce: steady(101) })[p99]).toBe('101 ms no');
    // Judged until readable when measured: the append comes before the commit.
    const visibleLater = { ...steady(80), visibleMs: { p50: 30, p95: 90, p99: 120, max: 300, samples: 60_000 } };
    expect(reached({ ...base, steadyExactlyOnce: visibleLater })[p99]).toBe('120 ms no');
    const probeReadLittle = { ...steady(80), visibleMs: { p50: 0, p95: 0, p99: 0, max: 0, samples: 12 } };
    expect(reached({ ...base, steadyExactlyOnce: probeReadLittle })[p99]).toBe('12 events measured no');
  });

  it('counts a 10,000/s stage whose writer fell short as not reached, whatever its latency', () => {
    const steady = {
      targetRate: 10_000,
      seconds: 20,
      achievedRate: 6000,
      latencyMs: { p50: 2, p95: 5, p99: 9, max: 20, samples: 1 },
      cpu: {},
      idleCpu: {},
    };
    expect(reached({ ...base, steady10k: steady })['steady 10,000/s: p99 ≤ 50 ms']).toBe('9 ms at 6000/s written no');
  });

  it('finds a coordination tax and an uneven spread among publishers', () => {
    // 1 publisher: 50% of a core for 2 s over 50,000 events = 20 µs per event; 4 publishers: 30 µs.
    const scale = [scaleRow(1, [50]), scaleRow(2, [25, 26]), scaleRow(4, [40, 30, 20, 10])];
    const t = reached({ ...base, scale });
    expect(t["publishers' CPU-µs per event with 1, 2, 4 publishers within 15%"]).toBe('1: 20 µs, 2: 20 µs, 4: 40 µs no');
    expect(t['busiest publisher ≤ 1.5× the least busy (CPU)']).toBe('2: 1.04×, 4: 4.00× no');
  });
});
