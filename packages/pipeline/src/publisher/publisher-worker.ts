import type { OutboxEvent, PublishJobData } from '@outbox/contracts';
import { topicFor } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import {
  type AckStream,
  CursorStore,
  HaltedStore,
  type HeadAction,
  HeadActionStore,
  MembershipStore,
  type PipelineNames,
  PublisherStatsStore,
  type RedisClient,
} from '@outbox/queue';
import { onceAsync } from '@outbox/runtime';
import { type Job, Worker } from 'bullmq';
import { fanOut, type PipelineObserver } from '../pipeline-observer.ts';
import { type Delivery, GiveBack, type HeadResolver, JobDelivery, type JobDeliveryOptions } from './job-delivery.ts';
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
  /**
   * Told what the publisher does (sends, retries, dead letters, halts and resumes), so metrics and
   * alerts can follow it without the worker knowing either; a failing observer is logged, never
   * propagated. @defaultValue none: nothing watches
   */
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
  /** The job each partition's worker is on (one at a time), and how to stop it if its lock is lost. */
  readonly #inProgress = new Map<number, { jobId: string; lost: AbortController }>();
  readonly #membership: MembershipStore;
  readonly #halted: HaltedStore;
  readonly #headActions: HeadActionStore;
  readonly #stats: PublisherStatsStore;
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
    this.#membership = new MembershipStore(options.redis, options.names);
    this.#halted = new HaltedStore(options.redis, options.names);
    this.#headActions = new HeadActionStore(options.redis, options.names);
    this.#stats = new PublisherStatsStore(options.redis, options.names);
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
    await this.#membership
      .leave(this.#o.name)
      .catch((error: unknown) => this.#log.warn({ err: error }, 'could not leave the membership'));
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
        const members = await this.#membership.heartbeat(this.#o.name, heartbeatMs * 3);
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
      // Told, and judged, by 'lockRenewalFailed' below.
      if (error.message.startsWith('could not renew lock for job')) return;
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
    // A renewal that came too late (a starved host, a slow Redis): the job may already be another
    // publisher's, so this one starts no further send of it. Ignored for a job that just finished
    // (its lock was released while a renewal was on its way).
    worker.on('lockRenewalFailed', (jobIds) => {
      const current = this.#inProgress.get(partition);
      if (!current || !jobIds.includes(current.jobId)) return;
      this.#log.error(
        { partition, jobId: current.jobId },
        'lost the lock of a job in progress: another publisher may take it over',
      );
      current.lost.abort();
    });
    return worker;
  }

  /**
   * What an operator asked done with the event a halted partition stopped at, wherever it sits in
   * the job: dead-lettered with error class MANUAL, or skipped — acknowledged with the job, never
   * sent. The action is marked done before the rest of the job is sent, so if the rest halts again
   * later probes leave the event out without dead-lettering it again. Only a crash between the
   * dead letter and that mark sends it twice (same `id` header).
   */
  #headResolver(delivery: Delivery, action: HeadAction): HeadResolver {
    return {
      outboxId: action.outboxId,
      resolve: async (event: OutboxEvent) => {
        if (action.done) return;
        const who = {
          eventId: event.eventId,
          outboxId: event.id,
          requestedBy: action.requestedBy,
          requestedAt: action.requestedAt,
        };
        if (action.action === 'dead-letter') {
          const reason = action.reason ?? 'dead-lettered by an operator';
          await this.#delivery.deadLetterByOperator(delivery, event, reason);
          delivery.log.warn({ ...who, reason }, 'head event dead-lettered by an operator');
        } else {
          delivery.log.warn({ ...who, reason: action.reason }, 'head event skipped by an operator: acknowledged without sending');
        }
        await this.#headActions
          .request(delivery.partition, { ...action, done: true })
          .catch((e: unknown) => delivery.log.warn({ err: e }, 'could not mark the head action done; a probe may do it again'));
      },
    };
  }

  /**
   * Acknowledges events in Kafka (or dead-lettered, or skipped): the capture worker deletes their
   * rows. `what`: a whole job (counted in the publisher's stats) or the part of one done so far.
   * A job emptied by an earlier partial acknowledgement has nothing left to acknowledge.
   */
  async #acknowledge(
    partition: number,
    events: readonly OutboxEvent[],
    keepIds: readonly number[],
    what: 'job' | 'part',
  ): Promise<void> {
    if (events.length === 0) return;
    await this.#o.ackStream.append(partition, events, {
      keepIds,
      also: (multi) => this.#stats.countAcknowledged(multi, this.#o.name, { events: events.length, wholeJob: what === 'job' }),
    });
    this.#published += events.length;
    this.#observer.published(partition, events, new Date());
  }

  /**
   * A job given back part-way (halted, the publisher closing, its lock lost) acknowledges the
   * events it already handled — they are in Kafka, whoever holds the job — and, unless another
   * publisher may hold it now, keeps only the rest, so a probe or the next owner does not send them
   * again. Acknowledged first: a failure in between only leaves them in the job (duplicates).
   */
  async #keepHandledPrefix(job: Job<PublishJobData>, delivery: Delivery, lockLost: boolean): Promise<void> {
    const handled = new Set(delivery.handled);
    if (handled.size === 0) return;
    const done = job.data.events.filter((event) => handled.has(event.id));
    const rest = job.data.events.filter((event) => !handled.has(event.id));
    const keepIds = delivery.keepIds.filter((id) => handled.has(id));
    try {
      await this.#acknowledge(delivery.partition, done, keepIds, 'part');
    } catch (error) {
      delivery.log.warn({ err: error }, 'could not acknowledge the events sent before the job stopped; they will be sent again');
      return;
    }
    if (lockLost) return;
    await job.updateData({ ...job.data, events: rest }).then(
      () =>
        delivery.log.info(
          { acknowledged: done.length, left: rest.length },
          'the job stopped part-way; it keeps only the events not sent',
        ),
      (error: unknown) =>
        delivery.log.warn({ err: error }, 'could not drop the acknowledged events from the job; they will be sent again'),
    );
  }

  async #process(worker: Worker<PublishJobData>, job: Job<PublishJobData>): Promise<void> {
    const { partition, aggregateType, events, epoch } = job.data;
    const log = this.#log.child({ partition, jobId: job.id });
    const lost = new AbortController();
    this.#inProgress.set(partition, { jobId: job.id ?? '', lost });
    const delivery: Delivery = {
      partition,
      log,
      aggregateType,
      topic: topicFor(this.#o.topicTemplate, aggregateType),
      lost: lost.signal,
      keepIds: [],
      handled: [],
    };
    try {
      // Redis lost its data after this job was enqueued, and the capture worker is enqueueing the
      // outbox again from its oldest row: sending this job now could overtake those rows. Its rows
      // are still in the outbox, unacknowledged, so dropping it loses nothing.
      // Read together: one round trip, and head actions (rare) cost a healthy job nothing.
      const [current, headActions] = await Promise.all([
        CursorStore.readEpoch(this.#o.redis, this.#o.names),
        this.#headActions.read(partition, (text) => log.warn({ entry: text }, 'dropped a head action that is not valid')),
      ]);
      if (current !== epoch) {
        log.warn('job from before Redis lost its data: dropped; its events are enqueued again in order');
        return;
      }
      // An operator restarted the halted partition (its flag is gone): full attempts again.
      if (this.#delivery.haltOf(partition) && !(await this.#halted.has(partition))) {
        this.#delivery.operatorRestarted(partition);
      }
      const ids = new Set(events.map((event) => event.id));
      const honoured = headActions.filter((action) => ids.has(action.outboxId));
      await this.#delivery.deliver(
        delivery,
        events,
        honoured.map((action) => this.#headResolver(delivery, action)),
      );
      await this.#acknowledge(partition, events, delivery.keepIds, 'job');
      // Bookkeeping only, like the halted flag below. Stale actions (their events acknowledged) go too.
      const done = headActions.filter((action) => ids.has(action.outboxId) || action.outboxId < (events[0]?.id ?? 0));
      await this.#headActions
        .clear(
          partition,
          done.map((action) => action.outboxId),
        )
        .catch((e: unknown) => log.warn({ err: e }, 'could not clear the head actions'));
      if (this.#delivery.delivered(partition, log)) {
        // Bookkeeping only: the job is acknowledged, so a failure here must not give it back.
        await this.#halted.clear(partition).catch((e: unknown) => log.warn({ err: e }, 'could not clear the halted flag'));
      }
    } catch (error) {
      if (!(error instanceof GiveBack)) {
        const reason = `unexpected error: ${(error as Error).message}`;
        this.#delivery.halt(partition, log, { reason, outboxId: null, poison: false }, error);
      }
      await this.#keepHandledPrefix(job, delivery, lost.signal.aborted);
      const halted = this.#delivery.haltOf(partition);
      if (halted !== undefined && !this.#closing.signal.aborted) {
        const { reason, outboxId, poison, since } = halted;
        const state = { reason, outboxId, poison, since, publisher: this.#o.name };
        await this.#halted.write(partition, state).catch(() => undefined);
      }
      // Given back because the publisher closes or lost the job: no probe delay, it is not halted.
      const delay = this.#closing.signal.aborted || lost.signal.aborted ? 0 : this.#o.haltProbeIntervalMs;
      // Whatever Redis says here, the job must go back to its queue, never to `failed`.
      if (delay > 0)
        await worker.rateLimit(delay).catch((e: unknown) => log.warn({ err: e }, 'could not rate-limit the halted partition'));
      throw Worker.RateLimitError();
    } finally {
      // A replaced worker's processor may still finish after its successor started a job.
      if (this.#inProgress.get(partition)?.lost === lost) this.#inProgress.delete(partition);
    }
  }
}
