import type { Logger } from '@outbox/logger';
import { onceAsync, serial, sleep } from '@outbox/runtime';
import type { ConnectorDefinition, ConnectorRegistry } from './connector-registry.ts';

/** One connector's part of a worker process: what it started for the connector, closed as one. */
export interface ConnectorRuntime {
  close(why: 'removed' | 'changed' | 'shutdown'): Promise<void>;
}

export interface FleetEntry<R extends ConnectorRuntime> {
  definition: ConnectorDefinition;
  /** Absent while the connector failed to start; `error` says why, and it is tried again. */
  runtime?: R;
  error?: string;
}

/** How often the stored connectors are read again: a connector created through the API runs within this. */
const syncIntervalMs = 2000;

/**
 * Runs every connector of the registry in this process, as a Kafka Connect worker runs its
 * connectors: each new one is started, each changed one restarted with its new config, each
 * removed one stopped. The worker's own connector starts first and needs no Kafka; while the
 * stored ones cannot be read (Kafka down), the running ones go on as they are. A connector that
 * fails to start is logged and tried again, and never stops the others.
 */
export class ConnectorFleet<R extends ConnectorRuntime> {
  readonly #registry: ConnectorRegistry;
  readonly #start: (definition: ConnectorDefinition) => Promise<R>;
  readonly #log: Logger;
  readonly #entries = new Map<string, FleetEntry<R>>();
  readonly #turn = serial();
  #closing = false;
  #loop: Promise<void> | undefined;
  readonly #stop = new AbortController();

  constructor(options: { registry: ConnectorRegistry; start: (definition: ConnectorDefinition) => Promise<R>; logger: Logger }) {
    this.#registry = options.registry;
    this.#start = options.start;
    this.#log = options.logger.child({ component: 'fleet' });
  }

  /** The connectors this process runs (or tries to), by name. */
  get entries(): ReadonlyMap<string, FleetEntry<R>> {
    return this.#entries;
  }

  /** Starts the worker's own connector (its failure fails the start, as before), then follows the rest. */
  async start(): Promise<void> {
    const own = this.#registry.own();
    this.#entries.set(own.name, { definition: own, runtime: await this.#start(own) });
    this.#loop = this.#follow();
  }

  /** Reads the registry now and applies what changed; the REST API calls it after a change. */
  sync(): Promise<void> {
    return this.#turn(async () => {
      if (this.#closing) return;
      const wanted = await this.#registry.list();
      // A connector failing to start again the same way is not logged again.
      const failed = new Map([...this.#entries].flatMap(([name, entry]) => (entry.error ? [[name, entry.error]] : [])));
      for (const [name, entry] of this.#entries) {
        if (entry.definition.origin === 'file') continue;
        const next = wanted.get(name);
        if (next && sameSettings(next, entry.definition) && entry.runtime) continue;
        if (entry.runtime) await this.#close(name, entry.runtime, next ? 'changed' : 'removed');
        this.#entries.delete(name);
      }
      for (const [name, definition] of wanted) {
        if (this.#entries.has(name)) continue;
        try {
          this.#entries.set(name, { definition, runtime: await this.#start(definition) });
          this.#log.info({ connector: name }, `connector ${name} started`);
        } catch (error) {
          const reason = (error as Error).message;
          this.#entries.set(name, { definition, error: reason });
          if (failed.get(name) !== reason)
            this.#log.error({ connector: name, err: error }, `connector ${name} could not start; trying again`);
        }
      }
    });
  }

  readonly close = onceAsync(async () => {
    this.#closing = true;
    this.#stop.abort();
    await this.#loop;
    await this.#turn(async () => {
      for (const [name, entry] of [...this.#entries].reverse()) {
        if (entry.runtime) await this.#close(name, entry.runtime, 'shutdown');
      }
      this.#entries.clear();
    });
  });

  async #follow(): Promise<void> {
    let failing = false;
    while (!this.#closing) {
      try {
        await this.sync();
        if (failing) this.#log.info('connector configs readable again');
        failing = false;
      } catch (error) {
        // Kafka down: the connectors running go on as they are.
        if (!failing) {
          const reason = (error as Error).message;
          this.#log.warn({ reason }, `cannot read the stored connector configs (${reason}); the running connectors go on`);
        }
        failing = true;
      }
      await sleep(syncIntervalMs, this.#stop.signal).catch(() => undefined);
    }
  }

  async #close(name: string, runtime: R, why: 'removed' | 'changed' | 'shutdown'): Promise<void> {
    try {
      await runtime.close(why);
      if (why !== 'shutdown') this.#log.info({ connector: name }, `connector ${name} stopped (${why})`);
    } catch (error) {
      this.#log.error({ connector: name, err: error }, `connector ${name} did not stop cleanly`);
    }
  }
}

function sameSettings(a: ConnectorDefinition, b: ConnectorDefinition): boolean {
  return JSON.stringify(a.settings) === JSON.stringify(b.settings);
}
