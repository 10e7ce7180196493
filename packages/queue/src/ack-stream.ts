import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.ts';

export interface AckEntry {
  streamId: string;
  partition: number;
  outboxIds: number[];
  /**
   * The event each of `outboxIds` held when it was sent, in the same order, so that a row whose id
   * now holds another event is not deleted. Empty in entries from publishers that did not send it.
   */
  eventIds: string[];
  /** Rows to copy into the dead-letter table before they are deleted. */
  keepIds: number[];
}

/**
 * Acknowledgements travel from publishers to the capture worker through a Redis stream with a
 * consumer group: unlike BullMQ's QueueEvents (a trimmed stream read from "now"), entries written
 * while the capture worker is down wait for it, and one read but not yet applied is read again.
 */
export class AckStream {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #group: string;

  constructor(redis: RedisClient, key: string, group: string) {
    this.#redis = redis;
    this.#key = key;
    this.#group = group;
  }

  /**
   * Called by a publisher once Kafka has accepted the events. `also` adds commands to the same
   * MULTI (the publisher's counters), so they cost no extra round trip.
   */
  async append(
    partition: number,
    events: readonly { id: number; eventId: string }[],
    options: { keepIds?: readonly number[]; also?: (multi: ChainableCommander) => void } = {},
  ): Promise<void> {
    // Event ids are whatever another app wrote, commas included: JSON keeps them apart.
    const fields = [
      'p',
      String(partition),
      'ids',
      events.map((event) => event.id).join(','),
      'events',
      JSON.stringify(events.map((event) => event.eventId)),
    ];
    if (options.keepIds?.length) fields.push('keep', options.keepIds.join(','));
    const multi = this.#redis.multi().xadd(this.#key, '*', ...fields);
    options.also?.(multi);
    await multi.exec();
  }

  async ensureGroup(): Promise<void> {
    try {
      await this.#redis.xgroup('CREATE', this.#key, this.#group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error as Error).message.includes('BUSYGROUP')) throw error;
    }
  }

  /**
   * Entries delivered before but never acknowledged (`pending`), or new ones, waiting up to
   * `blockMs` for them. A group lost with Redis' data is recreated.
   */
  async read(options: { pending: boolean; count: number; blockMs: number }): Promise<AckEntry[]> {
    const from = options.pending ? '0' : '>';
    const args = ['GROUP', this.#group, 'capture', 'COUNT', options.count] as const;
    let reply: unknown;
    try {
      reply = options.pending
        ? await this.#redis.xreadgroup(...args, 'STREAMS', this.#key, from)
        : await this.#redis.xreadgroup(...args, 'BLOCK', options.blockMs, 'STREAMS', this.#key, from);
    } catch (error) {
      if (!(error as Error).message.includes('NOGROUP')) throw error;
      await this.ensureGroup();
      return [];
    }
    return parseEntries(reply);
  }

  /** Removes applied entries, so the stream holds only what is still to be applied. */
  async done(streamIds: readonly string[]): Promise<void> {
    if (streamIds.length === 0) return;
    await this.#redis
      .multi()
      .xack(this.#key, this.#group, ...streamIds)
      .xdel(this.#key, ...streamIds)
      .exec();
  }
}

type StreamReply = [key: string, entries: [id: string, fields: string[] | null][]][];

function parseEntries(reply: unknown): AckEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: AckEntry[] = [];
  for (const [, streamEntries] of reply as StreamReply) {
    for (const [streamId, fields] of streamEntries) {
      const values = new Map<string, string>();
      for (let i = 0; fields && i + 1 < fields.length; i += 2) values.set(fields[i] ?? '', fields[i + 1] ?? '');
      const list = (name: string) => {
        const text = values.get(name) ?? '';
        return text === '' ? [] : text.split(',').map(Number);
      };
      const eventIds = values.get('events');
      entries.push({
        streamId,
        partition: Number(values.get('p')),
        outboxIds: list('ids'),
        eventIds: eventIds ? (JSON.parse(eventIds) as string[]) : [],
        keepIds: list('keep'),
      });
    }
  }
  return entries;
}
