import type { EventTracer } from '@outbox/contracts';
import type { Message, TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { CreateProducerClient } from './producer-client.ts';
import { tracedProducerClients } from './traced-producer-client.ts';

/** A tracer that numbers its send steps and records what each continued and how it ended. */
function recordingTracer() {
  const sends: { parent: string | null; topic: string; key: string | null; eventId: string | null; ended?: string }[] = [];
  const unused = () => {
    throw new Error('not a send');
  };
  const tracer: EventTracer = {
    request: unused,
    capture: unused,
    job: unused,
    send: (parent, message) => {
      const record: (typeof sends)[number] = { parent, ...message };
      sends.push(record);
      return {
        traceparent: `00-${'a'.repeat(32)}-${String(sends.length).padStart(16, '0')}-01`,
        end: (error) => {
          record.ended = error === undefined ? 'ok' : (error as Error).message;
        },
      };
    },
  };
  return { tracer, sends };
}

function fakeClient(fail: (request: number) => Error | undefined) {
  const requests: TopicMessages[][] = [];
  const create: CreateProducerClient = () => ({
    connect: async () => undefined,
    close: async () => undefined,
    sendBatch: async (topicMessages) => {
      requests.push(topicMessages);
      const error = fail(requests.length);
      if (error) throw error;
    },
  });
  return { create, requests };
}

const jobSpan = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const message = (key: string, id: string, traceparent?: string): Message => ({
  key,
  value: '{}',
  headers: { id, eventType: 'UserCreated', ...(traceparent && { traceparent }) },
});

describe('tracedProducerClients', () => {
  it("sends each record with its send span's traceparent, continuing the header it had", async () => {
    const { tracer, sends } = recordingTracer();
    const fake = fakeClient(() => undefined);
    const client = tracedProducerClients(fake.create, tracer)();
    const first = message('1', 'e-1', jobSpan);
    await client.sendBatch([
      { topic: 'users', messages: [first, message('2', 'e-2')] },
      { topic: 'orders', messages: [message('3', 'e-3', jobSpan)] },
    ]);

    expect(sends).toEqual([
      { parent: jobSpan, topic: 'users', key: '1', eventId: 'e-1', ended: 'ok' },
      { parent: null, topic: 'users', key: '2', eventId: 'e-2', ended: 'ok' },
      { parent: jobSpan, topic: 'orders', key: '3', eventId: 'e-3', ended: 'ok' },
    ]);
    const sent = fake.requests[0]?.flatMap((t) => t.messages.map((m) => m.headers)) ?? [];
    expect(sent.map((headers) => headers?.traceparent)).toEqual(
      [1, 2, 3].map((n) => `00-${'a'.repeat(32)}-${String(n).padStart(16, '0')}-01`),
    );
    expect(sent[0]).toMatchObject({ id: 'e-1', eventType: 'UserCreated' });
    // The caller's message is untouched: a retry continues the job's span again, not a failed send.
    expect(first.headers?.traceparent).toBe(jobSpan);
  });

  it('ends every send of a failed request as failed, and traces the retry as a new send of the same parent', async () => {
    const { tracer, sends } = recordingTracer();
    const fake = fakeClient((n) => (n === 1 ? new Error('NOT_ENOUGH_REPLICAS') : undefined));
    const client = tracedProducerClients(fake.create, tracer)();
    const batch = [{ topic: 'users', messages: [message('1', 'e-1', jobSpan)] }];
    await expect(client.sendBatch(batch)).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    await client.sendBatch(batch);
    expect(sends.map(({ parent, ended }) => ({ parent, ended }))).toEqual([
      { parent: jobSpan, ended: 'NOT_ENOUGH_REPLICAS' },
      { parent: jobSpan, ended: 'ok' },
    ]);
  });
});
