import { z } from 'zod';
import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

const haltedState = z.object({
  reason: z.string(),
  publisher: z.string(),
  since: z.string(),
  /**
   * The event the partition stopped at: the poison one, or the first one of the send that failed.
   * Earlier events of its job were delivered. Null when it is not known (an unexpected error).
   */
  outboxId: z.number().int().positive().nullable().default(null),
  /**
   * Kafka refused the event itself (too large, not JSON): no retry will get it through. Otherwise
   * the cause may go away (broker down), and skipping the event would drop a healthy one.
   */
  poison: z.boolean().default(false),
});

/** Why a partition is halted, as the publisher that halted it keeps it in PipelineNames.halted. */
export type HaltedState = z.infer<typeof haltedState>;

/**
 * A halted-state entry as {@link HaltedStore.write} writes it. An entry this version cannot read
 * still means halted, with its event unknown and not known to be poison.
 */
export function parseHaltedState(text: string): HaltedState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = haltedState.safeParse(json);
  return parsed.success ? parsed.data : { reason: text, publisher: 'unknown', since: '', outboxId: null, poison: false };
}

/**
 * The halted flags: a Redis hash, partition → why it is halted. The publisher that halts a
 * partition writes its entry and clears it once a job of the partition is delivered; an operator's
 * restart clears it too, which the publisher reads as "full attempts again".
 */
export class HaltedStore {
  readonly #redis: RedisClient;
  readonly #key: string;

  constructor(redis: RedisClient, names: Pick<PipelineNames, 'halted'>) {
    this.#redis = redis;
    this.#key = names.halted;
  }

  async write(partition: number, state: HaltedState): Promise<void> {
    await this.#redis.hset(this.#key, String(partition), JSON.stringify(state));
  }

  /** The partition's halted state, or null when it is not halted. */
  async read(partition: number): Promise<HaltedState | null> {
    const text = await this.#redis.hget(this.#key, String(partition));
    return text ? parseHaltedState(text) : null;
  }

  async has(partition: number): Promise<boolean> {
    return (await this.#redis.hexists(this.#key, String(partition))) === 1;
  }

  /** Every halted partition with its state. */
  async readAll(): Promise<Map<number, HaltedState>> {
    const entries = Object.entries(await this.#redis.hgetall(this.#key));
    return new Map(entries.map(([partition, text]) => [Number(partition), parseHaltedState(text)]));
  }

  /** The halted partitions. */
  async partitions(): Promise<number[]> {
    return Object.keys(await this.#redis.hgetall(this.#key)).map(Number);
  }

  async count(): Promise<number> {
    return this.#redis.hlen(this.#key);
  }

  async clear(partition: number): Promise<void> {
    await this.#redis.hdel(this.#key, String(partition));
  }
}
