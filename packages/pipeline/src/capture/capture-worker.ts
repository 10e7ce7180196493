import { randomUUID } from 'node:crypto';
import type { FSWatcher } from 'node:fs';
import type { CaptureTimeline } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import { queuedEvents } from '@outbox/queue';
import { onceAsync, type Serial, serial, sleep } from '@outbox/runtime';
import { fanOut, type PipelineObserver } from '../pipeline-observer.ts';
import { AckApplier } from './ack-applier.ts';
import { assertPartitionCount } from './assert-partition-count.ts';
import type { CaptureWorkerOptions, PartitionOffset } from './capture-worker-options.ts';
import { cursorsForSequence, findStranded, planStrandedJobs, restoredMessage, strandedMessage } from './find-stranded.ts';
import { InFlight } from './in-flight.ts';
import { JobWindow } from './job-window.ts';
import { type PlannedJob, planJobs } from './plan-jobs.ts';
import { assertRewindable, planRewind, type RewindPlan } from './plan-rewind.ts';
import { RedisLossGuard } from './redis-loss-guard.ts';
import { runLoop } from './run-loop.ts';
import { oldestPerPartition, scanOutbox } from './scan-outbox.ts';
import { toBulkJobs } from './to-bulk-jobs.ts';
import { traceCapture } from './trace-capture.ts';
import { WakeSignal } from './wake-signal.ts';
import { watchDatabase } from './watch-database.ts';

export type { CaptureStatus, CaptureWorkerOptions, PartitionOffset } from './capture-worker-options.ts';

/** Payload bytes one read of the outbox takes at most (besides its row count): large events stay few. */
const readMaxBytes = 16 * 1024 * 1024;

/**
 * Owns the outbox: tails it by id, enqueues each partition's rows as BullMQ jobs (a bounded number
 * in flight per partition), and deletes rows once a publisher has acknowledged them. It runs the
 * capture iterations and operators' cursor changes, one at a time; RedisLossGuard notices Redis
 * losing its data or going back, and AckApplier applies acknowledgements beside the iterations.
 */
export class CaptureWorker {
  readonly #options: CaptureWorkerOptions;
  readonly #log: Logger;
  readonly #wake = new WakeSignal();
  readonly #inFlight: InFlight;
  readonly #jobs: JobWindow;
  #cursors: number[];
  #closing = false;
  /** Set by drain(): the worker reads no more rows, and only applies acknowledgements. */
  #draining = false;
  #loops: Promise<void>[] = [];
  #watcher: FSWatcher | undefined;
  #enqueued = 0;
  #lastReport = 0;
  /** When rows passed by the cursors were last looked for (see findStranded). */
  #lastSweep = 0;
  /** The capture timeline every job carries (see PublishJobData.timeline); begun by start(). */
  #timeline: CaptureTimeline = { id: '', since: 0 };
  /** Capture iterations and operator changes to the cursors run one at a time. */
  readonly #exclusive: Serial = serial();
  readonly #observer: Required<PipelineObserver>;
  readonly #acks: AckApplier;
  readonly #redis: RedisLossGuard;

