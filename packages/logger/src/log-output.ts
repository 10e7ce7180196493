import { write, writeSync } from 'node:fs';

export interface LogOutputOptions {
  /** @defaultValue 1 (stdout) */
  fd?: number;
  /**
   * Lines held while the reader is slow; beyond it new lines are dropped (and counted) rather
   * than letting memory grow. @defaultValue 8 MiB
   */
  maxPendingBytes?: number;
}

/**
 * Where a process's JSON log lines go: written asynchronously, so the process never waits on its
 * reader. pino's own stdout stream retries a failed write every 100 ms forever when the reader is
 * gone (EPIPE, e.g. `| head`), and does so synchronously at exit, so a worker piped into a closed
 * reader ignored SIGTERM until SIGKILL. Here a failed write (other than EAGAIN) ends the output:
 * every later line is dropped, and nothing ever waits on it.
 */
export class LogOutput {
  readonly #fd: number;
  readonly #maxPendingBytes: number;
  #pending: string[] = [];
  #pendingBytes = 0;
  #writing = false;
  #broken = false;
  #dropped = 0;
  #drained: (() => void)[] = [];

  constructor(options: LogOutputOptions = {}) {
    this.#fd = options.fd ?? 1;
    this.#maxPendingBytes = options.maxPendingBytes ?? 8 * 1024 * 1024;
  }

  /** Lines dropped because the reader was gone or too slow. */
  get dropped(): number {
    return this.#dropped;
  }

  write(line: string): boolean {
    if (this.#broken || this.#pendingBytes + line.length > this.#maxPendingBytes) {
      this.#dropped++;
      return true;
    }
    this.#pending.push(line);
    this.#pendingBytes += line.length;
    if (!this.#writing) this.#next();
    return true;
  }

  /** Resolves once every line is written, the output broke, or `timeoutMs` passed, whichever is first. */
  drain(timeoutMs: number): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.#drained.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * At exit, where nothing asynchronous runs any more: one attempt to write what is pending, unless
   * a write is still under way (the reader is stuck: writing now could block the exit) or broke.
   */
  flushSync(): void {
    if (this.#writing || this.#broken || this.#pending.length === 0) return;
    const text = this.#take();
    try {
      writeSync(this.#fd, text);
    } catch {
      this.#broken = true;
    }
  }

  #idle(): boolean {
    return this.#broken || (!this.#writing && this.#pending.length === 0);
  }

  #take(): string {
    const text = this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    return text;
  }

  #next(): void {
    if (this.#broken || this.#pending.length === 0) {
      this.#writing = false;
      for (const resolve of this.#drained.splice(0)) resolve();
      return;
    }
    this.#writing = true;
    this.#send(Buffer.from(this.#take()));
  }

  #send(buffer: Buffer): void {
    write(this.#fd, buffer, 0, buffer.length, null, (error, written) => {
      if (error && error.code === 'EAGAIN') {
        setTimeout(() => this.#send(buffer), 10).unref();
        return;
      }
      if (error) {
        this.#broken = true;
        this.#dropped += this.#pending.length + 1;
        this.#pending = [];
        this.#pendingBytes = 0;
      } else if (written < buffer.length) {
        this.#send(buffer.subarray(written));
        return;
      }
      this.#next();
    });
  }
}
