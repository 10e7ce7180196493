import { classifyKafkaError, fromDeadLetter, type PartitionOffsets, type TopicRecord } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import type { DeadLetterStore } from '@outbox/outbox-store';
import { type Serial, serial } from '@outbox/runtime';
import type { Message } from 'kafkajs';
import { AdminError } from './admin-error.ts';
import { type DeadLetter, parseDeadLetter } from './parse-dead-letter.ts';

export interface DeadLetterAdminOptions {
  /**
   * The connector's dead-letter topics: one, or one per aggregate type when its table has an
   * aggregate-type column (asked at every read, since a new type brings a new topic).
   */
  dlqTopics: () => Promise<string[]>;
  /** Every record of a topic up to its end offsets as they are when called (readTopicsToEnd). */
  readTopic: (topic: string) => Promise<TopicRecord[]>;
  /**
   * A topic's start and end offsets per partition (topicOffsets): asked before every read, which
   * is skipped while they are what they were at the last one.
   */
  topicOffsets: (topic: string) => Promise<PartitionOffsets[]>;
  /** Sends one record and resolves once Kafka has accepted it. */
  send: (topic: string, message: Message) => Promise<void>;
  store: DeadLetterStore;
  logger: Logger;
  /** @defaultValue the clock */
  now?: () => Date;
}

/** Which dead letters to replay: named ones, or every one not replayed yet. */
export type ReplayRequest = { ids: string[] } | { all: true };

export interface ReplayOutcome {
  eventId: string;
  outboxId: number;
  topic: string;
  /**
   * FAILED: Kafka did not take it, nothing was recorded, it can be tried again. REPLAYED_UNRECORDED:
   * Kafka has it but recording that failed, so "all" would send it again (same `id` header).
   */
  outcome: 'REPLAYED' | 'REPLAYED_UNRECORDED' | 'ALREADY_REPLAYED' | 'FAILED';
  /** Why the replay failed, or why it could not be recorded. */
  error?: string;
}

export interface ReplayResult {
  replayed: number;
  failed: number;
  results: ReplayOutcome[];
}

/**
 * Lists the connector's dead letters and replays them to their original topics, like Kafka
 * Connect's errant-record tooling: same key, value and headers, the error headers left out and a
 * header saying it is a replay (dead letters are outside the ordering guarantee). Replays are
 * recorded in SQLite, so "all" never sends one twice; one Kafka rejects again is reported and
 * left as it was. Runs in the capture worker, which owns the database.
 */
export class DeadLetterAdmin {
  readonly #options: DeadLetterAdminOptions;
  readonly #log: Logger;
  /** Replays run one at a time, so two "all" requests cannot both send the same dead letter. */
  readonly #oneReplayAtATime: Serial = serial();
  /**
   * The topic's dead letters as last read, and the offsets asked for just before that read. A
   * read joins a consumer group, which takes seconds, and the status page lists every 15 s per
   * open tab. Records never change and retention moves the start offset (the topic is not
   * compacted), so equal offsets mean the same records. A promise, so lists that arrive together
   * share one read.
   */
  #lastRead: { offsets: string; letters: Promise<TopicLetter[]> } | undefined;

