/**
 * The benchmark suite, in one run on one machine, against a broker and redis-server of its own:
 * Kafka's and kafkajs' ceilings, the naive relay, drain (with one connector and with three,
 * at-least-once and exactly-once), steady-state latency and CPU (in both delivery modes),
 * scale-out and memory. Writes bench/results/<date>.json, .md and .svg.
 *
 *   . scripts/env.sh && pnpm bench [--quick] [--only drain,connectors-3] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { kafkaVersion, projectRoot } from '@outbox/infra';
import { type BenchContext, createKafkaClient, exactlyOnce } from './lib/bench-context.ts';
import { startBenchInfra } from './lib/bench-infra.ts';
import type { BenchResults, DrainBeside } from './lib/bench-results.ts';
import { markdownReport, svgChart } from './lib/report.ts';
import { averagePayloadBytes, sampleEvents } from './lib/sample-events.ts';
import { evaluateTargets } from './lib/targets.ts';
import { threeConnectors } from './stages/connectors.ts';
import { type DrainVariant, drainByTurns, drainOver, plainDrain } from './stages/drain.ts';
import { kafkaCeiling } from './stages/kafka-ceiling.ts';
import { kafkajsCeiling } from './stages/kafkajs-ceiling.ts';
import { memory } from './stages/memory.ts';
import { naiveRelay } from './stages/naive-relay.ts';
import { platformaticCeiling } from './stages/platformatic-ceiling.ts';
import { scale } from './stages/scale.ts';
import { steady } from './stages/steady.ts';

const stages = [
  'kafka',
  'kafkajs',
  'platformatic',
  'naive',
  'drain',
  'drain-tls',
  'connectors-3',
  'drain-exactly-once',
  'steady',
  'steady-exactly-once',
  'steady-10k',
  'scale',
  'memory',
] as const;
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, runs: { type: 'string' } },
});
const only = new Set<string>(values.only ? values.only.split(',') : stages);
// Run only when asked for: a drain by turns with the default client's.
const known = new Set<string>([...stages, 'drain-platformatic']);
const unknown = [...only].filter((stage) => !known.has(stage));
if (unknown.length > 0) throw new Error(`unknown stage(s) ${unknown.join(', ')}; the stages: ${[...known].join(', ')}`);
const runs = values.runs === undefined ? undefined : Number(values.runs);
if (runs !== undefined && !(Number.isInteger(runs) && runs > 0))
  throw new Error(`--runs takes a whole number > 0, not ${values.runs}`);
const started = performance.now();
const loadAverage = () => loadavg().map((n) => Math.round(n * 10) / 10);
const progress = (line: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

// The secured listeners need certificates made with openssl: only when a stage uses them.
const infra = await startBenchInfra({ secured: only.has('drain-tls') });
const context: BenchContext = {
  infra,
  kafka: createKafkaClient(infra),
  quick: values.quick,
  ...(runs && { runs }),
  progress,
};
const redisVersion = /v=([\d.]+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
const results: BenchResults = {
  date: new Date().toISOString().slice(0, 16).replace('T', ' '),
  quick: values.quick,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? '?',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAverage: { start: loadAverage(), end: [] },
  },
  versions: { node: process.versions.node, kafka: kafkaVersion, redis: redisVersion },
  targets: [],
};
try {
  if (only.has('kafka')) results.kafkaCeiling = await kafkaCeiling(context, averagePayloadBytes(sampleEvents(1000)));
  if (only.has('kafkajs')) results.kafkajsCeiling = await kafkajsCeiling(context);
  if (only.has('platformatic')) results.platformaticCeiling = await platformaticCeiling(context);
  if (only.has('naive')) results.naive = await naiveRelay(context);
  // The drains judged beside the plain drain run by turns with it, on the same broker (see drainByTurns).
  const beside: [DrainBeside, DrainVariant][] = [];
  if (only.has('drain-tls') && infra.saslSsl) beside.push(['drainTls', drainOver(infra.saslSsl, 'drain-tls')]);
  if (only.has('drain-platformatic')) {
    const over = { label: 'the @platformatic/kafka producer', env: { KAFKA_CLIENT: 'platformatic' } };
    beside.push(['drainPlatformatic', drainOver(over, 'drain-platformatic')]);
  }
  if (only.has('connectors-3')) beside.push(['drainConnectors', threeConnectors]);
  if (only.has('drain-exactly-once')) beside.push(['drainExactlyOnce', drainOver(exactlyOnce, 'drain-exactly-once')]);
  if (only.has('drain') || beside.length > 0) {
    const [plain, ...others] = await drainByTurns(context, [plainDrain, ...beside.map(([, variant]) => variant)]);
    results.drain = plain;
    for (const [i, [key]] of beside.entries()) {
      const result = others[i];
      if (result) results[key] = result;
    }
  }
  if (only.has('steady')) results.steady = await steady(context);
  if (only.has('steady-exactly-once')) results.steadyExactlyOnce = await steady(context, 1000, exactlyOnce);
  if (only.has('steady-10k')) results.steady10k = await steady(context, 10_000);
  if (only.has('scale')) results.scale = await scale(context);
  if (only.has('memory')) results.memory = await memory(context);
} finally {
  await infra.stop();
}

if (results.machine.loadAverage) results.machine.loadAverage.end = loadAverage();
results.targets = evaluateTargets(results, process.env.KAFKA_CLIENT === 'platformatic' ? 'platformatic' : 'kafkajs');

const dir = join(projectRoot, 'bench', 'results');
mkdirSync(dir, { recursive: true });
// A partial or quick run never overwrites the day's full results.
const suffix = `${values.quick ? '-quick' : ''}${values.only ? `-${values.only.replaceAll(',', '-')}` : ''}`;
const day = join(dir, `${new Date().toISOString().slice(0, 10)}${suffix}`);
// A second run of the same stages the same day is written beside the first, not over it.
let stem = day;
for (let n = 2; existsSync(`${stem}.json`); n++) stem = `${day}-run${n}`;
const markdown = markdownReport(results);
writeFileSync(`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${stem}.md`, `${markdown}\n`);
writeFileSync(`${stem}.svg`, `${svgChart(results)}\n`);
console.log(`\n${markdown}\n\nwritten: ${stem}.json, .md, .svg (in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
