import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type ChaosRow, formatChaosReport } from '@outbox/testkit';
import { afterAll, describe, it } from 'vitest';
import { ChaosInfra } from './harness/chaos-infra.ts';
import { expectRecovered } from './harness/expect-recovered.ts';
import { runScenario } from './harness/run-scenario.ts';
import { chaosMatrix } from './scenarios/all-scenarios.ts';

// 3,000 events per fault over 150 users at 600/s: about 5 s of load to strike in, and enough
// traffic per partition that a fault always lands between events of the same aggregates.
const size = { events: 3000, aggregates: 150, rate: 600 };
const scenarios = chaosMatrix();
const infra = new ChaosInfra();
const rows: ChaosRow[] = [];

afterAll(async () => {
  await infra.close();
  const report = formatChaosReport(rows, { date: new Date(), cpus: availableParallelism(), node: process.versions.node });
  console.log(`\n${report}`);
  // Only a run of the whole matrix replaces the recorded table, failed faults included.
  if (rows.length === scenarios.length) {
    const dir = join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.md'), report);
  }
});

describe('the chaos matrix: every fault under load, then nothing lost and nothing out of order', () => {
  for (const scenario of scenarios) {
    it(scenario.fault, async () => {
      const outcome = await runScenario(scenario, size, infra);
      rows.push(outcome.row);
      expectRecovered(scenario, outcome);
    });
  }
});
