import type { PublishJobData } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import { MembershipStore } from '@outbox/queue';
import { onceAsync } from '@outbox/runtime';
import { Worker } from 'bullmq';
import { fanOut } from '../pipeline-observer.ts';
import { JobProcessor } from './job-processor.ts';
import { assignPartitions } from './partition-assignment.ts';
import type { PublisherWorkerOptions } from './publisher-worker-options.ts';

export type { PublisherWorkerOptions } from './publisher-worker-options.ts';

/**
 * How often a publisher says it is alive and re-reads who else is; one silent for three beats is
 * presumed dead and its partitions move — sooner than its job locks expire, so the takeover time
 * is set by the locks (about lockDurationMs + stalledIntervalMs).
 */
const heartbeatMs = 1000;

/**
 * Works on the partitions assigned to this publisher (rendezvous hashing with bounded loads over
 * the live publishers, so each owns an even share), one job at a time per partition — across all
 * publishers, by the queues' global concurrency — sends their events to Kafka, and acknowledges them.
 * This class owns the partitions (membership, assignment, one BullMQ worker per owned partition);
 * {@link JobProcessor} handles each job.
 *
 * Retries happen inside the job, so a failing job keeps its place at the head of its partition:
 * BullMQ's own retries would let the next job overtake it. When the attempts run out the
 * partition is halted — the job goes back to the head of its queue and the queue is rate-limited,
 * so it is probed again later — and no job ever ends in `failed` with its rows unacknowledged.
 */
export class PublisherWorker {
  readonly #options: PublisherWorkerOptions;
  readonly #log: Logger;
  readonly #workers = new Map<number, Worker<PublishJobData>>();
  readonly #membership: MembershipStore;
  #members: string[] = [];
  #heartbeat: NodeJS.Timeout | undefined;
  #rebalancing: Promise<void> = Promise.resolve();
  readonly #closing = new AbortController();
  readonly #processor: JobProcessor;

  constructor(options: PublisherWorkerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'publisher', publisher: options.name });
    this.#membership = new MembershipStore(options.redis, options.names);
    const observer = fanOut(options.observers ?? [], (error) => this.#log.warn({ err: error }, 'a pipeline observer failed'));
    this.#processor = new JobProcessor({ worker: options, log: this.#log, observer, closing: this.#closing.signal });
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
      .leave(this.#options.name)
      .catch((error: unknown) => this.#log.warn({ err: error }, 'could not leave the membership'));
    await Promise.all([...this.#workers.values()].map((worker) => worker.close()));
    this.#workers.clear();
    await this.#processor.close();
    this.#log.info({ published: this.#processor.published }, 'publisher worker stopped');
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
        const members = await this.#membership.heartbeat(this.#options.name, heartbeatMs * 3);
        const owned = new Set(assignPartitions(this.#options.partitions, members, this.#options.name));
        for (const [partition, worker] of this.#workers) {
          if (owned.has(partition)) continue;
          this.#workers.delete(partition);
          void worker
            .close()
            .then(() => this.#processor.release(partition))
            .catch((error: unknown) => this.#log.error({ err: error, partition }, 'closing a worker failed'));
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
      this.#options.names.queue(partition),
      (job) => this.#processor.process(worker, job),
      {
        name: this.#options.name,
        connection: this.#options.redis,
        prefix: this.#options.prefix,
        concurrency: 1,
        lockDuration: this.#options.lockDurationMs,
        stalledInterval: this.#options.stalledIntervalMs,
        // A job stalls when its publisher dies; it must be taken over, never failed (docs/architecture.md, "Publishing").
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
    // A renewal that came too late: the job may already be another publisher's.
    worker.on('lockRenewalFailed', (jobIds) => this.#processor.lockLost(partition, jobIds));
    return worker;
  }
}
