import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisSentinelSet } from '@outbox/infra';
import { expect } from 'vitest';
import type { ChaosScenario } from '../harness/chaos-scenario.ts';

/**
 * Redis behind Sentinel (a master, a replica, three sentinels): the master SIGKILLed at a random
 * moment of the load, the replica promoted by the sentinels, then the killed node started again
 * (empty) as the new master's replica, as an operator would bring it back. Replication is
 * asynchronous, so the replica may lack the master's last writes: the capture worker's rollback
 * check covers that.
 */
export function sentinelFailover(): ChaosScenario {
  let set: RedisSentinelSet | undefined;
  let promoted = false;
  return {
    fault: 'Sentinel failover (master SIGKILL)',
    prepare: async (infra) => {
      set = await infra.sentinels();
      return {
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_PASSWORD: set.adminPassword,
        REDIS_SENTINELS: set.sentinels.join(','),
        REDIS_SENTINEL_MASTER: set.masterName,
      };
    },
    inject: async (run) => {
      if (!set) throw new Error('the Sentinel failover needs its sentinels (prepare)');
      const sentinels = set;
      await run.untilRandomMoment();
      const oldPort = await sentinels.masterPort();
      const index = sentinels.nodes.findIndex((node) => node?.port === oldPort);
      const master = sentinels.nodes[index];
      if (!master) throw new Error(`no running node is the master (port ${oldPort})`);
      sentinels.kill(master);
      const killedAt = Date.now();
      run.log(`master (port ${oldPort}) SIGKILLed with ${run.committed()} events written`);
      while ((await sentinels.masterPort()) === oldPort) {
        if (Date.now() - killedAt > 30_000) throw new Error('the sentinels promoted no replica within 30 s');
        await sleep(100);
      }
      promoted = true;
      const promotedAt = Date.now();
      run.log(`replica promoted ${promotedAt - killedAt} ms after the kill; the old master comes back as its replica`);
      await sentinels.restart(index);
      return promotedAt;
    },
    check: () => expect(promoted).toBe(true),
    cleanup: async () => {
      await set?.stop();
      set = undefined;
    },
  };
}
