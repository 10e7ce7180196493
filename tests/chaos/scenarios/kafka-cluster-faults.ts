import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaCluster, KafkaClusterNode } from '@outbox/infra';
import { openDatabase, quoteIdentifier } from '@outbox/outbox-store';
import { waitFor } from '@outbox/testkit';
import { expect } from 'vitest';
import type { ChaosRun, ChaosScenario } from '../harness/chaos-scenario.ts';
import { outageSettings } from './broker-faults.ts';

/** The broker faults' settings, and topics replicated on all three brokers. */
const clusterSettings = { ...outageSettings, OUTBOX_TOPIC_REPLICATION_FACTOR: '3' };

const between = (min: number, max: number) => min + Math.random() * (max - min);

/**
 * The leader of the topic's busiest partition SIGKILLed at a random moment of the load. The
 * controller fences it (broker.session.timeout.ms, 4 s) and the other replicas take its partitions
 * over; it stays down 3–6 s more, so events must flow through the new leaders, then starts again
 * with its data; the fault ends once it is back in every ISR.
 */
export function kafkaLeaderKill(): ChaosScenario {
  const seen = { replicas: [] as number[], deliveredWhileDown: 0, failoverMs: 0 };
  return {
    fault: 'Kafka leader SIGKILL (3 brokers)',
    needs: { kafkaCluster: true },
    env: clusterSettings,
    inject: async (run) => {
      const cluster = await run.infra.kafkaCluster();
      await untilStrikeWhilePublishing(run, cluster);
      seen.replicas = (await retried(() => cluster.partitions(run.topic))).map((p) => p.replicas.length);
      const { leader, partition } = await busiestPartitionLeader(cluster, run.topic);
      const before = await committedInKafka(cluster, run.topic);
      await leader.kill();
      const killedAt = Date.now();
      run.log(
        `broker ${leader.nodeId}, leader of the busiest partition ${partition}, SIGKILLed with ${run.committed()} events written`,
      );
      await until('a new leader', 30_000, async () => {
        const now = await cluster.leaderOf(run.topic, partition);
        return now !== undefined && now !== leader;
      });
      seen.failoverMs = Date.now() - killedAt;
      run.log(`partition ${partition} has a new leader ${seen.failoverMs} ms after the kill`);
      await sleep(between(3000, 6000));
      seen.deliveredWhileDown = (await committedInKafka(cluster, run.topic)) - before;
      await leader.start();
      // Back means caught up: until then leaders may still move, which the audit's reads trip over.
      await until('the broker back in every ISR', 60_000, async () =>
        (await cluster.partitions(run.topic)).every((p) => p.isr.includes(leader.nodeId)),
      );
      run.log(`broker ${leader.nodeId} back; ${seen.deliveredWhileDown} events reached Kafka while it was down`);
      return Date.now();
    },
    check: ({ row }) => {
      expect(seen.replicas.length).toBeGreaterThan(0);
      expect(new Set(seen.replicas), 'replicas of each partition').toEqual(new Set([3]));
      expect(seen.deliveredWhileDown, 'events Kafka took while the old leader was down').toBeGreaterThan(0);
      expect(row.deadLettered).toBe(0);
    },
  };
}

/** What the below-min-ISR fault saw while only one broker was left. */
interface Shortage {
  /** Rows in the outbox when it began (settled), events committed meanwhile, rows at its end. */
  before: number;
  committed: number;
  after: number;
  /** Rows there at the beginning and gone at the end: must be none. */
  deleted: number[];
  /** Sends refused with NOT_ENOUGH_REPLICAS and retried meanwhile (publisher log lines). */
  refusals: number;
  /**
   * Partitions halted meanwhile (publisher log lines), on NOT_ENOUGH_REPLICAS or on the connection
   * errors of the same fault: a partition whose attempts met the killed brokers before its client
   * learnt the new leaders halts on those, and its probes then fail without a line of their own.
   */
  halts: number;
}

