import { MultipleErrors, NetworkError, ResponseError, TimeoutError, UserError } from '@platformatic/kafka';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkaError, isKafkaOutage, isLeadershipMoving } from './classify-error.ts';
import { PartlyAcceptedError } from './event-producer.ts';

function protocolError(type: string, retriable: boolean) {
  // kafkajs' types say Error, but the constructor reads the broker error's fields.
  return new KafkaJSProtocolError({ type, code: 1, retriable, message: type, name: 'KafkaJSProtocolError' } as Error);
}

describe('classifyKafkaError', () => {
  it('retries outages, even wrapped in retries-exceeded', () => {
    const wrapped = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection refused'), {
      retryCount: 3,
      retryTime: 1,
    });
    expect(classifyKafkaError(wrapped)).toMatchObject({ retriable: true });
    expect(classifyKafkaError(protocolError('NOT_LEADER_OR_FOLLOWER', true))).toMatchObject({ retriable: true });
  });

  it('retries a send refused for want of in-sync replicas: the cluster is short of brokers, the records are fine', () => {
    for (const type of ['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND']) {
      const wrapped = new KafkaJSNumberOfRetriesExceeded(protocolError(type, true), { retryCount: 3, retryTime: 1 });
      expect(classifyKafkaError(wrapped)).toEqual({ retriable: true, type, recreateProducer: false, poison: false });
    }
  });

  it('never retries a record the broker rejects, nor a bug of ours', () => {
    expect(classifyKafkaError(protocolError('MESSAGE_TOO_LARGE', false))).toEqual({
      retriable: false,
      type: 'MESSAGE_TOO_LARGE',
      recreateProducer: false,
      poison: true,
    });
    expect(classifyKafkaError(new TypeError('x is undefined'))).toMatchObject({ retriable: false, type: 'TypeError' });
  });

  it('judges a partly accepted send by the failure that stopped it', () => {
    const outage = new PartlyAcceptedError(3, new KafkaJSConnectionError('Connection refused'));
    expect(outage).toMatchObject({ code: 'KAFKA_PARTLY_ACCEPTED', retriable: true, accepted: 3 });
    expect(classifyKafkaError(outage)).toMatchObject({ retriable: true });
    const refused = new PartlyAcceptedError(3, protocolError('MESSAGE_TOO_LARGE', false));
    expect(refused.retriable).toBe(false);
    expect(classifyKafkaError(refused)).toMatchObject({ retriable: false, poison: true });
  });

  it('asks for a new producer when the broker lost its sequence state', () => {
    expect(classifyKafkaError(protocolError('UNKNOWN_PRODUCER_ID', false))).toMatchObject({
      recreateProducer: true,
      retriable: true,
    });
  });
});

describe('isKafkaOutage', () => {
  it('tells a failure of the cluster or a broker from one of a topic or a record', () => {
    const wrapped = (error: Error) => new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 3, retryTime: 1 });
    expect(isKafkaOutage(wrapped(protocolError('NOT_ENOUGH_REPLICAS', true)))).toBe(true);
    expect(isKafkaOutage(wrapped(new KafkaJSConnectionError('Connection refused')))).toBe(true);
    expect(isKafkaOutage(wrapped(protocolError('UNKNOWN_TOPIC_OR_PARTITION', true)))).toBe(false);
    expect(isKafkaOutage(protocolError('MESSAGE_TOO_LARGE', false))).toBe(false);
    expect(isKafkaOutage(new Error('a bug'))).toBe(false);
  });
});

describe('isLeadershipMoving', () => {
  it("knows the brokers' answers while a leader changes, even wrapped, and nothing else", () => {
    for (const type of ['LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']) {
      const wrapped = new KafkaJSNumberOfRetriesExceeded(protocolError(type, true), { retryCount: 3, retryTime: 1 });
      expect(isLeadershipMoving(wrapped), type).toBe(true);
    }
    expect(isLeadershipMoving(protocolError('UNKNOWN_TOPIC_OR_PARTITION', true))).toBe(false);
    expect(isLeadershipMoving(new KafkaJSConnectionError('Connection refused'))).toBe(false);
  });
});

describe('@platformatic/kafka errors', () => {
  // As the client builds them: each attempt's error gathered by its retry loop, the broker's
  // answers per partition in a ResponseError (its code 10 is MESSAGE_TOO_LARGE, 19 NOT_ENOUGH_REPLICAS).
  const produceFailed = (...attempts: Error[]) =>
    new MultipleErrors('Producing messages failed.', [new MultipleErrors(`produce failed ${attempts.length} times.`, attempts)]);
  const answered = (code: number) =>
    new ResponseError(0, 9, { '/responses/0/partitionResponses/0': [code, null] }, {} as unknown as Record<string, unknown>);
  const refused = () =>
    new NetworkError('Connection to 127.0.0.1:9092 failed.', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });

  it('dead-letters a record the broker rejects for good, and names the broker error', () => {
    for (const [code, type] of [
      [10, 'MESSAGE_TOO_LARGE'],
      [18, 'RECORD_LIST_TOO_LARGE'],
      [87, 'INVALID_RECORD'],
      [2, 'CORRUPT_MESSAGE'],
    ] as const) {
      const error = produceFailed(answered(code));
      expect(classifyKafkaError(error), type).toEqual({ retriable: false, type, recreateProducer: false, poison: true });
      expect(isKafkaOutage(error), type).toBe(false);
    }
  });

  it('retries, as an outage, too few in-sync replicas, a broker that cannot be reached and a timeout', () => {
    const timeout = new TimeoutError('Request timed out.');
    for (const error of [produceFailed(answered(19), answered(20)), produceFailed(refused()), produceFailed(timeout)]) {
      expect(classifyKafkaError(error)).toMatchObject({ retriable: true, poison: false });
      expect(isKafkaOutage(error)).toBe(true);
    }
    expect(classifyKafkaError(produceFailed(answered(19)))).toMatchObject({ type: 'NOT_ENOUGH_REPLICAS' });
    expect(classifyKafkaError(produceFailed(refused()))).toMatchObject({ type: 'NetworkError' });
  });

  it('never dead-letters a send whose attempts also met an outage: its neighbours failed alike', () => {
    const error = produceFailed(refused(), answered(10));
    expect(classifyKafkaError(error)).toMatchObject({ retriable: true, poison: false });
  });

  it('retries a missing topic (it halts after the attempts), asks for a new producer on lost state, and never retries a misuse', () => {
    expect(classifyKafkaError(produceFailed(answered(3)))).toMatchObject({ retriable: true, type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(isKafkaOutage(produceFailed(answered(3)))).toBe(false);
    expect(classifyKafkaError(produceFailed(answered(59)))).toMatchObject({
      recreateProducer: true,
      type: 'UNKNOWN_PRODUCER_ID',
    });
    expect(classifyKafkaError(new UserError('Failed to serialize a message.'))).toMatchObject({ retriable: false });
  });

  it('judges a partly accepted send by the failure that stopped it', () => {
    expect(new PartlyAcceptedError(2, produceFailed(refused())).retriable).toBe(true);
    expect(classifyKafkaError(new PartlyAcceptedError(2, produceFailed(answered(10))))).toMatchObject({ poison: true });
  });
});
