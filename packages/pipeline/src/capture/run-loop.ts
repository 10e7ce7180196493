import type { Logger } from '@outbox/logger';
import { backoffDelay, sleep } from '@outbox/runtime';
import type { PipelineObserver } from '../pipeline-observer.ts';

export interface RunLoopOptions {
  /** Names the loop in logs and in what observers are told: `capture <name> loop`. */
  name: string;
  /** One round; true when it moved anything. */
  once: () => Promise<boolean>;
  /** After each round that did not fail; a failure here counts as the round's. */
  after: (progressed: boolean) => Promise<void>;
  /** Checked before each round: the loop ends once it says so. */
  stopped: () => boolean;
  log: Logger;
  observer: Required<Pick<PipelineObserver, 'errored'>>;
}

/**
 * Runs rounds until stopped. A failed round is logged, reported to the observer and retried after
 * a backoff that grows with consecutive failures (0.2 s up to 10 s) and resets after a success.
 */
export async function runLoop(options: RunLoopOptions): Promise<void> {
  const { name, log, observer } = options;
  let failures = 0;
  while (!options.stopped()) {
    try {
      const progressed = await options.once();
      failures = 0;
      await options.after(progressed);
    } catch (error) {
      failures += 1;
      const delayMs = backoffDelay(failures, { initialMs: 200, maxMs: 10_000 });
      log.error({ err: error, loop: name, attempt: failures, delayMs }, `capture ${name} loop failed; retrying`);
      observer.errored({ component: `capture ${name} loop`, errorType: errorType(error), message: (error as Error).message });
      await sleep(delayMs);
    }
  }
}

/** An error's code when it has a string one (OutboxError, SQLite, Redis), else its name. */
export function errorType(error: unknown): string {
  const { code, name } = error as { code?: unknown; name?: string };
  return typeof code === 'string' ? code : (name ?? 'Error');
}
