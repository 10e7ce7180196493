import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosScenario } from '../harness/chaos-scenario.ts';

/**
 * Settings an operator would pick to ride out broker outages quickly: short client timeouts and a
 * halted partition probed every 2 s (the default is 15 s, which would dominate recovery time).
 */
export const outageSettings = {
  OUTBOX_PUBLISH_MAX_ATTEMPTS: '4',
  OUTBOX_RETRY_INITIAL_MS: '100',
  OUTBOX_RETRY_MAX_MS: '1000',
  OUTBOX_HALT_PROBE_INTERVAL_MS: '2000',
  KAFKA_CONNECTION_TIMEOUT_MS: '1000',
  KAFKA_REQUEST_TIMEOUT_MS: '3000',
};

const between = (min: number, max: number) => min + Math.random() * (max - min);

/** The broker stopped at a random moment of the load, down for a few seconds, then restarted. */
export function brokerStop(): ChaosScenario {
  return {
    fault: 'broker stop + restart',
    needs: { broker: true },
    env: outageSettings,
    inject: async (run) => {
      await run.untilRandomMoment();
      await run.infra.stopBroker();
      const downMs = between(3000, 6000);
      run.log(`broker stopped with ${run.committed()} events written; down for ${Math.round(downMs)} ms`);
      await sleep(downMs);
      await run.infra.broker();
      run.log('broker back');
      return Date.now();
    },
  };
}

/** The broker frozen with SIGSTOP (connections stay open, nothing answers), then resumed. */
export function brokerPause(): ChaosScenario {
  return {
    fault: 'broker SIGSTOP pause',
    needs: { broker: true },
    env: outageSettings,
    inject: async (run) => {
      const broker = await run.infra.broker();
      await run.untilRandomMoment();
      const pausedMs = between(3000, 6000);
      broker.pause();
      try {
        run.log(`broker paused with ${run.committed()} events written, for ${Math.round(pausedMs)} ms`);
        await sleep(pausedMs);
      } finally {
        broker.resume();
      }
      return Date.now();
    },
  };
}
