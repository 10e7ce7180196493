import type { CommittedPosition } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import type { ConnectorState, OutboxStore } from '@outbox/outbox-store';
import { HaltedStore, type PartitionQueues, type PipelineNames, type RedisClient } from '@outbox/queue';
import { type Serial, TimeoutError, withTimeout } from '@outbox/runtime';
import { type ConnectorStatus, readConnectorStatus, withCommittedPositions } from '../status/pipeline-status.ts';
import { AdminError } from './admin-error.ts';

/** How long a status read waits for Redis before it answers that Redis is down. */
const statusDeadlineMs = 3000;

export interface ConnectorAdminOptions {
  /** The connector's name, as in the REST API's paths. */
  name: string;
  redis: RedisClient;
  names: PipelineNames;
  queues: PartitionQueues;
  /** Where the pause decision is kept, so it outlives Redis' data. */
  store: Pick<OutboxStore, 'connectorState' | 'setConnectorState' | 'stats'>;
  /** Shared with PartitionAdmin: a pause or resume never runs while cursors move. */
  operatorTurn: Serial;
  logger: Logger;
  /**
   * The publishers' delivery mode; with exactly-once, how to read the partitions' committed
   * positions from Kafka. @defaultValue at-least-once
   */
  delivery?: { mode: 'at-least-once' } | { mode: 'exactly-once'; readPositions: () => Promise<Map<number, CommittedPosition>> };
}

/**
 * What an operator can do to a running connector, like Kafka Connect's REST API: read its status,
 * pause and resume it, restart halted partitions. Runs in the capture worker, which owns the
 * outbox (and so the pause decision, kept in SQLite beside it); every action is logged.
 */
export class ConnectorAdmin {
  readonly #options: ConnectorAdminOptions;
  readonly #log: Logger;
  readonly #halted: HaltedStore;

  constructor(options: ConnectorAdminOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'admin' });
    this.#halted = new HaltedStore(options.redis, options.names);
  }

  get name(): string {
    return this.#options.name;
  }

  /** How many partitions (Kafka Connect's tasks) the connector has. */
  get partitions(): number {
    return this.#options.queues.length;
  }

  /**
   * Everything in it comes from Redis, whose commands wait for a lost connection: past a deadline
   * the answer is a 503 saying what is known — Redis is down, the outbox (SQLite) still fills.
   */
  async status(): Promise<ConnectorStatus> {
    const delivery = this.#options.delivery ?? { mode: 'at-least-once' };
    const { redis, names, queues, name } = this.#options;
    try {
      const [status, positions] = await Promise.all([
        withTimeout(() => readConnectorStatus(redis, names, queues, name, this.state(), delivery.mode), statusDeadlineMs),
        delivery.mode === 'exactly-once' ? this.#positions(delivery.readPositions) : undefined,
      ]);
      return positions === undefined ? status : withCommittedPositions(status, positions);
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      throw new AdminError(
        'UNAVAILABLE',
        'REDIS_UNAVAILABLE',
        `Redis does not answer within ${statusDeadlineMs / 1000} s: nothing is published until it is back; ` +
          `${this.#options.store.stats().depth} events wait in the outbox, and the writer keeps committing`,
      );
    }
  }

  /** The committed positions, or null when Kafka does not answer in time (the rest of the status still shows). */
  async #positions(read: () => Promise<Map<number, CommittedPosition>>): Promise<Map<number, CommittedPosition> | null> {
    try {
      return await withTimeout(read, statusDeadlineMs);
    } catch (error) {
      this.#log.debug({ err: error }, 'could not read the committed positions');
      return null;
    }
  }

  state(): ConnectorState {
    return this.#options.store.connectorState();
  }

  /**
   * Publishers stop taking jobs (BullMQ's queue pause); the job each holds finishes first. Capture
   * goes on filling the queues up to their in-flight budget, so resuming starts at full speed.
   */
  pause(): Promise<void> {
    return this.#options.operatorTurn(async () => {
      this.#options.store.setConnectorState('PAUSED');
      await Promise.all(this.#options.queues.map((queue) => queue.pause()));
      this.#log.warn('connector paused by an operator: publishers take no new jobs');
    });
  }

  resume(): Promise<void> {
    return this.#options.operatorTurn(async () => {
      this.#options.store.setConnectorState('RUNNING');
      await Promise.all(this.#options.queues.map((queue) => queue.resume()));
      this.#log.warn('connector resumed by an operator');
    });
  }

  /**
   * Tries halted partitions again now, with a full budget of attempts, instead of waiting for
   * their next probe. Partitions that are not halted are left alone. Returns the ones restarted.
   */
  async restart(partitions?: readonly number[]): Promise<number[]> {
    const halted = await this.#halted.partitions();
    const chosen = halted.filter((p) => partitions === undefined || partitions.includes(p));
    for (const partition of chosen) {
      // The publisher sees the flag gone and gives the head job its full attempts again.
      await this.#halted.clear(partition);
      await this.#options.queues[partition]?.removeRateLimitKey();
    }
    if (chosen.length > 0) this.#log.warn({ partitions: chosen }, 'halted partitions restarted by an operator');
    return chosen;
  }
}
