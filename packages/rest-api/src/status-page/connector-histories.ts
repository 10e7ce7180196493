import type { ConnectorDirectory } from '../connector-directory.ts';
import { StatusHistory, sampleOf, startSampling } from './status-history.ts';

/** A page that asked for a connector's history within this long is still watching it. */
const watchedForMs = 60_000;

interface Sampled {
  history: StatusHistory;
  watchedAt: number;
  stop: () => void;
}

/**
 * The charts' history of every connector a worker runs: each sampled from when it is first seen
 * (at start, every few intervals after, or when a page asks for it) until it is gone. A connector a
 * page watches is sampled every interval, the others five times slower: a status read touches every
 * partition's queue, and a second-by-second history nobody looks at cost an idle capture worker 0.3%
 * of a core (measured).
 */
export class ConnectorHistories {
  readonly #directory: ConnectorDirectory;
  readonly #intervalMs: number;
  readonly #capacity: number;
  readonly #sampled = new Map<string, Sampled>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(directory: ConnectorDirectory, options: { intervalMs: number; historyMs: number }) {
    this.#directory = directory;
    this.#intervalMs = options.intervalMs;
    this.#capacity = Math.ceil(options.historyMs / options.intervalMs);
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Starts sampling now, and looks for connectors created or deleted every few intervals. */
  start(): void {
    this.sync();
    this.#timer = setInterval(() => this.sync(), this.#intervalMs * 5);
    // Sampling alone must never keep a worker alive that is shutting down.
    this.#timer.unref();
  }

  /** Samples connectors that appeared and forgets those that went. */
  sync(): void {
    if (this.#closed) return;
    const names = new Set(this.#directory.names());
    for (const [name, sampled] of this.#sampled) {
      if (names.has(name)) continue;
      sampled.stop();
      this.#sampled.delete(name);
    }
    for (const name of names) {
      if (this.#sampled.has(name)) continue;
      const sampled: Sampled = { history: new StatusHistory(this.#capacity), watchedAt: 0, stop: () => undefined };
      // Looked up at every sample: a connector restarted with a new config keeps its history.
      const read = async () => {
        const handle = this.#directory.get(name);
        if (!handle) throw new Error(`connector ${name} is not running`);
        return sampleOf(await handle.admin.status());
      };
      const next = () => (Date.now() - sampled.watchedAt < watchedForMs ? this.#intervalMs : this.#intervalMs * 5);
      sampled.stop = startSampling(read, sampled.history, next);
      this.#sampled.set(name, sampled);
    }
  }

  /** The connector's history, which a page now watches; undefined for a connector not running. */
  watch(name: string): StatusHistory | undefined {
    if (!this.#sampled.has(name)) this.sync();
    const sampled = this.#sampled.get(name);
    if (sampled) sampled.watchedAt = Date.now();
    return sampled?.history;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const sampled of this.#sampled.values()) sampled.stop();
    this.#sampled.clear();
  }
}
