/** Runs a task after every task given to it before has settled. */
export type Serial = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * One-at-a-time execution for work that must not interleave (capture rounds and cursor changes,
 * dead-letter replays): each task starts once the previous one has settled, in call order. A task
 * that fails rejects its own promise only; the ones after it still run.
 */
export function serial(): Serial {
  let turn: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = turn.then(task);
    turn = run.catch(() => undefined);
    return run;
  };
}
