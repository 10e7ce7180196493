/** Time for the notifier, injected so tests can move it by hand. */
export interface AlertClock {
  now(): number;
  /** Runs `task` after `ms`; returns a function that cancels it. Must not keep the process alive. */
  schedule(ms: number, task: () => void): () => void;
}

export const systemClock: AlertClock = {
  now: () => Date.now(),
  schedule: (ms, task) => {
    const timer = setTimeout(task, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
