/**
 * The benchmark suite, in one run on one machine, against a broker and redis-server of its own:
 * Kafka's and kafkajs' ceilings, the naive relay, drain, steady-state latency and CPU, scale-out
 * and memory. Writes bench/results/<date>.json, .md and .svg.
 *
 *   . scripts/env.sh && pnpm bench [--quick]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { kafkaVersion, projectRoot } from '@outbox/infra';
import { type BenchContext, createKafkaClient } from './lib/bench-context.ts';
import { startBenchInfra } from './lib/bench-infra.ts';
import type { BenchResults } from './lib/bench-results.ts';
import { markdownReport, svgChart } from './lib/report.ts';
import { averagePayloadBytes, sampleEvents } from './lib/sample-events.ts';
import { evaluateTargets } from './lib/targets.ts';
import { drain, drainBeside } from './stages/drain.ts';
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
  'steady',
  'steady-10k',
  'scale',
  'memory',
] as const;
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const only = new Set(values.only ? values.only.split(',') : stages);
const started = performance.now();
const progress = (line: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

// The secured listeners need certificates made with openssl: only when a stage uses them.
const infra = await startBenchInfra({ secured: only.has('drain-tls') });
const context: BenchContext = { infra, kafka: createKafkaClient(infra), quick: values.quick, progress };
const redisVersion = /v=([\d.]+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
const results: BenchResults = {
  date: new Date().toISOString().slice(0, 16).replace('T', ' '),
  quick: values.quick,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? '?', memoryGb: Math.round(totalmem() / 2 ** 30) },
  versions: { node: process.versions.node, kafka: kafkaVersion, redis: redisVersion },
  targets: [],
};
try {
  if (only.has('kafka')) results.kafkaCeiling = await kafkaCeiling(context, averagePayloadBytes(sampleEvents(1000)));
  if (only.has('kafkajs')) results.kafkajsCeiling = await kafkajsCeiling(context);
  if (only.has('platformatic')) results.platformaticCeiling = await platformaticCeiling(context);
  if (only.has('naive')) results.naive = await naiveRelay(context);
  if (only.has('drain') && only.has('drain-tls') && infra.saslSsl) {
    ({ plain: results.drain, secured: results.drainTls } = await drainBeside(context, infra.saslSsl));
  } else {
    if (only.has('drain')) results.drain = await drain(context);
    if (only.has('drain-tls') && infra.saslSsl) results.drainTls = await drain(context, infra.saslSsl);
  }
  // The drain with the publisher and capture worker sending through @platformatic/kafka, by turns
  // with the default client's drain on the same broker (run it alone: it measures its own drain).
  if (only.has('drain-platformatic') && !only.has('drain')) {
    const over = { label: 'the @platformatic/kafka producer', env: { KAFKA_CLIENT: 'platformatic' } };
    ({ plain: results.drain, secured: results.drainPlatformatic } = await drainBeside(context, over));
  }
  if (only.has('steady')) results.steady = await steady(context);
  if (only.has('steady-10k')) results.steady10k = await steady(context, 10_000);
  if (only.has('scale')) results.scale = await scale(context);
  if (only.has('memory')) results.memory = await memory(context);
} finally {
  await infra.stop();
}

results.targets = evaluateTargets(results, process.env.KAFKA_CLIENT === 'platformatic' ? 'platformatic' : 'kafkajs');

const dir = join(projectRoot, 'bench', 'results');
mkdirSync(dir, { recursive: true });
// A partial or quick run never overwrites the day's full results.
const suffix = `${values.quick ? '-quick' : ''}${values.only ? `-${values.only.replaceAll(',', '-')}` : ''}`;
const stem = join(dir, `${new Date().toISOString().slice(0, 10)}${suffix}`);
const markdown = markdownReport(results);
writeFileSync(`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${stem}.md`, `${markdown}\n`);
writeFileSync(`${stem}.svg`, `${svgChart(results)}\n`);
console.log(`\n${markdown}\n\nwritten: ${stem}.json, .md, .svg (in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
