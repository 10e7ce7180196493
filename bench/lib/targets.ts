import { publisherSpread } from '../stages/scale.ts';
import type { BenchResults } from './bench-results.ts';

export type Target = BenchResults['targets'][number];

/**
 * The targets the run is judged by, each from figures of this same run, as ratios where the
 * machine's speed varies (issue 13): the drain against Kafka's own perf-test and against the
 * ceiling of the client the publishers use, latency at 1,000 and 10,000 events/s with idle cost,
 * memory, and publishers scaling without a coordination tax; (issue 14) three connectors
 * draining together about as fast as one; and (issue 15) what exactly-once delivery costs.
 */
export function evaluateTargets(r: BenchResults, client: 'kafkajs' | 'platformatic' = 'kafkajs'): Target[] {
  const targets: Target[] = [];
  const target = (name: string, result: string, reached: boolean) => targets.push({ name, result, reached });
  const percent = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;
  const { drain: d, steady: s, steady10k: s10, memory: m } = r;
  const ceiling = client === 'platformatic' ? r.platformaticCeiling : r.kafkajsCeiling;
  if (d && r.kafkaCeiling) {
    const ratio = d.medianEventsPerSecond / r.kafkaCeiling.eventsPerSecond;
    target("drain ≥ 50% of Kafka's producer-perf-test", percent(ratio), ratio >= 0.5);
  }
  if (d && ceiling) {
    const ratio = d.medianEventsPerSecond / ceiling.publisherSettings;
    target(`drain ≥ 70% of the ${client} ceiling (publisher settings)`, percent(ratio), ratio >= 0.7);
  }
  // A drain run by turns with the plain one, as a share of it.
  const beside = (name: string, other: BenchResults['drain'], least: number) => {
    if (!d || !other) return;
    const ratio = other.medianEventsPerSecond / Math.max(1, d.medianEventsPerSecond);
    target(name, percent(ratio), ratio >= least);
  };
  beside('drain over 3 connectors ≥ 90% of the single-connector drain', r.drainConnectors, 0.9);
  beside('drain with exactly-once delivery ≥ 60% of the at-least-once drain', r.drainExactlyOnce, 0.6);
  if (d && r.naive) {
    const ratio = d.medianEventsPerSecond / Math.max(1, r.naive.eventsPerSecond);
    target('drain ≥ 25× the naive relay', `${ratio.toFixed(1)}×`, ratio >= 25);
  }
  if (s) {
    target('steady 1,000/s: p50 ≤ 5 ms', `${s.latencyMs.p50} ms`, s.latencyMs.p50 <= 5);
    target('steady 1,000/s: p99 ≤ 20 ms', `${s.latencyMs.p99} ms`, s.latencyMs.p99 <= 20);
    const idle = (s.idleCpu.capture ?? 0) + (s.idleCpu.publisher ?? 0);
    target('idle CPU of capture + publisher ≤ 2% of one core', `${idle.toFixed(1)}%`, idle <= 2);
  }
  if (r.steadyExactlyOnce) {
    // Until readable: a transaction's records are invisible to read_committed consumers before its commit.
    const s1 = r.steadyExactlyOnce;
    const { p99, samples } = s1.visibleMs ?? s1.latencyMs;
    // A probe that read next to nothing would show a p99 of 0 ms.
    const enough = samples >= 0.95 * s1.targetRate * s1.seconds;
    const name = 'steady 1,000/s with exactly-once delivery: p99 ≤ 100 ms (commit→readable)';
    target(name, enough ? `${p99} ms` : `${samples} events measured`, enough && p99 <= 100);
  }
  if (s10) {
    const reachedRate = s10.achievedRate >= 0.95 * s10.targetRate;
    target(
      'steady 10,000/s: p99 ≤ 50 ms',
      `${s10.latencyMs.p99} ms at ${s10.achievedRate}/s written`,
      s10.latencyMs.p99 <= 50 && reachedRate,
    );
  }
  if (m) {
    const peak = Math.max(m.peakRssMb.capture, m.peakRssMb.publisher);
    target(
      'peak RSS ≤ 150 MB per process',
      `capture ${m.peakRssMb.capture} MB, publisher ${m.peakRssMb.publisher} MB`,
      peak <= 150,
    );
    if (m.unbounded) {
      const ratio = m.unbounded.seconds / m.seconds;
      target("…at ≥ 95% of the drain throughput with V8's default heap sizing", percent(ratio), ratio >= 0.95);
    }
  }
  const scale = r.scale ?? [];
  if (scale.length > 1) {
    const spreads = scale.map((row) => ({ row, ...publisherSpread(row) }));
    const micros = spreads.map((x) => x.microsPerEvent);
    const tax = Math.max(...micros) / Math.max(1, Math.min(...micros));
    target(
      "publishers' CPU-µs per event with 1, 2, 4 publishers within 15%",
      spreads.map((x) => `${x.row.publishers}: ${x.microsPerEvent} µs`).join(', '),
      tax <= 1.15,
    );
    const several = spreads.filter((x) => x.row.publishers > 1);
    target(
      'busiest publisher ≤ 1.5× the least busy (CPU)',
      several.map((x) => `${x.row.publishers}: ${x.busiestOverLeast.toFixed(2)}×`).join(', '),
      several.every((x) => x.busiestOverLeast <= 1.5),
    );
  }
  return targets;
}
