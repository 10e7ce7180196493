export interface OutboxErrorOptions {
  /** A stable, machine-readable code such as `CONFIG_INVALID` or `KAFKA_UNAVAILABLE`. */
  code: string;
  /**
   * Whether trying the same thing again later may succeed. The retry policy reads this flag and
   * nothing else, so programmer errors (the default) are never retried.
   * @defaultValue false
   */
  retriable?: boolean;
  cause?: unknown;
}

/**
 * The base of every error the project throws on purpose: a `code` to match on, whether a retry may
 * help (`retriable`), and the `cause`. An error that is not an OutboxError is a bug or comes from a
 * library: a send to Kafka classifies the library's (classifyKafkaError), and a bug is never
 * retried.
 */
export class OutboxError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(message: string, options: OutboxErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable ?? false;
  }
}

/** Invalid configuration: every problem at once, each naming its key and what was expected. */
export class ConfigError extends OutboxError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      code: 'CONFIG_INVALID',
    });
    this.problems = problems;
  }
}

/**
 * The process cannot start because of its surroundings, not a bug: a missing database or
 * directory, a read-only or full disk. Reported as one line saying what to fix (exit 3), never
 * retried.
 */
export class EnvironmentError extends OutboxError {}
