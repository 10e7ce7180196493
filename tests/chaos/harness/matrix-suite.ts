import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type ChaosRow, formatChaosReport } from '@outbox/testkit';
import { afterAll, describe, it } from 'vitest';
import { ChaosInfra } from './chaos-infra.ts';
import type { ChaosScenario, ChaosSize } from './chaos-scenario.ts';
import { expectRecovered } from './expect-recovered.ts';
import { runScenario } from './run-scenario.ts';

export interface MatrixSuite {
  title: string;
  scenarios: readonly ChaosScenario[];
  size: ChaosSize;
  /** Where a run of the whole matrix records its table, in tests/chaos/results. */
  resultsFile: string;
}

/**
 * A chaos matrix as a vitest suite: each fault in turn on the suite's services, then the table,
 * printed and — for a run of every fault, failed ones included — written to `resultsFile`.
 */
export function describeMatrix(suite: MatrixSuite): void {
  const infra = new ChaosInfra();
  const rows: ChaosRow[] = [];

  afterAll(async () => {
    await infra.close();
    const report = formatChaosReport(rows, { date: new Date(), cpus: availableParallelism(), node: process.versions.node });
    console.log(`\n${report}`);
    if (rows.length === suite.scenarios.length) {
      const dir = join(import.meta.dirname, '..', 'results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, suite.resultsFile), report);
    }
  });

  describe(suite.title, () => {
    for (const scenario of suite.scenarios) {
      it(scenario.fault, async () => {
        const outcome = await runScenario(scenario, suite.size, infra);
        rows.push(outcome.row);
        expectRecovered(scenario, outcome);
      });
    }
  });
}
