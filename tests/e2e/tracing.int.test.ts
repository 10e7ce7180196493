import { randomBytes } from 'node:crypto';
import { kafkaClients } from '@outbox/kafka';
import {
  type OtlpReceiver,
  outboxDepth,
  type ReceivedSpan,
  readTopic,
  startOtlpReceiver,
  testEnvironment,
  useApps,
  waitFor,
} from '@outbox/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const start = useApps();
let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(() => receiver.close());

const caller = () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });
const traceparentOf = (ids: { traceId: string; spanId: string }) => `00-${ids.traceId}-${ids.spanId}-01`;

/**
 * Starts the writer and POSTs one user per caller (none: no traceparent header), then starts the
 * capture worker and a publisher: capture reads the rows in one batch, so with one partition a
 * single job carries the events of all the callers' traces.
 */
async function runPipeline(env: Record<string, string>, callers: (string | undefined)[]) {
  const writer = start('writer', env);
  const url = await waitFor(
    'the writer to listen',
    () => /"url":"(http:\/\/[^"]+)"[^\n]*writer listening/.exec(writer.output())?.[1],
  );
  const written: { eventId: string }[] = [];
  for (const [i, traceparent] of callers.entries()) {
    const response = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(traceparent && { traceparent }) },
      body: JSON.stringify({ name: `user ${i}` }),
    });
    expect(response.status).toBe(201);
    written.push((await response.json()) as { eventId: string });
  }
  const workers = ['capture-worker', 'publisher-worker'].map((app) => start(app, env));
  return { apps: [writer, ...workers], written };
}

/** The span and its ancestors in `spans`, from the root down. */
function chainTo(spans: readonly ReceivedSpan[], spanId: string): ReceivedSpan[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const chain: ReceivedSpan[] = [];
  for (let span = byId.get(spanId); span; span = span.parentSpanId ? byId.get(span.parentSpanId) : undefined) chain.unshift(span);
  return chain;
}

describe('traces, end to end on real Kafka and Redis', () => {
  it.each(kafkaClients)(
    "continue the writer's caller through capture, the job and the Kafka send, one trace per event, the message carrying the send's context (producer: %s)",
    async (client) => {
      const { env, config, topic } = testEnvironment({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        KAFKA_CLIENT: client,
        OUTBOX_PARTITIONS: '1',
      });
      // Three callers that trace, and one that does not: the writer starts its trace.
      const callers = [caller(), caller(), caller(), undefined];
      const { apps, written } = await runPipeline(
        env,
        callers.map((ids) => ids && traceparentOf(ids)),
      );
      await waitFor('the outbox to be empty', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });
      const received = new Map((await readTopic(config.kafka.brokers, topic)).map((event) => [event.headers.id, event]));
      // Spans leave in batches; a graceful stop exports what is left.
      for (const app of apps) expect(await app.stop('SIGTERM')).toBe(0);
      expect(receiver.rejected).toEqual([]);

      const traces = new Set<string>();
      for (const [i, { eventId }] of written.entries()) {
        const message = received.get(eventId);
        const [version, traceId = '', sendSpanId = '', flags] = message?.headers.traceparent?.split('-') ?? [];
        expect({ version, flags }).toEqual({ version: '00', flags: '01' });
        if (callers[i]) expect(traceId).toBe(callers[i]?.traceId);
        traces.add(traceId);

        const trace = receiver.spans.filter((span) => span.traceId === traceId);
        const chain = chainTo(trace, sendSpanId);
        expect(chain.map((span) => [span.service, span.kind, span.name])).toEqual([
          ['outbox-writer', 'SERVER', 'POST /users'],
          ['outbox-capture', 'PRODUCER', `capture ${config.connector.name}`],
          ['outbox-publisher', 'CONSUMER', `publish ${config.connector.name}`],
          ['outbox-publisher', 'PRODUCER', `send ${topic}`],
        ]);
        // The writer's span continues its caller; nothing else is in the event's trace.
        expect(chain[0]?.parentSpanId).toBe(callers[i]?.spanId);
        expect(trace).toHaveLength(4);
        expect(trace.map((span) => span.status)).not.toContain('ERROR');
        expect(chain[3]?.attributes).toMatchObject({
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': topic,
          'messaging.kafka.message.key': message?.key,
          'messaging.message.id': eventId,
        });
      }
      expect(traces.size).toBe(written.length);
      // One job carried them all: a publish span in each event's trace, for the same job.
      const jobs = receiver.spans
        .filter((span) => span.kind === 'CONSUMER')
        .map((span) => span.attributes['messaging.message.id']);
      expect(jobs).toHaveLength(written.length);
      expect(new Set(jobs).size).toBe(1);
    },
  );

  it("sends the writer's caller's traceparent as it came, and none without one, when tracing is off", async () => {
    const { env, config, topic } = testEnvironment();
    const traced = traceparentOf(caller());
    const { written } = await runPipeline(env, [traced, undefined]);
    await waitFor('the outbox to be empty', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });
    const received = new Map((await readTopic(config.kafka.brokers, topic)).map((event) => [event.headers.id, event]));
    expect(written.map(({ eventId }) => received.get(eventId)?.headers.traceparent)).toEqual([traced, undefined]);
    expect(receiver.spans).toEqual([]);
  });
});
