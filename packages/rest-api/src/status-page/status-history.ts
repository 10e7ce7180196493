import type { ConnectorStatus } from '@outbox/pipeline';

/** One point of the status page's charts: the connector's counters at one moment. */
export interface StatusSample {
  /** Milliseconds since the epoch, on the capture worker's clock. */
  at: number;
  /** Events all publishers got Kafka's ack for (a running total; rates are its differences). */
  published: number;
  /** Rows in the outbox, or null before the capture worker first reported. */
  pending: number | null;
  /** Rows enqueued and not yet acknowledged. */
  inFlight: number | null;
  /** Age of the oldest row in the outbox: how far publishing lags behind commits (0 when empty). */
  lagSeconds: number | null;
  /** BullMQ jobs waiting and active, over all partitions. */
  waiting: number;
  active: number;
}

/** The sample a status stands for, taken at `now`. */
export function sampleOf(status: ConnectorStatus, now = Date.now()): StatusSample {
  const outbox = status.outbox;
  const oldest = outbox?.oldestOccurredAt ? Date.parse(outbox.oldestOccurredAt) : Number.NaN;
  return {
    at: now,
    published: status.published,
    pending: outbox ? outbox.pending : null,
    inFlight: outbox ? outbox.inFlight : null,
    lagSeconds: outbox ? (Number.isFinite(oldest) && outbox.pending > 0 ? Math.max(0, (now - oldest) / 1000) : 0) : null,
    waiting: status.tasks.reduce((sum, t) => sum + t.waiting, 0),
    active: status.tasks.reduce((sum, t) => sum + t.active, 0),
  };
}

/**
 * The last `capacity` samples, oldest first. Kept in the server rather than in the page so that a
 * page opened during an incident shows the minutes before it, not an empty chart.
 */
export class StatusHistory {
  readonly #capacity: number;
  readonly #samples: StatusSample[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  push(sample: StatusSample): void {
    this.#samples.push(sample);
    // At most one over capacity, so shifting one is enough; 600 entries make a real ring pointless.
    if (this.#samples.length > this.#capacity) this.#samples.shift();
  }

  /** Samples taken after `at` (all of them without it), oldest first. */
  since(at?: number): StatusSample[] {
    if (at === undefined) return [...this.#samples];
    const first = this.#samples.findIndex((s) => s.at > at);
    return first === -1 ? [] : this.#samples.slice(first);
  }
}

/**
 * Samples every `intervalMs` (read again before each wait) until stopped. A sample that fails (Redis unreachable) is skipped, so
 * the chart shows a gap rather than a made-up value; samples never overlap, however slow Redis is.
 */
export function startSampling(
  read: () => Promise<StatusSample>,
  history: StatusHistory,
  intervalMs: number | (() => number),
): () => void {
  const nextIn = typeof intervalMs === 'number' ? () => intervalMs : intervalMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const sample = await read();
      if (!stopped) history.push(sample);
    } catch {
      // A gap in the chart says it; the status route reports the error itself.
    }
    if (!stopped) schedule();
  };
  const schedule = () => {
    timer = setTimeout(tick, nextIn());
    // Sampling alone must never keep a worker alive that is shutting down.
    timer.unref();
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
