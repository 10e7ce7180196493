import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineNames } from '@outbox/queue';
import { expect } from 'vitest';
import type { ChaosRun, ChaosScenario } from '../harness/chaos-scenario.ts';
import { command, untilStrikeWhileCapturing } from './redis-faults.ts';

/** Acknowledgements in the stream that the capture worker has not read yet (XINFO GROUPS `lag`). */
async function unreadAcknowledgements(run: ChaosRun): Promise<number> {
  const { acks, ackGroup } = pipelineNames(run.config.redis.prefix, run.config.connector.name);
  const groups = (await command(run, (client) => client.xinfo('GROUPS', acks))) as unknown[][];
  for (const fields of groups) {
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
    if (info.get('name') === ackGroup) return Number(info.get('lag') ?? 0);
  }
  return 0;
}

/** Acknowledgements unread once there are any, or at `deadline` (then 0). */
async function untilUnreadAcknowledgements(run: ChaosRun, deadline: number): Promise<number> {
  for (;;) {
    const unread = await unreadAcknowledgements(run);
    if (unread > 0 || Date.now() >= deadline) return unread;
    await sleep(50);
  }
}

/** Until the publisher in slot `name` has delivered `jobs` jobs (publishers start slower than the writer). */
async function untilDelivered(run: ChaosRun, name: string, jobs: number): Promise<void> {
  const stats = pipelineNames(run.config.redis.prefix, run.config.connector.name).publisher(name);
  const deadline = Date.now() + 30_000;
  const done = async () => Number((await command(run, (client) => client.hget(stats, 'jobs'))) ?? 0);
  while ((await done()) < jobs && Date.now() < deadline) await sleep(50);
}

/** Until events are being written: the first writer if it still writes, else one of its own. */
async function untilWriting(run: ChaosRun): Promise<void> {
  while (run.writing() && run.committed() > run.size.events * 0.9) await sleep(50);
  if (run.writing()) return;
  const before = run.committed();
  run.startWriter(Math.ceil(run.size.events / 4));
  while (run.committed() < before + 50 && run.writing()) await sleep(20);
}

/**
 * Events in Kafka whose rows are still in the outbox: the capture worker is frozen (SIGSTOP) while
 * the publishers deliver what is queued, and Redis then loses everything — the acknowledgements
 * with it. Resumed, the capture worker enqueues every row still in the outbox again. At-least-once
 * sends those events a second time; exactly-once finds them under the partitions' committed
 * positions and acknowledges them without sending.
 */
export function acknowledgementsLost(): ChaosScenario {
  return {
    fault: 'acknowledgements lost (capture frozen, Redis FLUSHALL)',
    needs: { redis: true },
    inject: async (run) => {
      await untilStrikeWhileCapturing(run);
      await untilDelivered(run, 'pub-1', 3);
      // At a low rate the capture worker may be frozen just after every job it had enqueued was
      // delivered and acknowledged: nothing would be left to acknowledge, and the fault would make
      // no duplicate. Then it is thawed, and frozen again a moment later, until some job is.
      const deadline = Date.now() + 30_000;
      for (;;) {
        await untilWriting(run);
        run.fleet.signalCapture('SIGSTOP');
        try {
          const unread = await untilUnreadAcknowledgements(run, Math.min(Date.now() + 2_000, deadline));
          if (unread > 0 || Date.now() >= deadline) {
            // A moment more, so the jobs in progress finish too.
            await sleep(500);
            const lost = await unreadAcknowledgements(run);
            await command(run, (client) => client.flushall());
            run.log(`FLUSHALL with ${lost} acknowledgements unread and ${run.committed()} events written`);
            return Date.now();
          }
        } finally {
          run.fleet.signalCapture('SIGCONT');
        }
        await sleep(100 + Math.random() * 200);
      }
    },
    check: ({ fleetOutput }) => expect(fleetOutput('capture')).toContain('Redis lost its data'),
  };
}

/**
 * A zombie publisher: pub-1 is frozen (SIGSTOP) in the middle of its jobs' transactions until its
 * job locks expire and pub-2 has taken its partitions over and delivered past its jobs, then
 * resumed (SIGCONT). To freeze it mid-transaction for sure, the broker is paused first for a moment
 * (the load goes on, so every publisher is soon waiting on a send); it is resumed once pub-1 is
 * frozen. With exactly-once delivery pub-2's producers fence pub-1's: whatever pub-1 still sends,
 * commits or aborts is refused, and it says so. The load goes on after it wakes (a writer of its
 * own if the first one is done).
 */
export function publisherFreeze(frozenMs = 12_000): ChaosScenario {
  return {
    fault: 'publisher SIGSTOP mid-transaction (zombie)',
    needs: { broker: true },
    inject: async (run) => {
      // Only once it has made producers of its own, and with events coming while the broker is
      // paused, so that the publishers are mid-job.
      await untilDelivered(run, 'pub-1', 5);
      await untilWriting(run);
      const broker = await run.infra.broker();
      broker.pause();
      try {
        await sleep(1500);
        run.fleet.signalPublisher('pub-1', 'SIGSTOP');
      } finally {
        broker.resume();
      }
      run.log(`pub-1 frozen waiting on the broker with ${run.committed()} events written`);
      await sleep(frozenMs);
      run.fleet.signalPublisher('pub-1', 'SIGCONT');
      run.log(`pub-1 resumed with ${run.committed()} events written`);
      if (!run.writing()) run.startWriter(Math.ceil(run.size.events / 4));
      return Date.now();
    },
    // It gives its jobs up. Fenced, and says so, when it sends or commits after pub-2 took its
    // partitions over; but the request it had in flight when frozen reaches the broker as soon as
    // the broker resumes, before pub-2 can take over — if that was its commit, the transaction is
    // complete and it only finds its jobs gone (their events then under pub-2's position).
    check: ({ run }) =>
      expect(run.fleet.outputOf('pub-1')).toMatch(
        /fenced: another publisher|the job in progress vanished|lost the lock of a job in progress/,
      ),
  };
}

/**
 * `scenario` with exactly-once delivery, where a read_committed reader must find every event once
 * besides the scenario's own checks.
 */
export function withExactlyOnce(scenario: ChaosScenario): ChaosScenario {
  return {
    ...scenario,
    // Exactly-once needs kafkajs, whatever client the rest of the run was asked for.
    env: { ...scenario.env, OUTBOX_DELIVERY: 'exactly-once', KAFKA_CLIENT: 'kafkajs' },
    check: (outcome) => {
      scenario.check?.(outcome);
      expect(outcome.row.duplicates, 'duplicates for a read_committed reader').toBe(0);
    },
  };
}
