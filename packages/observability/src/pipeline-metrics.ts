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

/**
 * The Prometheus metrics of one process (prom-client, one registry per process), labelled with
 * the connector. Counters and the latency histogram move through {@link observer}; the
 * connector's gauges are read at scrape time through {@link readGauges}.
 */
export class PipelineMetrics {
  readonly registry = new Registry();
  readonly observer: PipelineObserver;
  #readGauges: (() => Promise<ConnectorGauges>) | undefined;
  readonly #gauges: {
    pending: Gauge;
    oldestAge: Gauge;
    captureLag: Gauge;
    inFlight: Gauge;
    halted: Gauge;
    publishers: Gauge;
    paused: Gauge;
    redisUp: Gauge;
    jobs: Gauge<'state'>;
  };

  constructor(connector: string) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ connector });
    // The event-loop lag monitor samples every 10 ms by default: 100 wake-ups a second, most of an
    // idle worker's CPU (measured: 0.6% of a core). Every 100 ms measures the same lag for a tenth.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
    this.#gauges = {
      pending: gauge('outbox_pending_events', 'Rows in the outbox: committed and not yet published and deleted.'),
      oldestAge: gauge('outbox_oldest_pending_age_seconds', 'Age of the oldest row still in the outbox (0 when empty).'),
      captureLag: gauge('outbox_capture_lag_events', 'Rows committed but not yet enqueued by the capture worker.'),
      inFlight: gauge('outbox_in_flight_events', 'Rows enqueued and not yet acknowledged by a publisher.'),
      halted: gauge('outbox_halted_partitions', 'Partitions halted because their attempts ran out.'),
      publishers: gauge('outbox_live_publishers', 'Publisher processes with a recent heartbeat.'),
      paused: gauge('outbox_connector_paused', '1 while the connector is paused.'),
      redisUp: gauge('outbox_redis_up', '1 when Redis answered the last scrape in time; 0 while the pipeline waits for it.'),
      jobs: new Gauge({
        name: 'outbox_queue_jobs',
        help: 'BullMQ jobs by state, over all partitions.',
        labelNames: ['state'],
        registers,
      }),
    };
    const enqueued = new Counter({ name: 'outbox_enqueued_events_total', help: 'Rows enqueued as BullMQ jobs.', registers });
    const acknowledged = new Counter({
      name: 'outbox_acknowledged_events_total',
      help: 'Rows deleted from the outbox after a publisher acknowledged them.',
      registers,
    });
    const published = new Counter({
      name: 'outbox_published_events_total',
      help: 'Events Kafka acknowledged (in their topic or the dead-letter topic).',
      registers,
    });
    const latency = new Histogram({
      name: 'outbox_delivery_latency_seconds',
      help: "From the event's commit (occurredAt) to Kafka's acknowledgement.",
      buckets: latencyBuckets,
      registers,
    });
    const retries = new Counter({
      name: 'outbox_publish_retries_total',
      help: 'Sends to Kafka that failed and were tried again, by error type.',
      labelNames: ['error_type'],
      registers,
    });
    const deadLetters = new Counter({
      name: 'outbox_dead_letters_total',
      help: 'Events sent to the dead-letter topic, by error type.',
      labelNames: ['error_type'],
      registers,
    });
    const halts = new Counter({ name: 'outbox_partition_halts_total', help: 'Times a partition halted.', registers });
    this.observer = {
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
      retried: ({ errorType }) => retries.inc({ error_type: errorType }),
      deadLettered: ({ errorType }) => deadLetters.inc({ error_type: errorType }),
      halted: () => halts.inc(),
    };
  }

  /** Where the connector's gauges come from; only the capture worker, which owns the outbox, sets it. */
  readGaugesFrom(read: () => Promise<ConnectorGauges>): void {
    this.#readGauges = read;
  }

  /** The text Prometheus scrapes, with the connector's gauges read just now. */
  async scrape(): Promise<string> {
    if (this.#readGauges) this.#setGauges(await this.#readGauges());
    return this.registry.metrics();
  }

  #setGauges(g: ConnectorGauges): void {
    const oldestMs = g.oldestOccurredAt ? Date.parse(g.oldestOccurredAt) : Number.NaN;
    this.#gauges.pending.set(g.pending);
    this.#gauges.oldestAge.set(Number.isFinite(oldestMs) ? Math.max(0, Date.now() - oldestMs) / 1000 : 0);
    this.#gauges.captureLag.set(g.notEnqueued);
    this.#gauges.inFlight.set(g.inFlight);
    this.#gauges.paused.set(g.paused ? 1 : 0);
    this.#gauges.redisUp.set(g.redis ? 1 : 0);
    if (!g.redis) return;
    this.#gauges.halted.set(g.redis.haltedPartitions);
    this.#gauges.publishers.set(g.redis.livePublishers);
    for (const [state, count] of Object.entries(g.redis.jobs)) this.#gauges.jobs.set({ state }, count);
  }
}
