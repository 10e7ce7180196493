import type { OutboxEvent, PublishJobData } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import { CursorStore, HaltedStore, type HeadAction, HeadActionStore, PublisherStatsStore } from '@outbox/queue';
import { type Job, Worker } from 'bullmq';
import type { PipelineObserver } from '../pipeline-observer.ts';
import { GiveBack } from './delivery-errors.ts';
import type { DeliveryJob } from './delivery-job.ts';
import { DeliveryProgress } from './delivery-progress.ts';
import { ExactlyOnceDelivery } from './exactly-once/exactly-once-delivery.ts';
import { operatorHeadResolver } from './head-resolver.ts';
import { JobDelivery } from './job-delivery.ts';
import type { PublisherWorkerOptions } from './publisher-worker-options.ts';
import { type JobTrace, traceJob } from './trace-job.ts';

export interface JobProcessorOptions {
  worker: PublisherWorkerOptions;
  /** The publisher's logger (component `publisher`). */
  log: Logger;
  observer: Required<PipelineObserver>;
  /** Aborted when the publisher closes: jobs in progress are given back at once. */
  closing: AbortSignal;
}

/**
 * Processes one publish job at a time per partition: drops a job from before Redis lost its data,
 * honours operators' head actions, delivers the events (JobDelivery), acknowledges them, and — when
 * the delivery stops part-way — acknowledges what was done and gives the job back to the head of
 * its queue, rate-limited when its partition is halted. A job never ends in `failed`.
 */
export class JobProcessor {
  readonly #options: PublisherWorkerOptions;
  readonly #log: Logger;
  readonly #observer: Required<PipelineObserver>;
  readonly #closing: AbortSignal;
  readonly #delivery: JobDelivery;
  readonly #exactlyOnce: ExactlyOnceDelivery | undefined;
  readonly #halted: HaltedStore;
  readonly #headActions: HeadActionStore;
  readonly #stats: PublisherStatsStore;
  /** The job each partition's worker is on (one at a time), and how to stop it if its lock is lost. */
  readonly #inProgress = new Map<number, { jobId: string; lost: AbortController }>();
  #published = 0;

  constructor(options: JobProcessorOptions) {
    const { worker } = options;
    this.#options = worker;
    this.#log = options.log;
    this.#observer = options.observer;
    this.#closing = options.closing;
    this.#delivery = new JobDelivery({ ...worker, signal: options.closing, observer: options.observer });
    this.#exactlyOnce =
      worker.exactlyOnce && new ExactlyOnceDelivery(worker.exactlyOnce, this.#delivery, this.#log, options.observer);
    this.#halted = new HaltedStore(worker.redis, worker.names);
    this.#headActions = new HeadActionStore(worker.redis, worker.names);
    this.#stats = new PublisherStatsStore(worker.redis, worker.names);
  }

  /** Events acknowledged since the publisher started. */
  get published(): number {
    return this.#published;
  }

  /** The publisher no longer works on the partition (exactly-once: its producer goes). */
  async release(partition: number): Promise<void> {
    await this.#exactlyOnce?.release(partition);
  }

  /** The publisher stopped: every partition's producer goes. */
  async close(): Promise<void> {
    await this.#exactlyOnce?.close();
  }

  /**
   * BullMQ could not renew the lock of these jobs in time (a starved host, a slow Redis): the job
   * may already be another publisher's, so this one starts no further send of it. Ignored for a job
   * that just finished (its lock was released while a renewal was on its way).
   */
  lockLost(partition: number, jobIds: readonly string[]): void {
    const current = this.#inProgress.get(partition);
    if (!current || !jobIds.includes(current.jobId)) return;
    this.#log.error(
      { partition, jobId: current.jobId },
      'lost the lock of a job in progress: another publisher may take it over',
    );
    current.lost.abort();
  }

