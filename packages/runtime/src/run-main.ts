import { type Config, configSecrets, loadConfig } from '@outbox/config';
import { ConfigError } from '@outbox/errors';
import { createLogger, type Logger, LogOutput } from '@outbox/logger';
import type { Service } from './lifecycle.ts';
import { environmentProblem, exitCodes } from './start-failure.ts';

/** How long an exit waits for log lines still being written; a stuck reader never holds it longer. */
const logDrainMs = 1000;

export interface MainContext {
  config: Config;
  logger: Logger;
}

interface ProcessOptions {
  /** Names the process in its logs, e.g. `capture-worker`. */
  name: string;
  /** The process environment; only apps read it, and they pass it here. */
  env: Record<string, string | undefined>;
  /** Values set by CLI flags (or found by `outbox infra up`), keyed by config path. */
  overrides?: Record<string, unknown>;
}

export interface RunMainOptions extends ProcessOptions {
  /** Builds and starts the components; what it returns is closed on shutdown. */
  start: (context: MainContext) => Promise<Service>;
  /**
   * How long a graceful shutdown may take before the process exits anyway.
   * @defaultValue 20000
   */
  shutdownTimeoutMs?: number;
}

/**
 * The one way a long-running process of this project starts: config → logger → components →
 * signals. Invalid config prints every problem and exits 2 without a stack trace; surroundings it
 * cannot start in (a missing database or directory, a read-only or full disk) print one line and
 * exit 3. SIGINT or SIGTERM closes gracefully (in-flight work drains) within a deadline; a second
 * signal exits at once. A crash is logged with its context and exits 1 — and never touches the
 * database file. No exit waits on the log's reader for more than a second.
 */
export async function runMain(options: RunMainOptions): Promise<void> {
  const { config, logger, exit } = prepareProcess(options);
  let service: Service | undefined;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(exitCodes.forced);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down; in-flight work drains first (signal again to force)');
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(exitCodes.failed);
    }, options.shutdownTimeoutMs ?? 20_000);
    deadline.unref();
    (service?.close() ?? Promise.resolve()).then(
      () => {
        logger.info('stopped');
        void exit(exitCodes.ok);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown finished with errors');
        void exit(exitCodes.failed);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  try {
    service = await options.start({ config, logger });
  } catch (error) {
    return failedToStart(options.name, logger, error, exit);
  }
  if (stopping) await service.close();
}

/** Like {@link runMain}, for a command that does one thing and exits with the code it returns. */
export async function runTask(options: ProcessOptions & { run: (context: MainContext) => Promise<number> }): Promise<void> {
  const { config, logger, exit } = prepareProcess(options);
  let code: number;
  try {
    code = await options.run({ config, logger });
  } catch (error) {
    return failedToStart(options.name, logger, error, exit);
  }
  await exit(code);
}

/** Exits with `code` once the log lines are out, or after {@link logDrainMs} at most. */
type Exit = (code: number) => Promise<never>;

function prepareProcess(options: ProcessOptions): MainContext & { exit: Exit } {
  let config: Config;
  try {
    config = loadConfig({ env: options.env, overrides: options.overrides });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${options.name}: ${error.message}\n`);
    process.exit(exitCodes.invalidConfig);
  }
  // Never waits on its reader: a closed pipe (`| head`) must not keep a process from exiting.
  const output = new LogOutput();
  process.once('exit', () => output.flushSync());
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    isTTY: process.stdout.isTTY,
    destination: output,
    base: { process: options.name, connector: config.connector.name },
    secrets: configSecrets(config),
  });
  process.on('uncaughtException', (error, origin) => {
    logger.fatal({ err: error, origin }, 'uncaught exception; exiting');
    process.exit(exitCodes.failed);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection; exiting');
    process.exit(exitCodes.failed);
  });
  routeProcessWarnings((warning) => logger.warn({ err: warning }, warning.message));
  const exit: Exit = async (code) => {
    await output.drain(logDrainMs);
    process.exit(code);
  };
  return { config, logger, exit };
}

/** Replaces Node's own warning printer, so that warnings become log lines like everything else. */
export function routeProcessWarnings(report: (warning: Error) => void): void {
  process.removeAllListeners('warning');
  process.on('warning', report);
}

/**
 * A ConfigError (also one found while starting, like a bad identifier) is a message, not a crash;
 * so is a problem with the process's surroundings (a missing database or directory, a read-only or
 * full disk): one line on stderr, the stack at debug level only. Anything else is a crash.
 */
async function failedToStart(name: string, logger: Logger, error: unknown, exit: Exit): Promise<never> {
  if (error instanceof ConfigError) {
    process.stderr.write(`${name}: ${error.message}\n`);
    return exit(exitCodes.invalidConfig);
  }
  const problem = environmentProblem(error);
  if (problem !== undefined) {
    logger.debug({ err: error }, `cannot start: ${problem}`);
    process.stderr.write(`${name}: cannot start: ${problem}\n`);
    return exit(exitCodes.environment);
  }
  logger.fatal({ err: error }, `failed to start: ${(error as Error).message}`);
  return exit(exitCodes.failed);
}
