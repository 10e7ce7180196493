import type { PipelineObserver } from '@outbox/contracts';

export type { PipelineObserver };

/** Calls every observer, and keeps a faulty one from reaching the pipeline. */
export function fanOut(observers: readonly PipelineObserver[], onError: (error: unknown) => void): Required<PipelineObserver> {
  const call =
    <K extends keyof PipelineObserver>(key: K) =>
    (...args: Parameters<Required<PipelineObserver>[K]>): void => {
      for (const observer of observers) {
        try {
          (observer[key] as ((...a: typeof args) => void) | undefined)?.(...args);
        } catch (error) {
          onError(error);
        }
      }
    };
  return {
    enqueued: call('enqueued'),
    acknowledged: call('acknowledged'),
    published: call('published'),
    retried: call('retried'),
    deadLettered: call('deadLettered'),
    halted: call('halted'),
    resumed: call('resumed'),
    errored: call('errored'),
    transactionEnded: call('transactionEnded'),
  };
}
