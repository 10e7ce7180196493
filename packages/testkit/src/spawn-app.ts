import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '@outbox/infra';

export interface AppProcess {
  /** The app it runs: `capture-worker`, `publisher-worker`… */
  name: string;
  child: ChildProcess;
  /** The environment it was started with. */
  env: Record<string, string>;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Runs one of the apps (`capture-worker`, `publisher-worker`, `writer`, `consumer`, `cli`) as a real process. */
export function spawnApp(app: string, env: Record<string, string>, args: string[] = []): AppProcess {
  const child = spawn(process.execPath, [join(projectRoot, 'apps', app, 'src', 'main.ts'), ...args], {
    // Only the test's own settings: nothing from the developer's shell leaks into an app.
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    name: app,
    child,
    env,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
