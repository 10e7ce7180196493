import { describe, expect, it } from 'vitest';
import { useWorkerHeap, workerHeapFlags } from './worker-heap.ts';

function fakeProcess(execArgv: string[], nodeOptions?: string) {
  const calls: string[][] = [];
  const proc = {
    execArgv,
    argv: ['/usr/bin/node', '/app/main.ts', '--flag'],
    env: { ...(nodeOptions !== undefined && { NODE_OPTIONS: nodeOptions }) },
    execPath: '/usr/bin/node',
    execve: (_file: string, args?: readonly string[]) => {
      calls.push([...(args ?? [])]);
    },
  };
  return { proc: proc as unknown as Parameters<typeof useWorkerHeap>[0], calls };
}

describe('useWorkerHeap', () => {
  it('starts the process again with the heap flags, keeping its own flags and arguments', () => {
    const { proc, calls } = fakeProcess(['--cpu-prof']);
    useWorkerHeap(proc);
    expect(calls).toEqual([['/usr/bin/node', ...workerHeapFlags, '--cpu-prof', '/app/main.ts', '--flag']]);
  });

  it('does nothing once running with them, nor when the user sized the heap on the command line or in NODE_OPTIONS', () => {
    for (const { proc, calls } of [
      fakeProcess([...workerHeapFlags]),
      fakeProcess(['--max-old-space-size=4096']),
      fakeProcess([], '--max-semi-space-size=64'),
      fakeProcess([], '--max_old_space_size=4096'),
    ]) {
      useWorkerHeap(proc);
      expect(calls).toEqual([]);
    }
  });
});
