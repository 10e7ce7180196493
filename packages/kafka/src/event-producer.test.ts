import { createLogger } from '@outbox/logger';
import { KafkaJSConnectionError, KafkaJSProtocolError, type TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { EventProducer } from './event-producer.ts';
import type { CreateProducerClient } from './producer-client.ts';

const logger = createLogger({ level: 'silent', format: 'json' });

/**
 * A client under EventProducer: each producer it creates is numbered, and every request records
 * which producer sent it; `fail` decides whether a request fails, and how.
 */
function fakeKafka(fail: (request: number) => Error | undefined) {
  const requests: { producer: number; values: string[] }[] = [];
  let producers = 0;
  const kafka: CreateProducerClient = () => {
    const id = ++producers;
    return {
      connect: async () => undefined,
      close: async () => undefined,
      sendBatch: async (topicMessages: TopicMessages[]) => {
        const values = topicMessages.flatMap((t) => t.messages.map((m) => String(m.value)));
        requests.push({ producer: id, values });
        const error = fail(requests.length);
        if (error) throw error;
      },
    };
  };
  return { kafka, requests, producers: () => producers };
}

const producerOf = (createClient: CreateProducerClient) => new EventProducer({ createClient, logger, maxBatchBytes: 1 << 20 });
const messages = (...values: string[]) => values.map((value) => ({ value }));

describe('EventProducer', () => {
  it('sends the next request with a new producer after a failed one, whose sequence numbers kafkajs rolled back', async () => {
    const fake = fakeKafka((n) => (n === 1 ? new KafkaJSConnectionError('Connection error: ECONNRESET') : undefined));
    const producer = producerOf(fake.kafka);
    await expect(producer.send('t', messages('a'))).rejects.toThrow('ECONNRESET');
    await producer.send('t', messages('b'));
    expect(fake.requests).toEqual([
      { producer: 1, values: ['a'] },
      { producer: 2, values: ['b'] },
    ]);
  });

  it('fails every send of a combined request at once for an outage, but finds the poison one send by send', async () => {
    const refused = () =>
      new KafkaJSProtocolError({ type: 'NOT_ENOUGH_REPLICAS', message: 'x', retriable: true } as unknown as Error);
    const outage = fakeKafka((n) => (n <= 2 ? refused() : undefined));
    const producer = producerOf(outage.kafka);
    // The first send goes alone; the two sent meanwhile are combined into the second request.
    const sends = [producer.send('t', messages('a')), producer.send('t', messages('b')), producer.send('u', messages('c'))];
    const results = await Promise.allSettled(sends);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(outage.requests.map((r) => r.values)).toEqual([['a'], ['b', 'c']]);

    const tooLarge = () =>
      new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', message: 'x', retriable: false } as unknown as Error);
    const poison = fakeKafka((n) => (n <= 3 ? tooLarge() : undefined));
    const another = producerOf(poison.kafka);
    const [first, ...combined] = [
      another.send('t', messages('a')),
      another.send('t', messages('b')),
      another.send('u', messages('c')),
    ];
    await expect(first).rejects.toThrow();
    const outcome = await Promise.allSettled(combined);
    // Request 2 combined b and c; it failed, so each was tried alone: b (request 3) was the poison one.
    expect(poison.requests.map((r) => r.values)).toEqual([['a'], ['b', 'c'], ['b'], ['c']]);
    expect(outcome.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
  });
});
