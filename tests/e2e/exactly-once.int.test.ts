import { afterAll, describe, expect, it } from 'vitest';
import { ChaosInfra } from '../chaos/harness/chaos-infra.ts';
import type { ChaosScenario } from '../chaos/harness/chaos-scenario.ts';
import { expectRecovered } from '../chaos/harness/expect-recovered.ts';
import { runScenario } from '../chaos/harness/run-scenario.ts';
import { acknowledgementsLost } from '../chaos/scenarios/exactly-once-faults.ts';
import { publisherKill } from '../chaos/scenarios/process-kills.ts';
import { committedPositionsOf } from '../support/committed-positions.ts';

// Exactly-once delivery (OUTBOX_DELIVERY=exactly-once) under the faults that make at-least-once
// send events twice. The audit reads the topics as a read_committed consumer does.
const size = { events: 2000, aggregates: 100, rate: 400 };
const infra = new ChaosInfra();
afterAll(() => infra.close());

const exactlyOnce = (scenario: ChaosScenario): ChaosScenario => ({
  ...scenario,
  env: { ...scenario.env, OUTBOX_DELIVERY: 'exactly-once' },
});

describe('exactly-once delivery: no duplicates for a read_committed reader', () => {
  it('events whose acknowledgements Redis lost are acknowledged by their committed position, not sent again', async () => {
    // The same fault without exactly-once, to show it does make duplicates: the check below would
    // pass vacuously otherwise.
    const plain = acknowledgementsLost();
    const atLeastOnce = await runScenario(plain, size, infra);
    expectRecovered(plain, atLeastOnce);
    expect(atLeastOnce.row.duplicates, 'duplicates at least once').toBeGreaterThan(0);

    const scenario = exactlyOnce(acknowledgementsLost());
    const outcome = await runScenario(scenario, size, infra);
    expectRecovered(scenario, outcome);
    expect(outcome.row.duplicates, 'duplicates exactly once').toBe(0);
    const positions = await committedPositionsOf(outcome.run.config);
    expect(positions.size).toBeGreaterThan(0);
    expect(Math.max(...[...positions.values()].map((p) => p.outboxId))).toBeLessThanOrEqual(outcome.row.written);
  });

  it('a killed publisher’s jobs are taken over without duplicates', async () => {
    const scenario = exactlyOnce(publisherKill(2, 2));
    const outcome = await runScenario(scenario, size, infra);
    expectRecovered(scenario, outcome);
    expect(outcome.row.duplicates).toBe(0);
  });
});
