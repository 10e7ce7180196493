import type { EventTracer, TraceStep } from '@outbox/contracts';
import type { IHeaders, Message } from 'kafkajs';
import type { CreateProducerClient } from './producer-client.ts';

function text(value: IHeaders[string] | Message['key']): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return null;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/**
 * Producers whose requests are traced (docs/architecture.md, "Traces"): the send of each message is
 * a span continuing the message's `traceparent` header — the publisher puts its job's span there —
 * and the record goes out with the send span's `traceparent` in its place, so that consumers
 * continue the trace from the send. The caller's messages are left as they are: sent again after a
 * failed request, they continue the same parent.
 */
export function tracedProducerClients(create: CreateProducerClient, tracer: EventTracer): CreateProducerClient {
  return () => {
    const client = create();
    return {
      connect: () => client.connect(),
      close: () => client.close(),
      sendBatch: async (topicMessages) => {
        const steps: TraceStep[] = [];
        const traced = topicMessages.map(({ topic, messages }) => ({
          topic,
          messages: messages.map((message) => {
            const { headers } = message;
            const step = tracer.send(text(headers?.traceparent), { topic, key: text(message.key), eventId: text(headers?.id) });
            steps.push(step);
            return { ...message, headers: { ...headers, traceparent: step.traceparent } };
          }),
        }));
        try {
          await client.sendBatch(traced);
        } catch (error) {
          for (const step of steps) step.end(error);
          throw error;
        }
        for (const step of steps) step.end();
      },
    };
  };
}
