/**
 * The heap settings the workers run with, measured with `pnpm bench --only memory` (see
 * bench/README.md): V8 sizes a process's heap for throughput, and under a steady stream of
 * short-lived objects (rows, jobs, records) let each worker grow to 410–440 MB during a
 * 1,000,000-event drain while holding a few MB of live data. With these, about 230 MB, at about
 * 85% of the throughput; 4 MB semi-spaces took it to about 200 MB at 74%.
 */
export const workerHeapFlags = ['--max-semi-space-size=16', '--max-old-space-size=192'] as const;

/** Any flag by which a user sizes the heap themselves; theirs win. */
const heapFlag =
  /--(max[-_]semi[-_]space[-_]size|max[-_]old[-_]space[-_]size|max[-_]heap[-_]size|min[-_]semi[-_]space[-_]size)\b/;

/**
 * Starts the process again in place with {@link workerHeapFlags} (process.execve keeps the pid,
 * stdio and environment, so supervisors and signals see one process), unless it already runs with
 * them or the user chose heap settings of their own, on the command line or in NODE_OPTIONS.
 * Called first thing by a worker's entry point (which passes its `process`; the environment is
 * read there, as everywhere, and only handed in here), before it loads anything else. Returns only when
 * nothing was re-executed.
 */
export function useWorkerHeap(
  node: Pick<NodeJS.Process, 'execArgv' | 'argv' | 'env' | 'execPath'> & { execve?: NodeJS.Process['execve'] },
): void {
  const given = [...node.execArgv, node.env.NODE_OPTIONS ?? ''];
  if (given.some((arg) => heapFlag.test(arg)) || typeof node.execve !== 'function') return;
  const args = [node.execPath, ...workerHeapFlags, ...node.execArgv, ...node.argv.slice(1)];
  node.execve(node.execPath, args, node.env);
}