/**
 * Two of the three brokers SIGKILLed, the busiest partition's leader first, so the partitions
 * are left with one in-sync replica, fewer than min.insync.replicas (2): Kafka refuses every send
 * with NOT_ENOUGH_REPLICAS, which the publishers retry and halt on once the attempts run out,
 * never dead-letter. While it lasts no row may leave the outbox, including events committed
 * meanwhile (a writer adds some when the load is over). Then the second broker comes back (the
 * fault ends), and the first one once the pipeline caught up and Kafka was audited.
 */
export function kafkaBelowMinIsr(): ChaosScenario {
  let shortage: Shortage | undefined;
  let first: KafkaClusterNode | undefined;
  return {
    fault: 'Kafka below min ISR (2 of 3 brokers SIGKILLed)',
    needs: { kafkaCluster: true },
    env: clusterSettings,
    inject: async (run) => {
      const cluster = await run.infra.kafkaCluster();
      await untilStrikeWhilePublishing(run, cluster);
      const killed = (await busiestPartitionLeader(cluster, run.topic)).leader;
      first = killed;
      await killed.kill();
      await until('the first broker to leave every ISR', 30_000, async () => outOfIsr(cluster, run.topic, [killed]));
      const second = pick(cluster.nodes.filter((node) => node.running()));
      await second.kill();
      run.log(`brokers ${killed.nodeId} and ${second.nodeId} SIGKILLed with ${run.committed()} events written`);
      await until('one in-sync replica left', 30_000, async () => outOfIsr(cluster, run.topic, [killed, second]));
      shortage = await observeShortage(run);
      const { after, refusals, halts } = shortage;
      run.log(`below min ISR: ${after} rows waited, ${refusals} sends refused, ${halts} halts`);
      await second.start();
      const back = Date.now();
      // Back means in sync again: until then leaders may still move, which the audit's reads trip
      // over ("no leader … in the middle of a leadership election", seen in CI).
      await until('the second broker back in every ISR', 60_000, async () =>
        (await cluster.partitions(run.topic)).every((p) => p.isr.includes(second.nodeId) && p.leader >= 0),
      );
      // And every partition answers for its offsets again: a new leader answers "no leader" to
      // ListOffsets until it knows its high watermark, which the audit's reads tripped over in CI.
      await until('every partition to answer for its offsets', 90_000, async () => {
        await cluster.endOffsets(run.topic);
        return true;
      });
      return back;
    },
    // Partitions that halted meanwhile resumed by themselves: the outbox emptied. (Their
    // "partition resumed" line is at info level, below the suite's LOG_LEVEL.)
    check: ({ row }) => {
      expect(shortage, 'the shortage was observed').toMatchObject({ deleted: [] });
      // Every row there at its beginning and every event committed during it stayed in the outbox.
      expect(shortage?.after, 'rows waiting in the outbox').toBe((shortage?.before ?? 0) + (shortage?.committed ?? 0));
      expect(shortage?.after).toBeGreaterThan(0);
      expect(shortage?.refusals, 'sends refused with NOT_ENOUGH_REPLICAS and retried').toBeGreaterThan(0);
      expect(shortage?.halts, 'partitions halted').toBeGreaterThan(0);
      expect(row.deadLettered).toBe(0);
    },
    // The first broker comes back once Kafka is audited: a broker rejoining moves partition
    // leaders, which the audit's reads would trip over.
    cleanup: async () => {
      if (first && !first.running()) await first.start();
    },
  };
}

/**
 * Once the publishers are refused with NOT_ENOUGH_REPLICAS (and a moment more, for
 * acknowledgements of sends Kafka took before), compares the outbox at the start and at the end
 * of the shortage, which lasts at least 6 s and until a partition halted (its attempts ran out).
 * Kafka's end offsets cannot be compared: a partition whose leader
 * moved to the last broker answers no ListOffsets until its high watermark can advance again,
 * that is until a second replica is back in sync.
 */