  constructor(options: DeadLetterAdminOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'dead-letters' });
  }

  /** Dead letters in the order they failed; with `limit`, only the most recent ones. */
  async list(options: { limit?: number } = {}): Promise<{ total: number; deadLetters: DeadLetter[] }> {
    const all = (await this.#read()).map(({ letter }) => letter);
    const shown = options.limit === undefined ? all : all.slice(Math.max(0, all.length - options.limit));
    return { total: all.length, deadLetters: shown };
  }

  replay(request: ReplayRequest, requestedBy: string | null): Promise<ReplayResult> {
    return this.#oneReplayAtATime(() => this.#replay(request, requestedBy));
  }

  async #replay(request: ReplayRequest, requestedBy: string | null): Promise<ReplayResult> {
    const letters = await this.#read();
    let chosen = letters;
    if ('ids' in request) {
      const byId = new Map(letters.map((l) => [l.letter.eventId, l]));
      const unknown = request.ids.filter((id) => !byId.has(id));
      if (unknown.length > 0) {
        throw new AdminError('NOT_FOUND', 'DEAD_LETTER_NOT_FOUND', `no dead letter with event id ${unknown.join(', ')}`);
      }
      chosen = [...new Set(request.ids)].flatMap((id) => byId.get(id) ?? []);
    }
    const results: ReplayOutcome[] = [];
    for (const { letter, record } of chosen) {
      const base = { eventId: letter.eventId, outboxId: letter.outboxId, topic: letter.originalTopic };
      if (letter.replayed) {
        // "all" skips these silently; a named one says why it was not sent again.
        if ('ids' in request) results.push({ ...base, outcome: 'ALREADY_REPLAYED' });
        continue;
      }
      results.push(await this.#replayOne(letter, record, requestedBy));
    }
    const count = (outcome: ReplayOutcome['outcome']) => results.filter((r) => r.outcome === outcome).length;
    return { replayed: count('REPLAYED') + count('REPLAYED_UNRECORDED'), failed: count('FAILED'), results };
  }

  async #replayOne(letter: DeadLetter, record: TopicRecord, requestedBy: string | null): Promise<ReplayOutcome> {
    const base = { eventId: letter.eventId, outboxId: letter.outboxId, topic: letter.originalTopic };
    let value: string = record.value;
    if (letter.valueDropped) {
      const kept = this.#options.store.keptPayload(letter.outboxId);
      if (!kept || kept.eventId !== letter.eventId) {
        return { ...base, outcome: 'FAILED', error: 'its value was dropped and its payload is not in the dead-letter table' };
      }
      value = kept.payload;
    }
    const replayedAt = (this.#options.now ?? (() => new Date()))();
    try {
      await this.#options.send(
        letter.originalTopic,
        fromDeadLetter({ key: record.key, value, headers: record.headers }, replayedAt),
      );
    } catch (error) {
      const error_ = `${classifyKafkaError(error).type}: ${(error as Error).message}`;
      this.#log.warn(
        { eventId: letter.eventId, topic: letter.originalTopic, err: error },
        `replay of a dead letter failed: ${error_}`,
      );
      return { ...base, outcome: 'FAILED', error: error_ };
    }
    // Recorded once Kafka has it: a crash in between replays it again, with the same id header. A
    // failure to record is this letter's outcome, not the batch's: the others' outcomes still count.
    try {
      this.#options.store.recordReplay({ ...base, replayedAt: replayedAt.toISOString(), replayedBy: requestedBy });
    } catch (error) {
      const why = `replayed, but recording it failed: ${(error as Error).message}`;
      this.#log.error({ eventId: letter.eventId, topic: letter.originalTopic, err: error }, why);
      return { ...base, outcome: 'REPLAYED_UNRECORDED', error: why };
    }
    this.#log.warn(
      { eventId: letter.eventId, outboxId: letter.outboxId, topic: letter.originalTopic, requestedBy },
      'dead letter replayed to its original topic by an operator',
    );
    return { ...base, outcome: 'REPLAYED' };
  }

  /**
   * The dead letters with their replays. Replays are joined on every call, not kept with the
   * read: they are in SQLite, not in the topic, so a replay changes them and the offsets do not.
   */
  async #read(): Promise<{ letter: DeadLetter; record: TopicRecord }[]> {
    const letters = await this.#topicLetters();
    const replays = this.#options.store.replays();
    return letters.map(({ letter, record }) => {
      const replay = replays.get(letter.eventId);
      return {
        record,
        letter: { ...letter, replayed: replay ? { at: replay.replayedAt, by: replay.replayedBy, topic: replay.topic } : null },
      };
    });
  }

  async #topicLetters(): Promise<TopicLetter[]> {
    // Asked before reading: the read then reaches at least these offsets, so what is kept under
    // them never misses a record they cover (at worst it holds more, and the next call reads again).
    const topics = await this.#options.dlqTopics();
    const perTopic = await Promise.all(
      topics.map(async (topic) =>
        (await this.#options.topicOffsets(topic)).map((p) => `${topic}/${p.partition}:${p.low}-${p.high}`),
      ),
    );
    const offsets = perTopic.flat().sort().join(',');
    let read = this.#lastRead;
    if (read?.offsets !== offsets) {
      const started = { offsets, letters: this.#readTopics(topics) };
      // A failed read is not kept: the next call tries again.
      started.letters.catch(() => {
        if (this.#lastRead === started) this.#lastRead = undefined;
      });
      this.#lastRead = read = started;
    }
    return read.letters;
  }

  /** The dead-letter topics' records, one per event (a duplicate dead letter counts once). */
  async #readTopics(topics: readonly string[]): Promise<TopicLetter[]> {
    const records: TopicRecord[] = [];
    for (const topic of topics) records.push(...(await this.#options.readTopic(topic)));
    const seen = new Set<string>();
    const letters: TopicLetter[] = [];
    for (const record of records) {
      const letter = parseDeadLetter(record);
      if (!letter || seen.has(letter.eventId)) continue;
      seen.add(letter.eventId);
      letters.push({ letter, record });
    }
    return letters.sort(
      (a, b) => a.letter.lastFailure.localeCompare(b.letter.lastFailure) || a.letter.outboxId - b.letter.outboxId,
    );
  }
}

/** A dead letter as the topic has it: whether it was replayed is in SQLite. */
interface TopicLetter {
  letter: Omit<DeadLetter, 'replayed'>;
  record: TopicRecord;
}
