import { type AppProcess, spawnApp } from '@outbox/testkit';

interface Member {
  role: 'capture' | 'publisher' | 'writer';
  name: string;
  app: AppProcess;
}

/**
 * The processes of one chaos run: a capture worker, publishers in named slots and writer (load)
 * processes. Kills go through here, so any other exit is known to be a crash and fails the run at
 * once instead of at a drain deadline.
 */
export class Fleet {
  readonly #env: Record<string, string>;
  readonly #members: Member[] = [];
  readonly #killed = new Set<AppProcess>();
  #capture: AppProcess | undefined;
  readonly #publishers = new Map<string, AppProcess>();

  constructor(env: Record<string, string>) {
    this.#env = env;
  }

  startCapture(): void {
    this.#capture = this.#spawn('capture', 'capture', 'capture-worker', this.#env);
  }

  startPublisher(name: string): void {
    this.#publishers.set(name, this.#spawn('publisher', name, 'publisher-worker', { ...this.#env, OUTBOX_PUBLISHER_NAME: name }));
  }

  /** `outbox load …` writing into the database; it appends each committed id to `idsFile`. */
  startWriter(load: { events: number; aggregates: number; rate: number; idsFile: string }): AppProcess {
    const args = ['load', '--events', `${load.events}`, '--aggregates', `${load.aggregates}`, '--rate', `${load.rate}`];
    return this.#spawn('writer', `writer-${this.#members.length}`, 'cli', this.#env, [...args, '--ids-file', load.idsFile]);
  }

  get publisherNames(): string[] {
    return [...this.#publishers.keys()];
  }

  /** SIGKILLs the capture worker and starts a new one, as a supervisor would. */
  async killCapture(): Promise<void> {
    await this.stopCapture();
    this.startCapture();
  }

  /** SIGKILLs the capture worker and starts none: for faults that change the database meanwhile. */
  async stopCapture(): Promise<void> {
    if (this.#capture) await this.kill(this.#capture);
  }

  /** Freezes (SIGSTOP) or resumes (SIGCONT) the publisher in this slot. */
  signalPublisher(name: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.#publishers.get(name)?.child.kill(signal);
  }

  /** Freezes (SIGSTOP) or resumes (SIGCONT) the capture worker. */
  signalCapture(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.#capture?.child.kill(signal);
  }

  /** SIGKILLs the publisher in this slot and starts a new one under the same name. */
  async killPublisher(name: string): Promise<void> {
    const publisher = this.#publishers.get(name);
    if (publisher) await this.kill(publisher);
    this.startPublisher(name);
  }

  async kill(app: AppProcess): Promise<void> {
    this.#killed.add(app);
    await app.stop('SIGKILL');
  }

  /** Describes the first process that ended on its own, other than a writer that finished with 0. */
  crashed(): string | undefined {
    for (const { role, name, app } of this.#members) {
      const code = app.child.exitCode ?? app.child.signalCode;
      if (code === null || this.#killed.has(app) || (role === 'writer' && code === 0)) continue;
      return `${name} exited with ${code}:\n${tail(app.output())}`;
    }
    return undefined;
  }

  /** The last lines of every process, for a failure message. */
  tails(lines = 12): string {
    return this.#members.map(({ name, app }) => `--- ${name}\n${tail(app.output(), lines)}`).join('\n');
  }

  /** Every process's output, for scenarios that look for a log line. */
  output(role: Member['role']): string {
    return this.#members
      .filter((m) => m.role === role)
      .map((m) => m.app.output())
      .join('\n');
  }

  /** The output of every process that ran under this name (a publisher slot: each one started in it). */
  outputOf(name: string): string {
    return this.#members
      .filter((m) => m.name === name)
      .map((m) => m.app.output())
      .join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#members.map(({ app }) => this.kill(app)));
  }

  #spawn(role: Member['role'], name: string, app: string, env: Record<string, string>, args: string[] = []): AppProcess {
    const process = spawnApp(app, env, args);
    this.#members.push({ role, name, app: process });
    return process;
  }
}

function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