  constructor(options: CaptureWorkerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'capture' });
    const partitions = options.queues.length;
    this.#inFlight = new InFlight(partitions);
    this.#jobs = new JobWindow(partitions);
    this.#cursors = new Array<number>(partitions).fill(0);
    this.#observer = fanOut(options.observers ?? [], (error) => this.#log.warn({ err: error }, 'a pipeline observer failed'));
    this.#redis = new RedisLossGuard({
      cursorStore: options.cursorStore,
      applyQueueSettings: options.applyQueueSettings,
      log: this.#log,
    });
    this.#acks = new AckApplier({
      store: options.deleteAcknowledged ? { deleteAcknowledged: options.deleteAcknowledged } : options.store,
      ackStream: options.ackStream,
      batchSize: options.ackBatchSize,
      inFlight: this.#inFlight,
      onRead: (entries) => {
        for (const entry of entries) this.#jobs.acknowledged(entry.partition, entry.outboxIds);
        this.#wake.wake();
      },
      onApplied: (acknowledged) => {
        this.#observer.acknowledged(acknowledged);
        this.#wake.wake();
      },
    });
  }

  /** Rows enqueued and acknowledged since start, for logs and tests. */
  get counts(): { enqueued: number; acknowledged: number; inFlight: number } {
    return {
      enqueued: this.#enqueued,
      acknowledged: this.#acks.acknowledged,
      inFlight: this.#inFlight.total,
    };
  }

  async start(): Promise<void> {
    // Rows already in the outbox are the ones an earlier run saw under the same ids; rows from now on are new.
    this.#timeline = { id: randomUUID(), since: this.#options.store.lastAssignedId() };
    await this.#options.ackStream.ensureGroup();
    // Acknowledgements read before a crash but never applied go first, so they are not re-sent.
    await this.#acks.applyPending();
    await this.#options.applyQueueSettings();
    // A restart keeps the epoch, so the jobs already queued stay valid. No epoch means Redis lost
    // its data (cursors can reappear without one, written by a save racing the loss): start over.
    if (!(await this.#restoreCursors())) await this.#recoverFromRedisLoss('lost');
    this.#watcher = watchDatabase(this.#options.dbPath, () => this.#wake.wake());
    this.#loops = [
      this.#runLoop('capture', () => this.#exclusive(() => this.#captureOnce())),
      this.#runLoop('ack', () => this.#acks.once()),
    ];
    this.#log.info({ cursors: this.#cursors, inFlight: this.counts.inFlight }, 'capture worker started');
  }

  /**
   * Enqueues nothing more and waits, up to `timeoutMs`, until what was enqueued is acknowledged:
   * before a connector that is deleted stops. Rows still in the outbox stay there.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight.total > 0 && Date.now() < deadline && !this.#closing) await sleep(100);
    if (this.#inFlight.total > 0) this.#log.warn({ inFlight: this.#inFlight.total }, 'stopping with events still in flight');
  }

  readonly close = onceAsync(async () => {
    this.#closing = true;
    this.#wake.wake();
    this.#watcher?.close();
    await Promise.all(this.#loops);
    await this.#acks.drain();
    this.#log.info(this.counts, 'capture worker stopped');
  });

  /** Cursors and in-flight rows as Redis and the outbox have them; false when Redis holds no epoch. */
  async #restoreCursors(): Promise<boolean> {
    const partitions = this.#options.queues.length;
    const saved = await this.#redis.load(partitions);
    if (saved) {
      this.#cursors = saved;
    } else {
      const previous = await this.#options.cursorStore.partitionCount();
      const { depth } = this.#options.store.stats();
      assertPartitionCount({ previous, partitions, depth });
      // No cursors for this database (first start, another file, or Redis lost its data):
      // everything still in the outbox is enqueued again, in order.
      this.#log.info({ depth }, 'no capture cursors in Redis for this database; capturing from the oldest row');
      this.#cursors = new Array<number>(partitions).fill(0);
      await this.#redis.saveFresh(this.#cursors);
    }
    // Rows at or below their partition's cursor are in flight if a job of this epoch carries them
    // (without an epoch, Redis lost its data and start() enqueues everything again). The jobs are
    // read before the acknowledgements are: a job gone by then has its acknowledgement in the
    // stream already (publishers acknowledge before they complete), so its rows are deleted below.
    // Any other row the cursors passed — a database restored from an older copy, an explicit id —
    // is enqueued by the first sweep (see find-stranded.ts).
    if (!(await this.#redis.adoptEpoch())) return false;
    const { epoch } = this.#redis;
    // One partition's jobs at a time: together they can carry every event in flight, payloads included.
    const queued: Map<number, string>[] = [];
    for (const queue of this.#options.queues) queued.push(await queuedEvents(queue, epoch));
    await this.#acks.applyAll();
    scanOutbox(this.#options.store, Math.max(0, ...this.#cursors), (row) => {
      const p = this.#options.partitionOf(row.aggregateId);
      if (row.id <= (this.#cursors[p] ?? 0) && queued[p]?.get(row.id) === row.eventId) this.#inFlight.add(p, [row]);
      return true;
    });
    return true;
  }

  /** Each partition's cursor, rows in flight and oldest row in the outbox. */
  offsets(): Promise<PartitionOffset[]> {
    return this.#exclusive(async () => {
      const oldest = oldestPerPartition(this.#options.store, this.#options.partitionOf, this.#cursors);
      return this.#cursors.map((offset, partition) => ({
        partition,
        offset,
        inFlight: this.#inFlight.size(partition),
        oldestOutboxId: oldest[partition] ?? null,
      }));
    });
  }

  /**
   * Moves cursors back (see planRewind) between two capture iterations: the partitions' queued jobs
   * are removed and in-flight rows forgotten, so their rows above the new cursor are enqueued again,
   * in order. Refused unless every target queue is paused with no job active — checked here, inside
   * the exclusive section and against the queues the publishers obey, so nothing can start or
   * finish in between. All targets are checked before anything changes.
   */
  rewind(targets: readonly { partition: number; offset?: number }[]): Promise<RewindPlan[]> {
    return this.#exclusive(async () => {
      for (const { partition } of targets) await assertRewindable(this.#options.queues[partition], partition);
      const oldest = oldestPerPartition(this.#options.store, this.#options.partitionOf, this.#cursors);
      const plans = targets.map((t) =>
        planRewind({
          partition: t.partition,
          cursor: this.#cursors[t.partition] ?? 0,
          oldest: oldest[t.partition] ?? null,
          offset: t.offset,
        }),
      );
      const cursors = [...this.#cursors];
      for (const plan of plans) cursors[plan.partition] = plan.offset;
      // The lowered cursors are saved before any job is removed. A crash or a Redis error after
      // this leaves jobs behind whose rows are enqueued again (duplicates, allowed); the other
      // order could leave the old, higher cursor with its jobs gone: rows no job would ever send.
      await this.#redis.save(cursors);
      this.#cursors = cursors;
      for (const plan of plans) {
        this.#inFlight.clear(plan.partition);
        this.#jobs.clear(plan.partition);
      }
      try {
        for (const plan of plans) await this.#options.queues[plan.partition]?.drain(true);
      } finally {
        this.#wake.wake();
      }
      return plans;
    });
  }

  #runLoop(name: 'capture' | 'ack', once: () => Promise<boolean>): Promise<void> {
    return runLoop({
      name,
      once,
      after: async (progressed) => {
        await this.#report(progressed);
        if (!progressed && name === 'capture') await this.#wake.wait(this.#options.pollIntervalMs);
      },
      stopped: () => this.#closing,
      log: this.#log,
      observer: this.#observer,
    });
  }

  /** Once a second while anything changes, every 5 s when idle, so status never goes stale. */
  async #report(changed: boolean): Promise<void> {
    const now = Date.now();
    if (!this.#options.reportStatus || now - this.#lastReport < (changed ? 1000 : 5000)) return;
    this.#lastReport = now;
    const stats = this.#options.store.stats();
    await this.#options.reportStatus({
      depth: stats.depth,
      oldestOccurredAt: stats.oldestOccurredAt ?? '',
      inFlight: this.#inFlight.sizes(),
      updatedAt: new Date(now).toISOString(),
    });
  }

  /** Starts capture over (see RedisLossGuard.recover): nothing in flight, every cursor at 0. */
  #recoverFromRedisLoss(what: 'lost' | 'rolled back'): Promise<void> {
    return this.#redis.recover(what, () => {
      this.#inFlight.clearAll();
      this.#jobs.clearAll();
      this.#cursors = new Array<number>(this.#cursors.length).fill(0);
      return this.#cursors;
    });
  }

  /** One read of the outbox; true when it moved anything, so the loop reads again at once. */
  async #captureOnce(): Promise<boolean> {
    if (this.#draining) return false;
    const { change, jobCounters } = await this.#redis.check();
    if (change) await this.#recoverFromRedisLoss(change);
    const lowered = await this.#followSequence();
    const max = this.#options.maxInFlightPerPartition;
    const maxJobs = this.#options.maxJobsInFlightPerPartition ?? Number.POSITIVE_INFINITY;
    // With nothing in flight a partition has no job either (one dropped with Redis's data, say).
    for (let p = 0; p < this.#cursors.length; p++) if (this.#inFlight.size(p) === 0) this.#jobs.clear(p);
    const jobsInFlight = this.#jobs.counts();
    const open = this.#cursors.filter((_, p) => this.#inFlight.size(p) < max && (jobsInFlight[p] ?? 0) < maxJobs);
    const rows = open.length === 0 ? [] : this.#options.store.readAfter(Math.min(...open), this.#options.batchSize, readMaxBytes);
    // After the read, so a passed row committed before any row just read is found, and enqueued first.
    await this.#recoverPassedRows(lowered);
    if (rows.length === 0) return false;

    const plan = planJobs({
      rows,
      cursors: this.#cursors,
      inFlight: this.#inFlight.sizes(),
      maxInFlightPerPartition: max,
      // Counted again: the sweep may have added jobs.
      jobsInFlight: this.#jobs.counts(),
      maxJobsInFlightPerPartition: maxJobs,
      jobMaxRows: this.#options.jobMaxRows,
      jobMaxBytes: this.#options.jobMaxBytes,
      partitionOf: this.#options.partitionOf,
    });
    const byPartition = await this.#enqueueAll(plan.jobs);
    // A cursor moves only once its partition's jobs are safely in Redis.
    this.#cursors = plan.cursors;
    const jobsAdded = this.#cursors.map((_, p) => byPartition.get(p)?.length ?? 0);
    await this.#redis.save(this.#cursors, { countersBefore: jobCounters, jobsAdded });
    return true;
  }

  /**
   * Brings the cursors down to the table's id sequence when it is behind them (see
   * cursorsForSequence); true when it did.
   */
  async #followSequence(): Promise<boolean> {
    const { store } = this.#options;
    const sequence = store.lastAssignedId();
    const lowered = cursorsForSequence(sequence, this.#cursors);
    if (lowered && store.reusesIds) {
      // A table without AUTOINCREMENT: its newest rows were delivered and deleted, so their ids come
      // again. The cursors come down to the highest id in the table (rows in flight are in it, so
      // they stay passed), and the sweep enqueues any new row that took an id already passed.
      this.#log.debug({ cursors: this.#cursors, highestId: sequence }, 'the outbox re-uses ids; cursors lowered');
      await this.#redis.save(lowered);
      this.#cursors = lowered;
    } else if (lowered) {
      this.#log.error({ cursors: this.#cursors }, restoredMessage(sequence, this.#cursors));
      // Ids the cursors passed come again for other events: no committed position can vouch for them.
      this.#timeline = { id: randomUUID(), since: 0 };
      this.#inFlight.clearAll();
      this.#jobs.clearAll();
      await this.#redis.saveFresh(lowered);
      this.#cursors = lowered;
    }
    return lowered !== null;
  }

  /**
   * Every row in the outbox and not in flight is enqueued, whatever its id (see find-stranded.ts):
   * a restored database at once, rows passed any other way every `sweepIntervalMs` — in a table
   * that re-uses ids, every round. There the table can empty and refill past a cursor between two
   * rounds (the sequence then never looks behind), so the new rows on ids already passed are only
   * found by looking; they are the table's normal re-use, not an error.
   */
  async #recoverPassedRows(lowered: boolean): Promise<void> {
    const { store } = this.#options;
    const now = Date.now();
    const due = lowered || store.reusesIds || now - this.#lastSweep >= (this.#options.sweepIntervalMs ?? 10_000);
    if (!due) return;
    this.#lastSweep = now;
    const stranded = findStranded(store, this.#options.partitionOf, this.#cursors, this.#inFlight.view);
    if (stranded.length === 0) return;
    const ids = stranded.map((row) => row.id);
    if (store.reusesIds) this.#log.debug({ ids }, 'the outbox re-used ids the cursors had passed; enqueueing them');
    else if (!lowered) this.#log.error({ count: stranded.length }, strandedMessage(ids));
    await this.#enqueueAll(planStrandedJobs(store.readIds(ids), this.#options), { unordered: true });
  }

  /** Enqueues planned jobs, each partition's in order and the partitions side by side. */
  async #enqueueAll(jobs: readonly PlannedJob[], { unordered = false } = {}): Promise<Map<number, PlannedJob[]>> {
    const byPartition = Map.groupBy(jobs, (job) => job.partition);
    await Promise.all([...byPartition].map(([partition, partitionJobs]) => this.#enqueue(partition, partitionJobs, unordered)));
    return byPartition;
  }

  async #enqueue(partition: number, jobs: PlannedJob[], unordered: boolean): Promise<void> {
    const queue = this.#options.queues[partition];
    if (!queue) throw new Error(`no queue for partition ${partition}`);
    // Counted in flight before the jobs exist, so an acknowledgement can never arrive first.
    const events = jobs.flatMap((job) => job.events);
    this.#inFlight.add(partition, events);
    const bulk = toBulkJobs(partition, jobs, { epoch: this.#redis.epoch, timeline: this.#timeline, unordered });
    const traced = this.#options.tracer && traceCapture(this.#options.tracer, queue.name, bulk);
    await queue.addBulk(traced?.jobs ?? bulk).catch((error: unknown) => {
      traced?.end(error);
      this.#inFlight.remove(partition, events);
      throw error;
    });
    traced?.end();
    for (const job of jobs) this.#jobs.enqueued(partition, job.events.at(-1)?.id ?? 0);
    this.#enqueued += events.length;
    this.#observer.enqueued(partition, events.length);
  }
}
