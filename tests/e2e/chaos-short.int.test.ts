import { type ChaosRow, formatChaosTable } from '@outbox/testkit';
import { afterAll, describe, it } from 'vitest';
import { ChaosInfra } from '../chaos/harness/chaos-infra.ts';
import { expectRecovered } from '../chaos/harness/expect-recovered.ts';
import { runScenario } from '../chaos/harness/run-scenario.ts';
import { captureKill, poisonMix } from '../chaos/scenarios/all-scenarios.ts';

// The short version of `pnpm test:chaos` for every run: two faults on the run's shared broker and
// Redis, about 2,000 events in all. The full matrix is tests/chaos/matrix.chaos.test.ts.
const size = { events: 1000, aggregates: 100, rate: 400 };
const infra = new ChaosInfra();
const rows: ChaosRow[] = [];

afterAll(async () => {
  await infra.close();
  console.log(`\n${formatChaosTable(rows)}`);
});

describe('chaos, short: faults under load leave nothing lost and nothing out of order', () => {
  for (const scenario of [captureKill(2), poisonMix({ oversize: 2, invalid: 3 })]) {
    it(scenario.fault, async () => {
      const outcome = await runScenario(scenario, size, infra);
      rows.push(outcome.row);
      expectRecovered(scenario, outcome);
    });
  }
});
