import type { PublishJobData } from '@outbox/contracts';
import type { PipelineNames, RedisClient } from '@outbox/queue';
import type { Queue } from 'bullmq';
import { type HaltedState, parseHaltedState } from '../publisher/halted-state.ts';
import { readPublisherPartitions } from '../publisher/partition-count.ts';
import { taskOwners } from './task-owners.ts';

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
  outbox: OutboxStatus | null;
  publishers: PublisherStatus[];
  /** Events all publishers got Kafka's ack for, since their counters were created. */
  published: number;
}

/** How long a publisher's heartbeat counts; matches the publishers' own membership TTL. */
const liveMs = 3000;

/** Publishers with a heartbeat in the last few seconds, sorted. */
export async function livePublishers(redis: RedisClient, names: PipelineNames, now = Date.now()): Promise<string[]> {
  return (await redis.zrangebyscore(names.members, now - liveMs, '+inf')).sort();
}

/**
 * The worker holding a queue's active job, if any. Only its `processedBy` field (BullMQ's `pb`) is
 * read: loading the job would fetch its events too — up to 512 KiB per partition, every second the
 * status page polls.
 */
async function activeOwner(redis: RedisClient, queue: Queue<PublishJobData>): Promise<string | null> {
  const [jobId] = await redis.lrange(queue.keys.active as string, 0, 0);
  return jobId ? redis.hget(queue.toKey(jobId), 'pb') : null;
}

/** The connector as Redis sees it: per partition its state, owner and backlog; per publisher its work. */
export async function readConnectorStatus(
  redis: RedisClient,
  names: PipelineNames,
  queues: Queue<PublishJobData>[],
  connector: string,
  /** Kept in SQLite by the capture worker, which owns the decision (BullMQ's paused flags follow it). */
  state: ConnectorStatus['connector']['state'],
): Promise<ConnectorStatus> {
  const [capture, halted, publisherNames, live] = await Promise.all([
    redis.hgetall(names.captureStatus),
    redis.hgetall(names.halted),
    redis.smembers(names.publishers),
    livePublishers(redis, names),
  ]);
  const inFlight = capture.inFlight ? (JSON.parse(capture.inFlight) as number[]) : [];
  const counts = await Promise.all(live.map((name) => readPublisherPartitions(redis, names, name)));
  const assigned = taskOwners(
    queues.length,
    live.map((name, i) => ({ name, partitions: counts[i] ?? null })),
  );

  const tasks = await Promise.all(
    queues.map(async (queue, id): Promise<TaskStatus> => {
      const [counts, owner] = await Promise.all([
        queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
        activeOwner(redis, queue),
      ]);
      const entry = halted[String(id)];
      const haltedState = entry ? parseHaltedState(entry) : null;
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
      const stats = await redis.hgetall(names.publisher(name));
      return {
        name,
        live: live.includes(name),
        jobs: Number(stats.jobs ?? 0),
        events: Number(stats.events ?? 0),
        lastSeen: stats.lastSeen ? new Date(Number(stats.lastSeen)).toISOString() : null,
      };
    }),
  );
  const shown = publishers.filter((p) => p.live || p.lastSeen !== null);
  return {
    name: connector,
    type: 'source',
    connector: { state },
    tasks,
    outbox: capture.updatedAt
      ? {
          pending: Number(capture.depth),
          oldestOccurredAt: capture.oldestOccurredAt || null,
          inFlight: inFlight.reduce((a, b) => a + b, 0),
          updatedAt: capture.updatedAt,
        }
      : null,
    publishers: shown,
    published: shown.reduce((sum, p) => sum + p.events, 0),
  };
}
