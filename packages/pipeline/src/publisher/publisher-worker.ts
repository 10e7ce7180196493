import { topicFor } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import type { AckStream, OutboxEvent, PipelineNames, PublishJobData, RedisClient } from '@outbox/queue';
import { onceAsync } from '@outbox/runtime';
import { type Job, Worker } from 'bullmq';
import { fanOut, type PipelineObserver } from '../pipeline-observer.ts';
import { clearHeadAction, type HeadAction, readHeadAction } from './head-action.ts';
import { type Delivery, GiveBack, JobDelivery, type JobDeliveryOptions } from './job-delivery.ts';
import { PublisherMembership } from './membership.ts';
import { assignPartitions } from './partition-assignment.ts';

export interface PublisherWorkerOptions extends Omit<JobDeliveryOptions, 'signal' | 'observer'> {
  /** Shown as the owner of the partitions it works on (BullMQ's `processedBy`). */
  name: string;
  /** BullMQ duplicates it for each worker's blocking connection. */
  redis: RedisClient;
  names: PipelineNames;
  prefix: string;
  partitions: number;
  ackStream: AckStream;
  topicTemplate: string;
  logger: Logger;
  /** Metrics and alerts. @defaultValue none */
  observers?: PipelineObserver[];
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/**
 * How often a publisher says it is alive and re-reads who else is; one silent for three beats is
 * presumed dead and its partitions move — sooner than its job locks expire, so the takeover time
 * is set by the locks (about lockDurationMs + stalledIntervalMs).
 */
const heartbeatMs = 1000;

/**
 * Works on the partitions assigned to this publisher (rendezvous hashing over the live
 * publishers, so work spreads over all of them), one job at a time per partition — across all
 * publishers, by the queues' global concurrency — sends their events to Kafka, and acknowledges them.
 *
 * Retries happen inside the job, so a failing job keeps its place at the head of its partition:
 * BullMQ's own retries would let the next job overtake it. When the attempts run out the
 * partition is halted — the job goes back to the head of its queue and the queue is rate-limited,
 * so it is probed again later — and no job ever ends in `failed` with its rows unacknowledged.
 */
export class PublisherWorker {
  readonly #o: PublisherWorkerOptions;
  readonly #log: Logger;
  readonly #workers = new Map<number, Worker<PublishJobData>>();
  readonly #membership: PublisherMembership;
  #members: string[] = [];
  #heartbeat: NodeJS.Timeout | undefined;
  #rebalancing: Promise<void> = Promise.resolve();
  readonly #closing = new AbortController();
  readonly #delivery: JobDelivery;
  readonly #observer: Required<PipelineObserver>;
  #published = 0;

