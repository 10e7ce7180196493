import type { DrainResult } from '../stages/drain.ts';
import type { SteadyResult } from '../stages/steady.ts';
import { median } from './bench-context.ts';
import type { BenchResults } from './bench-results.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

/** The results as Markdown: the figures, then each target with whether it was reached. */
export function markdownReport(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(
    `Run ${r.date} on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GiB; Node ${r.versions.node}, Kafka ${r.versions.kafka}, Redis ${r.versions.redis}${r.quick ? ' (--quick: small sizes)' : ''}.`,
  );
  const load = r.machine.loadAverage;
  if (load) {
    const show = (l: number[]) => l.map((n) => n.toFixed(1)).join(' / ');
    lines.push('', `Load average (1 / 5 / 15 min): ${show(load.start)} at the start, ${show(load.end)} at the end.`);
  }
  lines.push('');
  lines.push('| measure | result |');
  lines.push('| --- | --- |');
  if (r.kafkaCeiling)
    lines.push(
      `| Kafka's producer-perf-test (${r.kafkaCeiling.recordBytes} B records, acks=all) | ${fmt(r.kafkaCeiling.eventsPerSecond)} events/s |`,
    );
  if (r.kafkajsCeiling) {
    lines.push(`| kafkajs sendBatch loop, the publisher's settings | ${fmt(r.kafkajsCeiling.publisherSettings)} events/s |`);
    lines.push(
      `| kafkajs sendBatch loop, best settings tried (${r.kafkajsCeiling.best}) | ${fmt(r.kafkajsCeiling.bestSettings)} events/s |`,
    );
  }
  if (r.platformaticCeiling) {
    const p = r.platformaticCeiling;
    lines.push(`| @platformatic/kafka send loop, the publisher's settings | ${fmt(p.publisherSettings)} events/s |`);
    lines.push(`| @platformatic/kafka send loop, best settings tried (${p.best}) | ${fmt(p.bestSettings)} events/s |`);
  }
  if (r.naive) lines.push(`| naive relay (send, await, delete per event) | ${fmt(r.naive.eventsPerSecond)} events/s |`);
  // Each drain run beside the plain one, with what its share of it is called.
  const drains: [DrainResult | undefined, string][] = [
    [r.drain, ''],
    [r.drainTls, 'plaintext'],
    [r.drainPlatformatic, 'the kafkajs drain'],
    [r.drainConnectors, 'the single-connector drain'],
    [r.drainExactlyOnce, 'at-least-once'],
  ];
  for (const [drain, baseline] of drains) if (drain) lines.push(drainRow(drain, r.drain, baseline));
  for (const steady of [r.steady, r.steadyExactlyOnce, r.steady10k]) if (steady) lines.push(...steadyRows(steady, r.steady));
  const perEvent: [DrainResult | undefined, string][] = [
    [r.drain, 'drain'],
    [r.drainConnectors, 'drain over 3 connectors'],
    [r.drainExactlyOnce, 'drain, exactly-once'],
  ];
  for (const [drain, what] of perEvent) if (drain?.runs[0]?.cpuMicrosPerEvent) lines.push(cpuPerEventRow(drain, what));
  if (r.drainConnectors?.runs[0]?.emptiedSeconds) lines.push(emptiedRow(r.drainConnectors));
  for (const row of r.scale ?? []) {
    const cpus = Object.entries(row.cpu)
      .filter(([k]) => k.startsWith('publisher'))
      .map(([, v]) => `${v}%`)
      .join(' / ');
    lines.push(
      `| scale: ${row.publishers} publisher(s) | ${fmt(row.eventsPerSecond)} events/s; CPU capture ${row.cpu.capture}%, publishers ${cpus} |`,
    );
  }
  if (r.memory) {
    const m = r.memory;
    const rate = (seconds: number) => `${fmt(Math.round(m.events / seconds))} events/s`;
    lines.push(
      `| peak RSS during a ${fmt(m.events)}-event drain | capture ${m.peakRssMb.capture} MB, publisher ${m.peakRssMb.publisher} MB; ${rate(m.seconds)} |`,
    );
    if (m.unbounded)
      lines.push(
        `| the same with V8's default heap sizing | capture ${m.unbounded.peakRssMb.capture} MB, publisher ${m.unbounded.peakRssMb.publisher} MB; ${rate(m.unbounded.seconds)} |`,
      );
  }
  lines.push('');
  lines.push('| target | result | reached |');
  lines.push('| --- | --- | --- |');
  for (const t of r.targets) lines.push(`| ${t.name} | ${t.result} | ${t.reached ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** A steady stage's rows; one run `over` other settings also gives its p50 and p99 as multiples of the plain one's. */
function steadyRows(s: SteadyResult, plain: SteadyResult | undefined): string[] {
  const at = `steady ${fmt(s.targetRate)}/s for ${s.seconds} s${s.over ? `, ${s.over}` : ''}`;
  const times = (key: 'p50' | 'p99') => `${(s.latencyMs[key] / Math.max(1, plain?.latencyMs[key] ?? 0)).toFixed(1)}×`;
  const beside = s.over && plain ? ` (p50 ${times('p50')}, p99 ${times('p99')} the at-least-once stage's)` : '';
  return [
    `| ${at} (achieved ${fmt(s.achievedRate)}/s): commit→Kafka latency | p50 ${s.latencyMs.p50} ms, p95 ${s.latencyMs.p95} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms${beside} |`,
    ...(s.visibleMs
      ? [
          `| ${at}: commit→readable by a read_committed consumer | p50 ${s.visibleMs.p50} ms, p95 ${s.visibleMs.p95} ms, p99 ${s.visibleMs.p99} ms, max ${s.visibleMs.max} ms |`,
        ]
      : []),
    `| ${at}: CPU (% of one core) | capture ${s.cpu.capture}%, publisher ${s.cpu.publisher}%, Redis ${s.cpu.redis}% |`,
    `| ${at}, then idle: CPU | capture ${s.idleCpu.capture}%, publisher ${s.idleCpu.publisher}%, Redis ${s.idleCpu.redis}% |`,
  ];
}

/** Each process's CPU-µs per event over the drain, the median of the runs: what more cores would buy. */
function cpuPerEventRow(drain: DrainResult, what: string): string {
  const names = Object.keys(drain.runs[0]?.cpuMicrosPerEvent ?? {});
  const cells = names.map((name) => `${name} ${median(drain.runs.map((run) => run.cpuMicrosPerEvent?.[name] ?? 0))} µs`);
  return `| ${what}: CPU-µs per event, per process (median of ${drain.runs.length}) | ${cells.join(', ')} |`;
}

/** With several outboxes, when each was empty (median of the runs): whether one connector held back another. */
function emptiedRow(drain: DrainResult): string {
  const tables = Object.keys(drain.runs[0]?.emptiedSeconds ?? {});
  const cells = tables.map(
    (table) => `${table} ${median(drain.runs.map((run) => run.emptiedSeconds?.[table] ?? 0)).toFixed(1)} s`,
  );
  return `| drain over ${tables.length} connectors: each outbox empty after (median of ${drain.runs.length}) | ${cells.join(', ')} |`;
}

/**
 * A drain's row; one run beside the plain drain (same broker, same run) also as a share of it,
 * called `baseline`: the cost of TLS and SASL, say, or of exactly-once delivery.
 */
function drainRow(drain: DrainResult, plain: DrainResult | undefined, baseline: string): string {
  const runs = drain.runs.map((x) => fmt(x.eventsPerSecond)).join(', ');
  const bad = drain.runs.reduce((n, x) => n + x.lost + x.outOfOrder, 0);
  const duplicates = drain.runs.reduce((n, x) => n + x.duplicates, 0);
  const share =
    drain.over && plain
      ? ` (${Math.round((100 * drain.medianEventsPerSecond) / plain.medianEventsPerSecond)}% of ${baseline})`
      : '';
  const verifier = `${bad === 0 ? 'nothing lost or out of order' : `${bad} lost or out of order`}, ${duplicates === 0 ? 'no' : fmt(duplicates)} duplicates`;
  return `| drain of ${fmt(drain.events)} events${drain.over ? ` over ${drain.over}` : ''}, median of ${drain.runs.length} (${runs}) | ${fmt(drain.medianEventsPerSecond)} events/s${share}; verifier: ${verifier} |`;
}

/** A bar chart of throughput and one of latency percentiles, as one SVG. */
export function svgChart(r: BenchResults): string {
  const bars: [string, number][] = [];
  if (r.kafkaCeiling) bars.push(['Kafka perf-test', r.kafkaCeiling.eventsPerSecond]);
  if (r.kafkajsCeiling)
    bars.push(
      ['kafkajs, best', r.kafkajsCeiling.bestSettings],
      ['kafkajs, publisher settings', r.kafkajsCeiling.publisherSettings],
    );
  if (r.platformaticCeiling) bars.push(['@platformatic/kafka, publisher settings', r.platformaticCeiling.publisherSettings]);
  if (r.drain) bars.push(['pipeline drain', r.drain.medianEventsPerSecond]);
  if (r.drainTls) bars.push([`drain over ${r.drainTls.over ?? 'TLS'}`, r.drainTls.medianEventsPerSecond]);
  if (r.drainPlatformatic) bars.push(['drain, @platformatic/kafka', r.drainPlatformatic.medianEventsPerSecond]);
  if (r.drainConnectors) bars.push(['drain, 3 connectors', r.drainConnectors.medianEventsPerSecond]);
  if (r.drainExactlyOnce) bars.push(['drain, exactly-once', r.drainExactlyOnce.medianEventsPerSecond]);
  for (const row of r.scale ?? []) bars.push([`drain, ${row.publishers} publisher(s)`, row.eventsPerSecond]);
  if (r.naive) bars.push(['naive relay', r.naive.eventsPerSecond]);
  const steadies: [string, SteadyResult | undefined][] = [
    ['', r.steady],
    ['exactly-once ', r.steadyExactlyOnce],
  ];
  const latency = steadies.flatMap(([mode, s]) =>
    s ? (['p50', 'p95', 'p99', 'max'] as const).map((p): [string, number] => [`${mode}${p}`, s.latencyMs[p]]) : [],
  );
  const width = 760;
  const rowH = 26;
  const labelW = 220;
  const barW = width - labelW - 120;
  const maxT = Math.max(1, ...bars.map(([, v]) => v));
  const maxL = Math.max(1, ...latency.map(([, v]) => v));
  const top2 = 60 + bars.length * rowH + 50;
  const height = top2 + latency.length * rowH + 30;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const row = (y: number, label: string, value: number, max: number, unit: string, colour: string) =>
    `<text x="${labelW - 8}" y="${y + 17}" text-anchor="end">${esc(label)}</text>` +
    `<rect x="${labelW}" y="${y + 4}" width="${Math.max(1, (value / max) * barW).toFixed(1)}" height="${rowH - 8}" fill="${colour}"/>` +
    `<text x="${labelW + (value / max) * barW + 6}" y="${y + 17}">${fmt(value)} ${unit}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`,
    `<title>Outbox pipeline benchmark, ${esc(r.date)}: throughput and latency</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold">Throughput (events/s, acks=all) — ${esc(r.date)}</text>`,
    ...bars.map(([label, v], i) =>
      row(40 + i * rowH, label, v, maxT, '/s', label.startsWith('pipeline') || label.startsWith('drain') ? '#2b7bb9' : '#9aa5b1'),
    ),
    `<text x="10" y="${top2 - 16}" font-size="16" font-weight="bold">Commit→Kafka latency at ${r.steady?.targetRate ?? 0} events/s (ms)</text>`,
    ...latency.map(([label, v], i) => row(top2 + i * rowH, label, v, maxL, 'ms', '#d9822b')),
    '</svg>',
  ].join('\n');
}
