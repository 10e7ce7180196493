import type { Admin, Kafka, Producer } from 'kafkajs';
import { readTopicsToEnd } from './read-topics.ts';

export interface ConfigTopicOptions {
  topic: string;
  /** -1 takes the broker's default. */
  replicationFactor: number;
}

/**
 * Named JSON documents kept in a compacted Kafka topic, one record per change and a tombstone per
 * removal, as Kafka Connect keeps connector configs in its `config.storage.topic`: they outlive
 * every worker process and Redis, and every process that reaches Kafka reads the same ones.
 */
export class ConfigTopic<T> {
  readonly #kafka: Kafka;
  readonly #options: ConfigTopicOptions;
  #producer: Producer | undefined;
  /** Kept connected: the end offset is asked every few seconds by every process. */
  #admin: Admin | undefined;
  #ready: Promise<void> | undefined;
  /** The end offsets at the last read, and what it found: read again only when they move. */
  #last: { ends: string; documents: Map<string, T> } | undefined;

  constructor(kafka: Kafka, options: ConfigTopicOptions) {
    this.#kafka = kafka;
    this.#options = options;
  }

  /** Every document by name, as the topic has them now. */
  async read(): Promise<Map<string, T>> {
    await this.#ensureTopic();
    const ends = await this.#ends();
    if (this.#last?.ends === ends) return new Map(this.#last.documents);
    const documents = new Map<string, T>();
    for (const record of await readTopicsToEnd(this.#kafka, [this.#options.topic], { groupPrefix: 'outbox-configs' })) {
      // A tombstone reads as an empty value: the document was removed.
      if (record.value === '') documents.delete(record.key);
      else documents.set(record.key, JSON.parse(record.value) as T);
    }
    this.#last = { ends, documents };
    return new Map(documents);
  }

  /** Writes a document; resolves once every in-sync replica has it. */
  async put(name: string, document: T): Promise<void> {
    await this.#send(name, JSON.stringify(document));
  }

  async remove(name: string): Promise<void> {
    await this.#send(name, null);
  }

  async close(): Promise<void> {
    await this.#producer?.disconnect();
    await this.#admin?.disconnect();
  }

  /** The topic's end offsets, as text to compare; a failed ask drops the admin client, so the next one starts afresh. */
  async #ends(): Promise<string> {
    try {
      if (!this.#admin) {
        const admin = this.#kafka.admin();
        await admin.connect();
        this.#admin = admin;
      }
      const offsets = await this.#admin.fetchTopicOffsets(this.#options.topic);
      return offsets.map((o) => `${o.partition}:${o.high}`).join(',');
    } catch (error) {
      const admin = this.#admin;
      this.#admin = undefined;
      await admin?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async #send(key: string, value: string | null): Promise<void> {
    await this.#ensureTopic();
    if (!this.#producer) {
      const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      this.#producer = producer;
    }
    await this.#producer.send({ topic: this.#options.topic, acks: -1, messages: [{ key, value }] });
  }

  /** One partition (a single order of changes), compacted: only each name's last record is kept. */
  #ensureTopic(): Promise<void> {
    this.#ready ??= (async () => {
      const admin = this.#kafka.admin();
      await admin.connect();
      try {
        if ((await admin.listTopics()).includes(this.#options.topic)) return;
        await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: this.#options.topic,
              numPartitions: 1,
              replicationFactor: this.#options.replicationFactor,
              configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
            },
          ],
        });
      } finally {
        await admin.disconnect();
      }
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }
}
