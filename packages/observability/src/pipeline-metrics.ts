import type { PipelineObserver } from '@outbox/contracts';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the connector looks like right now, read when Prometheus scrapes the capture worker. */
export interface ConnectorGauges {
  /** Rows in the outbox. */
  pending: number;
  /** When the oldest row in the outbox was written, if any. */
  oldestOccurredAt: string | null;
  /** Rows committed but not yet enqueued. */
  notEnqueued: number;
  /** Rows enqueued and not yet acknowledged. */
  inFlight: number;
  paused: boolean;
  /** What only Redis knows; absent when Redis did not answer in time, so /metrics still answers. */
  redis?: {
    haltedPartitions: number;
    livePublishers: number;
    /** BullMQ job counts by state, over all partitions. */
    jobs: Record<string, number>;
  };
}

/**
 * Commit → Kafka ack, in seconds: from sub-millisecond on an idle pipeline to the minutes a
 * halted partition can wait.
 */
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** One connector's part of the process's metrics. */
export interface ConnectorMetrics {
  /** Moves the connector's counters and latency histogram. */
  readonly observer: PipelineObserver;
  /** Where the connector's gauges come from; only the capture worker, which owns the outbox, sets it. */
  readGaugesFrom(read: () => Promise<ConnectorGauges>): void;
  /** The connector stopped in this process (deleted, or restarted with a new config): its series go. */
  remove(): Promise<void>;
}

type Labels = { connector: string };

/**
 * The Prometheus metrics of one process (prom-client, one registry per process), every series
 * labelled with its connector: one process serves several. Counters and the latency histogram
 * move through each connector's observer; its gauges are read at scrape time.
 */
export class PipelineMetrics {
  readonly registry = new Registry();
  readonly #gaugeReaders = new Map<string, () => Promise<ConnectorGauges>>();
  readonly #metrics: (Gauge | Counter | Histogram)[] = [];
  readonly #gauges;
  readonly #counters;

