import type { OutboxEvent } from '@outbox/contracts';
import { type EventProducer, PartlyAcceptedError, type TopicMessage } from '@outbox/kafka';
import { createLogger } from '@outbox/logger';
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { fanOut } from '../pipeline-observer.ts';
import { GiveBack } from './delivery-errors.ts';
import type { DeliveryJob } from './delivery-job.ts';
import { DeliveryProgress } from './delivery-progress.ts';
import { JobDelivery } from './job-delivery.ts';

const log = createLogger({ level: 'silent', format: 'json' });
const tooLarge = () => Object.assign(new Error('too large'), { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE' });
const brokerDown = () => Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError' });

function event(id: number, payload = `{"n":${id}}`): OutboxEvent {
  return {
    id,
    aggregateType: 'users',
    eventId: `e-${id}`,
    aggregateId: 'a',
    eventType: 'E',
    payload,
    occurredAt: '2026-01-01T00:00:00.000Z',
    traceparent: null,
  };
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i));

/**
 * A broker that refuses any send holding one of `poison`, or every send while `down` is set. With
 * `partly`, it takes the messages before the first refused one, as the producer does when a send
 * spans several requests, and says so; `dropAfter` ids are taken before the connection drops once.
 */
function setup(onPoison: 'halt' | 'dead-letter', poison: number[] = [], partly = false) {
  const sent: { topic: string; ids: number[] }[] = [];
  const seen: string[] = [];
  const broker = { down: false, dropAfter: 0 };
  const send = async (topic: string, messages: Message[]) => {
    const ids = messages.map((m) => Number((m.headers as Record<string, string>).outboxId));
    if (broker.down) throw brokerDown();
    const drop = ids.indexOf(broker.dropAfter);
    const refused = drop >= 0 ? drop + 1 : topic === 'events' ? ids.findIndex((id) => poison.includes(id)) : -1;
    if (refused < 0) return void sent.push({ topic, ids });
    const error = drop >= 0 ? brokerDown() : tooLarge();
    broker.dropAfter = 0;
    if (!partly || refused === 0) throw error;
    sent.push({ topic, ids: ids.slice(0, refused) });
    throw new PartlyAcceptedError(refused, error);
  };
  // A job's events are all of one type here, so each send goes to one topic.
  const sendEach = (records: TopicMessage[]) =>
    send(
      records[0]?.topic ?? '',
      records.map((r) => r.message),
    );
  const producer = { send, sendEach } as unknown as EventProducer;
  const delivery = new JobDelivery({
    producer,
    topicTemplate: 'events',
    dlqTopicTemplate: 'dlq',
    onPoison,
    maxAttempts: 2,
    retryInitialMs: 1,
    retryMaxMs: 1,
    haltProbeIntervalMs: 1000,
    signal: new AbortController().signal,
    observer: fanOut([{ halted: (p) => seen.push(`halted ${p}`), resumed: (p) => seen.push(`resumed ${p}`) }], () => undefined),
  });
  const job = (): DeliveryJob => ({ partition: 0, log });
  const delivered = (topic = 'events') => sent.filter((s) => s.topic === topic).flatMap((s) => s.ids);
  return { delivery, job, delivered, seen, broker };
}

describe('JobDelivery', () => {
  it('halt mode: splits down to the poison event, delivers the ones before it and halts naming it', async () => {
    const { delivery, job, delivered } = setup('halt', [130]);
    const halted = new DeliveryProgress();
    await expect(delivery.deliver(job(), range(100, 149), [], halted)).rejects.toBeInstanceOf(GiveBack);
    expect(delivered()).toEqual(range(100, 129).map((e) => e.id));
    // What the publisher acknowledges instead of sending again at the next probe.
    expect(halted.handled).toEqual(range(100, 129).map((e) => e.id));
    expect(delivery.halts.haltOf(0)).toMatchObject({ outboxId: 130, poison: true, probing: true });
    expect(delivery.halts.haltOf(0)?.reason).toContain('MESSAGE_TOO_LARGE: outbox id 130');
  });

  it('halt mode: a payload that is not JSON halts before anything is sent', async () => {
    const { delivery, job, delivered } = setup('halt');
    const events = [...range(1, 3), event(4, '{oops'), event(5)];
    await expect(delivery.deliver(job(), events)).rejects.toBeInstanceOf(GiveBack);
    expect(delivered()).toEqual([]);
    expect(delivery.halts.haltOf(0)).toMatchObject({ outboxId: 4, poison: true });
  });

  it("leaves the operators' events to their resolvers, in their place, and sends the others in order", async () => {
    const { delivery, job, delivered } = setup('halt', [3]);
    const resolved: number[] = [];
    const events = [...range(1, 2), event(3, '{too large and not JSON'), ...range(4, 5)];
    const resolve = async (e: OutboxEvent) => {
      resolved.push(e.id);
      expect(delivered()).toEqual(e.id === 3 ? [1, 2] : [1, 2, 4]);
    };
    const resolvedJob = await delivery.deliver(job(), events, [
      { outboxId: 3, resolve },
      { outboxId: 5, resolve },
    ]);
    expect(resolved).toEqual([3, 5]);
    expect(resolvedJob.handled).toEqual([1, 2, 3, 4, 5]);
    expect(delivered()).toEqual([1, 2, 4]);
  });

  it('dead-letter mode: dead-letters exactly the poison event and goes on', async () => {
    const { delivery, job, delivered } = setup('dead-letter', [7]);
    const mixed = await delivery.deliver(job(), range(1, 10));
    expect(mixed.handled.toSorted((a, b) => a - b)).toEqual(range(1, 10).map((e) => e.id));
    expect(delivered()).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]);
    expect(delivered('dlq')).toEqual([7]);
    expect(delivery.halts.haltOf(0)).toBeUndefined();
  });

  it('never sends again what Kafka took of a partly accepted send: splits and retries start after it', async () => {
    const { delivery, job, delivered, broker } = setup('dead-letter', [7, 12], true);
    broker.dropAfter = 3;
    const partly = await delivery.deliver(job(), range(1, 15));
    expect(delivered()).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 13, 14, 15]);
    expect(delivered('dlq')).toEqual([7, 12]);
    expect(partly.handled).toEqual(range(1, 15).map((e) => e.id));
  });

  it('halts a partly accepted send at the first event Kafka did not take', async () => {
    const { delivery, job, delivered } = setup('halt', [4], true);
    await expect(delivery.deliver(job(), range(1, 6))).rejects.toBeInstanceOf(GiveBack);
    expect(delivered()).toEqual([1, 2, 3]);
    expect(delivery.halts.haltOf(0)).toMatchObject({ outboxId: 4, poison: true });
  });

  it('sends nothing for a job whose lock is lost, and halts nothing', async () => {
    const { delivery, job, delivered } = setup('dead-letter');
    const lost = new AbortController();
    lost.abort();
    await expect(delivery.deliver({ ...job(), lost: lost.signal }, range(1, 5))).rejects.toBeInstanceOf(GiveBack);
    expect(delivered()).toEqual([]);
    expect(delivery.halts.haltOf(0)).toBeUndefined();
  });

  it('a retriable halt names the first event not sent and is not poison', async () => {
    const { delivery, job, broker } = setup('halt');
    broker.down = true;
    await expect(delivery.deliver(job(), range(5, 9))).rejects.toBeInstanceOf(GiveBack);
    expect(delivery.halts.haltOf(0)).toMatchObject({ outboxId: 5, poison: false });
  });

  it('reports resumed after an operator restart, and a halt after it again', async () => {
    const { delivery, job, seen, broker } = setup('halt');
    broker.down = true;
    await expect(delivery.deliver(job(), range(1, 2))).rejects.toBeInstanceOf(GiveBack);
    await expect(delivery.deliver(job(), range(1, 2))).rejects.toBeInstanceOf(GiveBack);
    expect(seen).toEqual(['halted 0']);
    // An operator cleared the flag: full attempts, still halted for the observers; failing again is a new halt.
    delivery.halts.operatorRestarted(0);
    expect(delivery.halts.haltOf(0)?.probing).toBe(false);
    await expect(delivery.deliver(job(), range(1, 2))).rejects.toBeInstanceOf(GiveBack);
    expect(seen).toEqual(['halted 0', 'halted 0']);
    delivery.halts.operatorRestarted(0);
    broker.down = false;
    await delivery.deliver(job(), range(1, 2));
    expect(delivery.halts.endHalt(0, log)).toBe(true);
    expect(delivery.halts.endHalt(0, log)).toBe(false);
    expect(seen).toEqual(['halted 0', 'halted 0', 'resumed 0']);
  });
});
