import { z } from 'zod';
import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

const headAction = z.object({
  action: z.enum(['skip', 'dead-letter']),
  outboxId: z.number().int().positive(),
  eventId: z.string(),
  reason: z.string().nullable(),
  requestedBy: z.string().nullable(),
  requestedAt: z.string(),
  /**
   * Set by the publisher once it has skipped or dead-lettered the event, before it sends the rest
   * of the job: if the rest halts again, later probes still leave the event out but do not
   * dead-letter it again.
   */
  done: z.boolean().default(false),
});

/**
 * What an operator asked done with the event a halted partition stopped at: acknowledge it without
 * sending (`skip`) or send it to the dead-letter topic with error class MANUAL (`dead-letter`).
 * It names the event's outbox id, so it applies to that event wherever it sits in its job, and to
 * no other.
 */
export type HeadAction = z.infer<typeof headAction>;

/**
 * Operators' head actions, kept in a Redis hash (PipelineNames.headActions), one field per event
 * (`<partition>/<outbox id>`), until the publisher has acknowledged its job: a second request for
 * the same partition (the next poison event of the job) must not replace the first, which later
 * probes still have to honour.
 */
export class HeadActionStore {
  readonly #redis: RedisClient;
  readonly #key: string;

  constructor(redis: RedisClient, names: Pick<PipelineNames, 'headActions'>) {
    this.#redis = redis;
    this.#key = names.headActions;
  }

  /** Records the action (or marks it done), replacing any earlier one for the same event. */
  async request(partition: number, action: HeadAction): Promise<void> {
    await this.#redis.hset(this.#key, field(partition, action.outboxId), JSON.stringify(action));
  }

  /**
   * The partition's pending actions. An entry that is not a valid action (hand-edited, from another
   * version) is deleted and reported through `onInvalid`: a malformed entry must never halt the
   * partition.
   */
  async read(partition: number, onInvalid: (text: string) => void): Promise<HeadAction[]> {
    const actions: HeadAction[] = [];
    for (const [name, text] of Object.entries(await this.#redis.hgetall(this.#key))) {
      if (!name.startsWith(`${partition}/`)) continue;
      const parsed = headAction.safeParse(parseJson(text));
      if (parsed.success && field(partition, parsed.data.outboxId) === name) {
        actions.push(parsed.data);
        continue;
      }
      onInvalid(text);
      await this.#redis.hdel(this.#key, name);
    }
    return actions;
  }

  /** Clears the actions of these events of the partition. */
  async clear(partition: number, outboxIds: readonly number[]): Promise<void> {
    if (outboxIds.length > 0) await this.#redis.hdel(this.#key, ...outboxIds.map((id) => field(partition, id)));
  }

  /** Clears every action of these partitions (a rewind sends their events again: no old action applies). */
  async clearPartitions(partitions: readonly number[]): Promise<void> {
    const names = Object.keys(await this.#redis.hgetall(this.#key)).filter((name) =>
      partitions.some((p) => name.startsWith(`${p}/`)),
    );
    if (names.length > 0) await this.#redis.hdel(this.#key, ...names);
  }
}

function field(partition: number, outboxId: number): string {
  return `${partition}/${outboxId}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