async function observeShortage(run: ChaosRun): Promise<Shortage> {
  const refused = () => publisherLines(run, 'send to Kafka failed', 'NOT_ENOUGH_REPLICAS');
  const halted = () => publisherLines(run, 'partition halted');
  await until('a send refused with NOT_ENOUGH_REPLICAS', 60_000, async () => refused() > 0);
  await sleep(2000);
  const before = outboxSnapshot(run);
  if (!run.writing()) run.startWriter(Math.ceil(run.size.events / 10));
  await sleep(6000);
  // In all, not after `before`: on a fast machine every partition may have halted by then, and a
  // halted partition's probes fail without a log line of their own (red once in CI). With four
  // partitions there may be no more than one or two refusals logged before they all halt.
  await until('a partition to halt', 60_000, async () => halted() > 0);
  await until('the writer to finish', 60_000, async () => !run.writing());
  const after = outboxSnapshot(run);
  const left = new Set(after.ids);
  return {
    before: before.ids.length,
    committed: after.committed - before.committed,
    after: after.ids.length,
    deleted: before.ids.filter((id) => !left.has(id)),
    refusals: refused(),
    halts: halted(),
  };
}

/**
 * The moment to strike: a random moment of the load, once the publishers are delivering (on a
 * slow machine they can still be starting when a good part of the load is written).
 */
async function untilStrikeWhilePublishing(run: ChaosRun, cluster: KafkaCluster): Promise<void> {
  await run.untilRandomMoment();
  await until('the first events in Kafka', 60_000, async () => (await committedInKafka(cluster, run.topic)) > 0);
}

/** The leader of the partition holding the most events, and that partition. */
function busiestPartitionLeader(cluster: KafkaCluster, topic: string): Promise<{ leader: KafkaClusterNode; partition: number }> {
  return retried(async () => {
    const offsets = await cluster.endOffsets(topic);
    const busiest = offsets.reduce((a, b) => (b.end > a.end ? b : a));
    const leader = await cluster.leaderOf(topic, busiest.partition);
    if (!leader) throw new Error(`partition ${busiest.partition} of ${topic} has no leader`);
    return { leader, partition: busiest.partition };
  });
}

/** Whether none of `nodes` is the leader or in the ISR of any partition of the topic. */
async function outOfIsr(cluster: KafkaCluster, topic: string, nodes: KafkaClusterNode[]): Promise<boolean> {
  const ids = new Set(nodes.map((node) => node.nodeId));
  const partitions = await cluster.partitions(topic);
  return partitions.every((p) => !ids.has(p.leader) && p.leader >= 0 && !p.isr.some((id) => ids.has(id)));
}

/** Events Kafka committed to the topic, over all partitions. */
function committedInKafka(cluster: KafkaCluster, topic: string): Promise<number> {
  return retried(async () => (await cluster.endOffsets(topic)).reduce((sum, p) => sum + p.end, 0));
}

/**
 * `ask` tried again for up to 30 s: a broker's metadata lags behind the controller's for a moment
 * after a topic is created or a leader moves ("not the leader for that topic-partition").
 */
function retried<T>(ask: () => Promise<T>): Promise<T> {
  return waitFor('the cluster to answer', ask, { timeoutMs: 30_000, intervalMs: 200 });
}

function publisherLines(run: ChaosRun, ...parts: string[]): number {
  return run.fleet
    .output('publisher')
    .split('\n')
    .filter((line) => parts.every((part) => line.includes(part))).length;
}

/**
 * The outbox's ids and the count of events committed so far (the audit trigger's table), read in
 * one transaction so that a writer committing meanwhile cannot make them disagree.
 */
function outboxSnapshot(run: ChaosRun): { ids: number[]; committed: number } {
  const db = openDatabase(run.config.sqlite.path, { readonly: true });
  try {
    const table = quoteIdentifier(run.config.outbox.table);
    const ids = db.prepare<[], { id: number }>(`SELECT id FROM ${table}`);
    const committed = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM test_committed');
    return db.transaction(() => ({ ids: ids.all().map((row) => row.id), committed: committed.get()?.n ?? 0 }))();
  } finally {
    db.close();
  }
}

function pick<T>(items: T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

/** Polls `check`; errors count as not yet, since the cluster's metadata moves while brokers die. */
function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<true> {
  return waitFor(what, async () => (await check()) || undefined, { timeoutMs, intervalMs: 200 });
}