  constructor(options: PublisherWorkerOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'publisher', publisher: options.name });
    this.#membership = new PublisherMembership({
      redis: options.redis,
      key: options.names.members,
      name: options.name,
      ttlMs: heartbeatMs * 3,
    });
    this.#observer = fanOut(options.observers ?? [], (error) => this.#log.warn({ err: error }, 'a pipeline observer failed'));
    this.#delivery = new JobDelivery({ ...options, signal: this.#closing.signal, observer: this.#observer });
  }

  /** Joins the publishers and starts working on the partitions assigned to this one. */
  async start(): Promise<void> {
    await this.#rebalance();
    this.#heartbeat = setInterval(() => void this.#rebalance(), heartbeatMs);
    this.#log.info({ owned: [...this.#workers.keys()] }, 'publisher worker started');
  }

  /** Leaves the publishers, stops taking jobs, and waits for the ones in progress (a retrying job is given back). */
  readonly close = onceAsync(async () => {
    this.#closing.abort();
    clearInterval(this.#heartbeat);
    await this.#rebalancing;
    await this.#membership.leave().catch((error: unknown) => this.#log.warn({ err: error }, 'could not leave the membership'));
    await Promise.all([...this.#workers.values()].map((worker) => worker.close()));
    this.#workers.clear();
    this.#log.info({ published: this.#published }, 'publisher worker stopped');
  });

  /**
   * Heartbeat, then open workers for partitions this publisher now owns and close the ones it
   * lost. Closing lets a job in progress finish; the new owner's worker takes the next one, and the
   * queue's global concurrency keeps the two from ever running a partition's jobs at once.
   */
  #rebalance(): Promise<void> {
    this.#rebalancing = this.#rebalancing.then(async () => {
      if (this.#closing.signal.aborted) return;
      try {
        const members = await this.#membership.heartbeat();
        const owned = new Set(assignPartitions(this.#o.partitions, members, this.#o.name));
        for (const [partition, worker] of this.#workers) {
          if (owned.has(partition)) continue;
          this.#workers.delete(partition);
          void worker.close().catch((error: unknown) => this.#log.error({ err: error, partition }, 'closing a worker failed'));
        }
        for (const partition of owned)
          if (!this.#workers.has(partition)) this.#workers.set(partition, this.#openWorker(partition));
        if (members.join() !== this.#members.join()) {
          this.#log.info({ members, owned: [...owned] }, 'publishers changed; partitions reassigned');
          this.#members = members;
        }
      } catch (error) {
        this.#log.warn({ err: error }, 'publisher heartbeat failed; keeping the current partitions');
      }
    });
    return this.#rebalancing;
  }

  #openWorker(partition: number): Worker<PublishJobData> {
    const worker: Worker<PublishJobData> = new Worker<PublishJobData>(
      this.#o.names.queue(partition),
      (job) => this.#process(worker, job),
      {
        name: this.#o.name,
        connection: this.#o.redis,
        prefix: this.#o.prefix,
        concurrency: 1,
        lockDuration: this.#o.lockDurationMs,
        stalledInterval: this.#o.stalledIntervalMs,
        // A job stalls when its publisher dies; it must be taken over, never failed (DESIGN 3a).
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      },
    );
    worker.on('error', (error) => {
      this.#log.error({ err: error, partition }, 'BullMQ worker error');
      // Redis lost the job this worker holds (FLUSHALL, a restart without persistence): BullMQ
      // keeps retrying to finish it and the worker takes nothing else, so it is replaced.
      if (error.message.includes('Missing key for job') && this.#workers.get(partition) === worker) {
        this.#log.warn({ partition }, 'the job in progress vanished with Redis data; replacing the partition worker');
        this.#workers.set(partition, this.#openWorker(partition));
        void worker.close(true).catch(() => undefined);
      }
    });
    worker.on('stalled', (jobId) => this.#log.warn({ partition, jobId }, 'job stalled; another publisher takes it over'));
    return worker;
  }

  /**
   * What an operator asked done with the head event of this (halted) partition: dead-lettered with
   * error class MANUAL, or skipped — acknowledged with the job, never sent. Done again if the job is
   * retried before its acknowledgement, so a dead letter may then appear twice (same `id` header).
   */
  async #resolveHead(delivery: Delivery, event: OutboxEvent, action: HeadAction): Promise<void> {
    const who = { eventId: event.eventId, outboxId: event.id, requestedBy: action.requestedBy, requestedAt: action.requestedAt };
    if (action.action === 'dead-letter') {
      const reason = action.reason ?? 'dead-lettered by an operator';
      await this.#delivery.deadLetterByOperator(delivery, event, reason);
      delivery.log.warn({ ...who, reason }, 'head event dead-lettered by an operator');
    } else {
      delivery.log.warn({ ...who, reason: action.reason }, 'head event skipped by an operator: acknowledged without sending');
    }
  }

  async #process(worker: Worker<PublishJobData>, job: Job<PublishJobData>): Promise<void> {
    const { partition, aggregateType, events, epoch } = job.data;
    const log = this.#log.child({ partition, jobId: job.id });
    try {
      // Redis lost its data after this job was enqueued, and the capture worker is enqueueing the
      // outbox again from its oldest row: sending this job now could overtake those rows. Its rows
      // are still in the outbox, unacknowledged, so dropping it loses nothing.
      // Read together: one round trip, and the head action (rare) costs a healthy job nothing.
      const [current, headAction] = await Promise.all([
        this.#o.redis.get(this.#o.names.epoch),
        readHeadAction(this.#o.redis, this.#o.names.headActions, partition),
      ]);
      if (current !== epoch) {
        log.warn('job from before Redis lost its data: dropped; its events are enqueued again in order');
        return;
      }
      // An operator restarted the halted partition (its flag is gone): full attempts again.
      if (this.#delivery.halted.has(partition) && !(await this.#o.redis.hexists(this.#o.names.halted, String(partition)))) {
        this.#delivery.halted.delete(partition);
      }
      const delivery: Delivery = {
        partition,
        log,
        aggregateType,
        topic: topicFor(this.#o.topicTemplate, aggregateType),
        keepIds: [],
      };
      const head = events[0];
      const honoured = headAction !== null && head !== undefined && head.id === headAction.outboxId;
      if (honoured) await this.#resolveHead(delivery, head, headAction);
      await this.#delivery.deliver(delivery, honoured ? events.slice(1) : events);
      const stats = this.#o.names.publisher(this.#o.name);
      await this.#o.ackStream.append(
        partition,
        events.map((event) => event.id),
        {
          keepIds: delivery.keepIds,
          also: (multi) =>
            multi
              .hincrby(stats, 'jobs', 1)
              .hincrby(stats, 'events', events.length)
              .hset(stats, 'lastSeen', Date.now())
              .expire(stats, 86_400)
              .sadd(this.#o.names.publishers, this.#o.name),
        },
      );
      // Bookkeeping only, like the halted flag below. A stale action (its event is acknowledged) goes too.
      if (headAction !== null && (honoured || (head?.id ?? 0) > headAction.outboxId)) {
        await clearHeadAction(this.#o.redis, this.#o.names.headActions, partition).catch((e: unknown) =>
          log.warn({ err: e }, 'could not clear the head action'),
        );
      }
      this.#published += events.length;
      this.#observer.published(partition, events, new Date());
      if (this.#delivery.halted.delete(partition)) {
        log.info('partition resumed: the broker accepts events again');
        this.#observer.resumed(partition);
        // Bookkeeping only: the job is acknowledged, so a failure here must not give it back.
        await this.#o.redis
          .hdel(this.#o.names.halted, String(partition))
          .catch((e: unknown) => log.warn({ err: e }, 'could not clear the halted flag'));
      }
    } catch (error) {
      if (!(error instanceof GiveBack)) {
        this.#delivery.halt(partition, log, `unexpected error: ${(error as Error).message}`, error);
      }
      const reason = this.#delivery.halted.get(partition);
      if (reason !== undefined && !this.#closing.signal.aborted) {
        const state = { reason, publisher: this.#o.name, since: new Date().toISOString() };
        await this.#o.redis.hset(this.#o.names.halted, String(partition), JSON.stringify(state)).catch(() => undefined);
      }
      const delay = this.#closing.signal.aborted ? 0 : this.#o.haltProbeIntervalMs;
      // Whatever Redis says here, the job must go back to its queue, never to `failed`.
      if (delay > 0)
        await worker.rateLimit(delay).catch((e: unknown) => log.warn({ err: e }, 'could not rate-limit the halted partition'));
      throw Worker.RateLimitError();
    }
  }
}
