import { type Logger, pino } from 'pino';
import { secretScrubber } from './scrub-secrets.ts';

export type { Logger };

export interface LoggerOptions {
  /** @defaultValue 'info' */
  level?: string;
  /** `auto` is pretty on a terminal and JSON elsewhere. @defaultValue 'auto' */
  format?: 'auto' | 'json' | 'pretty';
  /** Whether stdout is a terminal; apps pass `process.stdout.isTTY`. @defaultValue false */
  isTTY?: boolean;
  /** Base fields on every line, e.g. `{ connector }`. */
  base?: Record<string, unknown>;
  /** Where JSON lines go. @defaultValue stdout */
  destination?: pino.DestinationStream;
  /**
   * Values that must never be written, wherever they sit in a record (the REST token, passwords
   * of configured URLs): replaced by `[redacted]`. @defaultValue none
   */
  secrets?: readonly string[];
}

/** Secrets that may sit in logged objects; pino replaces them before anything is written. */
const redactPaths = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  '*.*.token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'sasl',
  '*.sasl',
];

/** One pino logger per process; components log through `logger.child({ component })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.format === 'pretty' || (options.format !== 'json' && options.isTTY === true);
  const settings: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: options.base ?? {},
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Paths only catch secrets under known keys; the line itself is scrubbed too (see secretScrubber).
    hooks: { streamWrite: secretScrubber(options.secrets ?? []) },
  };
  if (pretty) {
    return pino({
      ...settings,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', sync: true } },
    });
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A URL with its password replaced, for log lines and error messages that name an address. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = 'redacted';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
