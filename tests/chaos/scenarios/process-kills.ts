import { expect } from 'vitest';
import type { ChaosScenario } from '../harness/chaos-scenario.ts';

/** The capture worker SIGKILLed at random moments of the load, each time restarted at once. */
export function captureKill(kills = 2): ChaosScenario {
  return {
    fault: `capture SIGKILL ×${kills}`,
    inject: async (run) => {
      let endedAt = Date.now();
      for (const share of run.randomMoments(kills)) {
        await run.untilWritten(share);
        await run.fleet.killCapture();
        endedAt = Date.now();
        run.log(`capture worker killed and restarted with ${run.committed()} events written`);
      }
      return endedAt;
    },
  };
}

/**
 * A random publisher SIGKILLed at random moments of the load and restarted under its name. The
 * job it held is taken over once its lock expires (about 7.5 s), which recovery time includes.
 */
export function publisherKill(kills = 3, publishers = 3): ChaosScenario {
  return {
    fault: `publisher SIGKILL ×${kills}`,
    publishers,
    inject: async (run) => {
      let endedAt = Date.now();
      for (const share of run.randomMoments(kills)) {
        await run.untilWritten(share);
        const names = run.fleet.publisherNames;
        const victim = names[Math.floor(Math.random() * names.length)] ?? 'pub-1';
        await run.fleet.killPublisher(victim);
        endedAt = Date.now();
        run.log(`${victim} killed and restarted with ${run.committed()} events written`);
      }
      return endedAt;
    },
  };
}

/** The writer (`outbox load`) SIGKILLed mid-load, then a new one writes the rest. */
export function writerKill(): ChaosScenario {
  return {
    fault: 'writer SIGKILL',
    inject: async (run) => {
      await run.untilRandomMoment();
      await run.fleet.kill(run.writer());
      const written = run.committed();
      run.log(`writer killed with ${written} events committed`);
      run.startWriter(Math.max(1, run.size.events - written));
      return Date.now();
    },
    // The killed writer's transactions were all or nothing, so the two writers together
    // committed exactly the planned events, and the common checks find every one of them in Kafka.
    check: ({ run, row }) => {
      expect(run.writer().child.exitCode).toBe(0);
      expect(row.written).toBe(run.size.events);
    },
  };
}
