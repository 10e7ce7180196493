import type { ChaosScenario } from '../harness/chaos-scenario.ts';
import { expectPoisonDeadLettered, type PoisonEvent, writePoison } from './poison-events.ts';

/** Oversize and invalid-JSON events mixed into normal traffic. */
export function poisonMix(counts = { oversize: 3, invalid: 6 }): ChaosScenario {
  let poison: PoisonEvent[] = [];
  return {
    fault: `poison mix (${counts.oversize} oversize, ${counts.invalid} invalid JSON)`,
    inject: async (run) => {
      poison = await writePoison(run, counts);
      return Date.now();
    },
    check: (outcome) => expectPoisonDeadLettered(outcome, poison),
  };
}