  constructor() {
    const registers = [this.registry];
    // The event-loop lag monitor samples every 10 ms by default: 100 wake-ups a second, most of an
    // idle worker's CPU (measured: 0.6% of a core). Every 100 ms measures the same lag for a tenth.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
    const keep = <T extends Gauge | Counter | Histogram>(metric: T): T => {
      this.#metrics.push(metric);
      return metric;
    };
    const gauge = (name: string, help: string) => keep(new Gauge({ name, help, labelNames: ['connector'], registers }));
    const counter = <L extends string = 'connector'>(name: string, help: string, labelNames: L[] = []) =>
      keep(new Counter<L | 'connector'>({ name, help, labelNames: ['connector', ...labelNames], registers }));
    this.#gauges = {
      pending: gauge('outbox_pending_events', 'Rows in the outbox: committed and not yet published and deleted.'),
      oldestAge: gauge('outbox_oldest_pending_age_seconds', 'Age of the oldest row still in the outbox (0 when empty).'),
      captureLag: gauge('outbox_capture_lag_events', 'Rows committed but not yet enqueued by the capture worker.'),
      inFlight: gauge('outbox_in_flight_events', 'Rows enqueued and not yet acknowledged by a publisher.'),
      halted: gauge('outbox_halted_partitions', 'Partitions halted because their attempts ran out.'),
      publishers: gauge('outbox_live_publishers', 'Publisher processes with a recent heartbeat.'),
      paused: gauge('outbox_connector_paused', '1 while the connector is paused.'),
      redisUp: gauge('outbox_redis_up', '1 when Redis answered the last scrape in time; 0 while the pipeline waits for it.'),
      jobs: keep(
        new Gauge({
          name: 'outbox_queue_jobs',
          help: 'BullMQ jobs by state, over all partitions.',
          labelNames: ['connector', 'state'],
          registers,
        }),
      ),
    };
    this.#counters = {
      enqueued: counter('outbox_enqueued_events_total', 'Rows enqueued as BullMQ jobs.'),
      acknowledged: counter(
        'outbox_acknowledged_events_total',
        'Rows deleted from the outbox after a publisher acknowledged them.',
      ),
      published: counter('outbox_published_events_total', 'Events Kafka acknowledged (in their topic or the dead-letter topic).'),
      latency: keep(
        new Histogram({
          name: 'outbox_delivery_latency_seconds',
          help: "From the event's commit (occurredAt) to Kafka's acknowledgement.",
          labelNames: ['connector'],
          buckets: latencyBuckets,
          registers,
        }),
      ),
      retries: counter('outbox_publish_retries_total', 'Sends to Kafka that failed and were tried again, by error type.', [
        'error_type',
      ]),
      deadLetters: counter('outbox_dead_letters_total', 'Events sent to the dead-letter topic, by error type.', ['error_type']),
      halts: counter('outbox_partition_halts_total', 'Times a partition halted.'),
      transactions: counter(
        'outbox_transactions_total',
        'Kafka transactions of exactly-once delivery, by outcome: committed, aborted, or fenced (another publisher took the partition over).',
        ['outcome'],
      ),
    };
  }

  /** A connector's metrics in this process, labelled `connector="<name>"`. */
  connector(connector: string): ConnectorMetrics {
    const labels: Labels = { connector };
    const c = this.#counters;
    const enqueued = c.enqueued.labels(labels);
    const acknowledged = c.acknowledged.labels(labels);
    const published = c.published.labels(labels);
    const latency = c.latency.labels(labels);
    const halts = c.halts.labels(labels);
    // Every series is there from the start, at 0, as an unlabelled one would be.
    for (const child of [enqueued, acknowledged, published, halts]) child.inc(0);
    c.latency.zero(labels);
    return {
      observer: {
        enqueued: (_partition, count) => enqueued.inc(count),
        acknowledged: (count) => acknowledged.inc(count),
        published: (_partition, events, ackedAt) => {
          published.inc(events.length);
          const ackedMs = ackedAt.getTime();
          for (const event of events) {
            const committedMs = Date.parse(event.occurredAt);
            if (Number.isFinite(committedMs)) latency.observe(Math.max(0, ackedMs - committedMs) / 1000);
          }
        },
        retried: ({ errorType }) => c.retries.inc({ connector, error_type: errorType }),
        deadLettered: ({ errorType }) => c.deadLetters.inc({ connector, error_type: errorType }),
        halted: () => halts.inc(),
        transactionEnded: (_partition, outcome) => c.transactions.inc({ connector, outcome }),
      },
      readGaugesFrom: (read) => void this.#gaugeReaders.set(connector, read),
      remove: async () => {
        this.#gaugeReaders.delete(connector);
        for (const metric of this.#metrics) {
          // A histogram's values carry their bucket too: it is removed by its one label.
          if (metric instanceof Histogram) metric.remove(labels);
          else
            for (const value of (await metric.get()).values)
              if (value.labels.connector === connector) metric.remove(value.labels);
        }
      },
    };
  }

  /** The text Prometheus scrapes, with every connector's gauges read just now. */
  async scrape(): Promise<string> {
    const read = await Promise.all([...this.#gaugeReaders].map(async ([connector, r]) => [connector, await r()] as const));
    for (const [connector, gauges] of read) this.#setGauges(connector, gauges);
    return this.registry.metrics();
  }

  #setGauges(connector: string, g: ConnectorGauges): void {
    const labels: Labels = { connector };
    const gauges = this.#gauges;
    const oldestMs = g.oldestOccurredAt ? Date.parse(g.oldestOccurredAt) : Number.NaN;
    gauges.pending.set(labels, g.pending);
    gauges.oldestAge.set(labels, Number.isFinite(oldestMs) ? Math.max(0, Date.now() - oldestMs) / 1000 : 0);
    gauges.captureLag.set(labels, g.notEnqueued);
    gauges.inFlight.set(labels, g.inFlight);
    gauges.paused.set(labels, g.paused ? 1 : 0);
    gauges.redisUp.set(labels, g.redis ? 1 : 0);
    if (!g.redis) return;
    gauges.halted.set(labels, g.redis.haltedPartitions);
    gauges.publishers.set(labels, g.redis.livePublishers);
    for (const [state, count] of Object.entries(g.redis.jobs)) gauges.jobs.set({ connector, state }, count);
  }
}
