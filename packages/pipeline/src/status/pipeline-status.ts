import type { PublishJobData } from '@outbox/contracts';
import type { CommittedPosition } from '@outbox/kafka';
import {
  activeJobOwner,
  CaptureStatusStore,
  type HaltedState,
  HaltedStore,
  MembershipStore,
  type PipelineNames,
  PublisherStatsStore,
  type RedisClient,
} from '@outbox/queue';
import type { Queue } from 'bullmq';
import { taskOwners } from './task-owners.ts';

export type DeliveryMode = 'at-least-once' | 'exactly-once';

/** Kafka Connect's task states, plus HALTED: attempts ran out, probed until it works again. */
export type TaskState = 'RUNNING' | 'PAUSED' | 'HALTED' | 'UNASSIGNED';

/** One partition, shown as a Kafka Connect task (`id` is the partition). */
export interface TaskStatus {
  id: number;
  state: TaskState;
  /** The publisher it is assigned to (the one holding its job right now, if any). */
  worker_id: string | null;
  /** Jobs waiting (including paused, rate-limited and delayed ones). */
  waiting: number;
  active: number;
  /** Events enqueued and not yet acknowledged, as the capture worker last reported. */
  inFlight: number | null;
  halted: HaltedState | null;
  /** Why it is halted, as Kafka Connect reports a failed task's trace. */
  trace?: string;
  /**
   * Exactly-once delivery only: how far the partition's committed transactions have got (null
   * before its first commit, or when Kafka did not answer).
   */
  committedPosition?: CommittedPosition | null;
}

export interface PublisherStatus {
  name: string;
  /** Sent a heartbeat within the last few seconds. */
  live: boolean;
  jobs: number;
  events: number;
  lastSeen: string | null;
}

export interface OutboxStatus {
  /** Rows in the outbox. */
  pending: number;
  oldestOccurredAt: string | null;
  /** Rows enqueued and not yet acknowledged. */
  inFlight: number;
  /** When the capture worker last reported. */
  updatedAt: string;
}

/** A connector's status in the shape of Kafka Connect's `GET /connectors/{name}/status`. */
export interface ConnectorStatus {
  name: string;
  type: 'source';
  connector: { state: 'RUNNING' | 'PAUSED' };
  tasks: TaskStatus[];
  /** The publishers' delivery mode (`OUTBOX_DELIVERY`). */
  delivery: DeliveryMode;
  outbox: OutboxStatus | null;
  publishers: PublisherStatus[];
  /** Events all publishers got Kafka's ack for, since their counters were created. */
  published: number;
}

/**
 * The partitions' committed positions added to a status (exactly-once delivery); `null`: Kafka did
 * not answer. Without their commit ids, which only the publishers compare.
 */
export function withCommittedPositions(
  status: ConnectorStatus,
  positions: ReadonlyMap<number, CommittedPosition> | null,
): ConnectorStatus {
  const shown = (position: CommittedPosition | undefined) =>
    position ? { outboxId: position.outboxId, timeline: position.timeline } : null;
  return { ...status, tasks: status.tasks.map((task) => ({ ...task, committedPosition: shown(positions?.get(task.id)) })) };
}

/** How long a publisher's heartbeat counts; matches the publishers' own membership TTL. */
const liveMs = 3000;

/** Publishers with a heartbeat in the last few seconds, sorted. */
export async function livePublishers(redis: RedisClient, names: PipelineNames, now = Date.now()): Promise<string[]> {
  return new MembershipStore(redis, names).live(liveMs, now);
}

/** The connector as Redis sees it: per partition its state, owner and backlog; per publisher its work. */
export async function readConnectorStatus(
  redis: RedisClient,
  names: PipelineNames,
  queues: Queue<PublishJobData>[],
  connector: string,
  /** Kept in SQLite by the capture worker, which owns the decision (BullMQ's paused flags follow it). */
  state: ConnectorStatus['connector']['state'],
  delivery: DeliveryMode = 'at-least-once',
): Promise<ConnectorStatus> {
  const stats = new PublisherStatsStore(redis, names);
  const [capture, halted, publisherNames, live] = await Promise.all([
    new CaptureStatusStore(redis, names).read(),
    new HaltedStore(redis, names).readAll(),
    stats.publishers(),
    livePublishers(redis, names),
  ]);
  const inFlight = capture?.inFlight ?? [];
  const counts = await Promise.all(live.map((name) => stats.readPartitions(name)));
  const assigned = taskOwners(
    queues.length,
    live.map((name, i) => ({ name, partitions: counts[i] ?? null })),
  );

  const tasks = await Promise.all(
    queues.map(async (queue, id): Promise<TaskStatus> => {
      const [counts, owner] = await Promise.all([
        queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
        activeJobOwner(redis, queue),
      ]);
      const haltedState = halted.get(id) ?? null;
      const worker = owner ?? assigned.get(id) ?? null;
      const taskState: TaskState = haltedState ? 'HALTED' : state === 'PAUSED' ? 'PAUSED' : worker ? 'RUNNING' : 'UNASSIGNED';
      return {
        id,
        state: taskState,
        worker_id: worker,
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
        active: counts.active ?? 0,
        inFlight: inFlight[id] ?? null,
        halted: haltedState,
        ...(haltedState ? { trace: haltedState.reason } : {}),
      };
    }),
  );

  const memberNames = [...new Set([...publisherNames, ...live])].sort();
  const publishers = await Promise.all(
    memberNames.map(async (name): Promise<PublisherStatus> => {
      const { jobs, events, lastSeen } = await stats.read(name);
      return {
        name,
        live: live.includes(name),
        jobs,
        events,
        lastSeen: lastSeen === null ? null : new Date(lastSeen).toISOString(),
      };
    }),
  );
  const shown = publishers.filter((p) => p.live || p.lastSeen !== null);
  return {
    name: connector,
    type: 'source',
    connector: { state },
    tasks,
    delivery,
    outbox: capture
      ? {
          pending: capture.depth,
          oldestOccurredAt: capture.oldestOccurredAt || null,
          inFlight: inFlight.reduce((a, b) => a + b, 0),
          updatedAt: capture.updatedAt,
        }
      : null,
    publishers: shown,
    published: shown.reduce((sum, p) => sum + p.events, 0),
  };
}
