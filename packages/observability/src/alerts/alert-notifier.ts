import type { PipelineObserver } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import type { Alert, AlertName, AlertSeverity, AlertSink } from './alert.ts';
import { type AlertClock, systemClock } from './alert-clock.ts';
import { RepeatCounter } from './repeat-counter.ts';

export interface AlertNotifierOptions {
  /** The connector's name, on every alert. */
  connector: string;
  logger: Logger;
  /** Where alerts go after they are logged; without one they are only logged. */
  sink?: AlertSink;
  /** Failures of one error kind within the window that raise `ERROR_REPEATED`. @defaultValue 5 */
  errorThreshold?: number;
  /**
   * The window of that count; also how long an `ERROR_REPEATED` of the same kind is held back,
   * and how long dead letters after the first are gathered into one alert. @defaultValue 60000
   */
  windowMs?: number;
  /** Dead letters described one by one in a `DEAD_LETTERS` alert; the rest are only counted. @defaultValue 5 */
  sampleSize?: number;
  /** @defaultValue the system clock, with timers that never keep the process alive */
  clock?: AlertClock;
}

type DeadLetter = Parameters<Required<PipelineObserver>['deadLettered']>[0];

interface Sample {
  eventId: string;
  outboxId: number;
  aggregateId: string;
  errorType: string;
  message: string;
}

/** Dead letters seen since the last `DEAD_LETTERS` alert, waiting for the window to end. */
interface Digest {
  count: number;
  samples: Sample[];
  byErrorType: Record<string, number>;
  dlqTopics: Set<string>;
}

/**
 * Turns what the pipeline reports into few, useful alerts: an error kind that keeps coming back,
 * a halted partition (and its recovery), dead letters. Each alert is logged and handed to the
 * sink. Repeats are held back or gathered per window, so a failure that lasts — or a thousand
 * poison events — raises a handful of alerts rather than one per occurrence. Alerts are per
 * process: two publishers that see the same halt both report it.
 */
export class AlertNotifier implements PipelineObserver {
  readonly #connector: string;
  readonly #log: Logger;
  readonly #sink: AlertSink | undefined;
  readonly #windowMs: number;
  readonly #sampleSize: number;
  readonly #clock: AlertClock;
  readonly #errors: RepeatCounter;
  /** Halted partitions an alert was raised for, so a recovery is only reported after a halt. */
  readonly #halted = new Set<number>();
  /** Set while a dead-letter window is open: the first letter went out, the rest are gathered. */
  #digest: Digest | undefined;
  #cancelDigest: (() => void) | undefined;
  #closed: Promise<void> | undefined;

  constructor(options: AlertNotifierOptions) {
    this.#connector = options.connector;
    this.#log = options.logger.child({ component: 'alerts' });
    this.#sink = options.sink;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#sampleSize = options.sampleSize ?? 5;
    this.#clock = options.clock ?? systemClock;
    this.#errors = new RepeatCounter(options.errorThreshold ?? 5, this.#windowMs);
  }

  // Arrow functions, so the methods work however the pipeline calls them (fanOut, destructuring).

  readonly retried = (failure: { partition: number; errorType: string; message: string }): void => {
    this.#countError(failure.errorType, failure.message, { partition: failure.partition });
  };

  readonly errored = (failure: { component: string; errorType: string; message: string }): void => {
    this.#countError(failure.errorType, failure.message, { component: failure.component });
  };

  readonly halted = (partition: number, reason: string): void => {
    if (this.#halted.has(partition)) return;
    this.#halted.add(partition);
    this.#raise('PARTITION_HALTED', 'critical', `partition ${partition} halted: ${reason}`, { partition, reason });
  };

  readonly resumed = (partition: number): void => {
    if (!this.#halted.delete(partition)) return;
    this.#raise('PARTITION_RESUMED', 'info', `partition ${partition} resumed: it delivers events again`, {
      partition,
    });
  };

  readonly deadLettered = (letter: DeadLetter): void => {
    if (this.#digest) {
      this.#gather(this.#digest, letter);
      return;
    }
    // The first of a burst goes out at once: someone should look now, not in a window's time.
    const first = this.#emptyDigest();
    this.#gather(first, letter);
    this.#raiseDeadLetters(first);
    this.#openDigest();
  };

  /** Sends what was gathered, then closes the sink (which flushes what it can); idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#cancelDigest?.();
    this.#cancelDigest = undefined;
    const digest = this.#digest;
    this.#digest = undefined;
    if (digest && digest.count > 0) this.#raiseDeadLetters(digest);
    await this.#sink?.close();
  }

  #countError(errorType: string, message: string, where: { partition: number } | { component: string }): void {
    const count = this.#errors.record(errorType, this.#clock.now());
    if (count === undefined) return;
    const seconds = Math.round(this.#windowMs / 1000);
    this.#raise('ERROR_REPEATED', 'error', `${errorType} failed ${count} times in ${seconds} s, last: ${message}`, {
      errorType,
      count,
      windowMs: this.#windowMs,
      lastMessage: message,
      ...where,
    });
  }

  #emptyDigest(): Digest {
    return { count: 0, samples: [], byErrorType: {}, dlqTopics: new Set() };
  }

  #gather(digest: Digest, letter: DeadLetter): void {
    digest.count += 1;
    digest.byErrorType[letter.errorType] = (digest.byErrorType[letter.errorType] ?? 0) + 1;
    digest.dlqTopics.add(letter.dlqTopic);
    if (digest.samples.length < this.#sampleSize) {
      const { eventId, id: outboxId, aggregateId } = letter.event;
      digest.samples.push({ eventId, outboxId, aggregateId, errorType: letter.errorType, message: letter.message });
    }
  }

  /** Gathers dead letters for one window; when it ends, what was gathered goes out as one alert. */
  #openDigest(): void {
    this.#digest = this.#emptyDigest();
    // Closed: whatever still comes is only in the pipeline's own log lines.
    if (this.#closed) return;
    this.#cancelDigest = this.#clock.schedule(this.#windowMs, () => {
      const digest = this.#digest;
      this.#digest = undefined;
      this.#cancelDigest = undefined;
      if (!digest || digest.count === 0) return;
      this.#raiseDeadLetters(digest);
      // Letters still coming: keep gathering, one alert per window for as long as they do.
      this.#openDigest();
    });
  }

  #raiseDeadLetters(digest: Digest): void {
    const [only] = digest.samples;
    const message =
      digest.count === 1 && only
        ? `event ${only.eventId} (outbox id ${only.outboxId}) dead-lettered: ${only.errorType}: ${only.message}`
        : `${digest.count} events dead-lettered (${Object.entries(digest.byErrorType)
            .map(([type, n]) => `${type} ×${n}`)
            .join(', ')})`;
    this.#raise('DEAD_LETTERS', 'error', message, {
      count: digest.count,
      byErrorType: digest.byErrorType,
      dlqTopics: [...digest.dlqTopics],
      samples: digest.samples,
    });
  }

  #raise(alert: AlertName, severity: AlertSeverity, message: string, details: Record<string, unknown>): void {
    const body: Alert = {
      alert,
      severity,
      connector: this.#connector,
      message,
      details,
      at: new Date(this.#clock.now()).toISOString(),
    };
    const fields = { alert, severity, connector: this.#connector, details };
    if (severity === 'info') this.#log.info(fields, `alert: ${message}`);
    else this.#log.error(fields, `alert: ${message}`);
    this.#sink?.notify(body);
  }
}