  /** BullMQ's processor for `worker`: delivers the job, or gives it back (never fails it). */
  async process(worker: Worker<PublishJobData>, job: Job<PublishJobData>): Promise<void> {
    const { partition } = job.data;
    const lost = new AbortController();
    this.#inProgress.set(partition, { jobId: job.id ?? '', lost });
    const target: DeliveryJob = { partition, log: this.#log.child({ partition, jobId: job.id }), lost: lost.signal };
    const progress = new DeliveryProgress();
    const trace = this.#options.tracer && traceJob(this.#options.tracer, job);
    try {
      await this.#deliver(job, target, progress, trace);
      trace?.end();
    } catch (error) {
      trace?.end(error);
      await this.#giveBack(worker, job, target, progress, error);
    } finally {
      // A replaced worker's processor may still finish after its successor started a job.
      if (this.#inProgress.get(partition)?.lost === lost) this.#inProgress.delete(partition);
    }
  }

  async #deliver(job: Job<PublishJobData>, target: DeliveryJob, progress: DeliveryProgress, trace?: JobTrace): Promise<void> {
    const { partition, epoch } = job.data;
    const events = eventsOf(job.data);
    const { log } = target;
    // Redis lost its data after this job was enqueued, and the capture worker is enqueueing the
    // outbox again from its oldest row: sending this job now could overtake those rows. Its rows
    // are still in the outbox, unacknowledged, so dropping it loses nothing.
    // Read together: one round trip, and head actions (rare) cost a healthy job nothing.
    const [current, headActions] = await Promise.all([
      CursorStore.readEpoch(this.#options.redis, this.#options.names),
      this.#headActions.read(partition, (text) => log.warn({ entry: text }, 'dropped a head action that is not valid')),
    ]);
    if (current !== epoch) {
      log.warn('job from before Redis lost its data: dropped; its events are enqueued again in order');
      return;
    }
    const { halts } = this.#delivery;
    // An operator restarted the halted partition (its flag is gone): full attempts again.
    if (halts.haltOf(partition) && !(await this.#halted.has(partition))) halts.operatorRestarted(partition);
    const ids = new Set(events.map((event) => event.id));
    const honoured = headActions.filter((action) => ids.has(action.outboxId));
    const parts = { delivery: this.#delivery, headActions: this.#headActions };
    const heads = honoured.map((action) => operatorHeadResolver(action, target, parts));
    const traced = trace?.withContext(events) ?? events;
    if (this.#exactlyOnce) await this.#exactlyOnce.deliver(target, job.data, traced, heads, progress);
    else await this.#delivery.deliver(target, traced, heads, progress);
    await this.#acknowledge(partition, events, progress.keepIds, 'job');
    await this.#clearHeadActions(target, headActions, events);
    if (halts.endHalt(partition, log)) {
      // Bookkeeping only: the job is acknowledged, so a failure here must not give it back.
      await this.#halted.clear(partition).catch((e: unknown) => log.warn({ err: e }, 'could not clear the halted flag'));
    }
  }

  /** Bookkeeping only, like the halted flag. Stale actions (their events acknowledged) go too. */
  async #clearHeadActions(target: DeliveryJob, actions: readonly HeadAction[], events: readonly OutboxEvent[]): Promise<void> {
    const ids = new Set(events.map((event) => event.id));
    const done = actions.filter((action) => ids.has(action.outboxId) || action.outboxId < (events[0]?.id ?? 0));
    await this.#headActions
      .clear(
        target.partition,
        done.map((action) => action.outboxId),
      )
      .catch((e: unknown) => target.log.warn({ err: e }, 'could not clear the head actions'));
  }

  /**
   * The job stopped: halted, the publisher closing, its lock lost, or an unexpected error (which
   * halts the partition too). What was done is acknowledged, and the job goes back to the head of
   * its queue — rate-limited when the partition is halted, so it is probed later.
   */
  async #giveBack(
    worker: Worker<PublishJobData>,
    job: Job<PublishJobData>,
    target: DeliveryJob,
    progress: DeliveryProgress,
    error: unknown,
  ): Promise<never> {
    const { partition, log } = target;
    const lockLost = () => target.lost?.aborted ?? false;
    if (!(error instanceof GiveBack)) {
      const reason = `unexpected error: ${(error as Error).message}`;
      this.#delivery.halts.halt(partition, log, { reason, outboxId: null, poison: false }, error);
    }
    await this.#keepHandledPrefix(job, target, progress, lockLost());
    const halted = this.#delivery.halts.haltOf(partition);
    if (halted !== undefined && !this.#closing.aborted) {
      const { reason, outboxId, poison, since } = halted;
      const state = { reason, outboxId, poison, since, publisher: this.#options.name };
      await this.#halted.write(partition, state).catch(() => undefined);
    }
    // Given back because the publisher closes or lost the job: no probe delay, it is not halted.
    const delay = this.#closing.aborted || lockLost() ? 0 : this.#options.haltProbeIntervalMs;
    // Whatever Redis says here, the job must go back to its queue, never to `failed`.
    if (delay > 0)
      await worker.rateLimit(delay).catch((e: unknown) => log.warn({ err: e }, 'could not rate-limit the halted partition'));
    throw Worker.RateLimitError();
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
    const { name } = this.#options;
    await this.#options.ackStream.append(partition, events, {
      keepIds,
      also: (multi) => this.#stats.countAcknowledged(multi, name, { events: events.length, wholeJob: what === 'job' }),
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
  async #keepHandledPrefix(
    job: Job<PublishJobData>,
    target: DeliveryJob,
    progress: DeliveryProgress,
    lockLost: boolean,
  ): Promise<void> {
    const handled = new Set(progress.handled);
    if (handled.size === 0) return;
    const done = job.data.events.filter((event) => handled.has(event.id));
    const rest = job.data.events.filter((event) => !handled.has(event.id));
    const keepIds = progress.keepIds.filter((id) => handled.has(id));
    try {
      await this.#acknowledge(target.partition, done, keepIds, 'part');
    } catch (error) {
      target.log.warn({ err: error }, 'could not acknowledge the events sent before the job stopped; they will be sent again');
      return;
    }
    if (lockLost) return;
    await job.updateData({ ...job.data, events: rest }).then(
      () =>
        target.log.info(
          { acknowledged: done.length, left: rest.length },
          'the job stopped part-way; it keeps only the events not sent',
        ),
      (error: unknown) =>
        target.log.warn({ err: error }, 'could not drop the acknowledged events from the job; they will be sent again'),
    );
  }
}

/** A job's events, each with its aggregate type (jobs of earlier versions had one for the whole job). */
function eventsOf(data: PublishJobData): OutboxEvent[] {
  const { aggregateType = '' } = data;
  return data.events.map((event) => (event.aggregateType ? event : { ...event, aggregateType }));
}
