import { describe, expect, it } from 'vitest';
import { toDeadLetter } from './dead-letter.ts';
import { toKafkaMessage } from './messages.ts';

describe('toKafkaMessage', () => {
  it('keeps the stored bytes of a payload that is not UTF-8, so its dead letter holds them as they were', () => {
    const event = {
      id: 4,
      eventId: 'e-4',
      aggregateType: 'users',
      aggregateId: 'a',
      eventType: 'Odd',
      payload: '0xff00fe',
      occurredAt: 'now',
      traceparent: null,
      invalid: 'payload is a BLOB of 3 bytes that is not UTF-8',
      payloadBase64: Buffer.from([0xff, 0x00, 0xfe]).toString('base64'),
    };
    const message = toKafkaMessage(event);
    expect(message.value).toEqual(Buffer.from([0xff, 0x00, 0xfe]));
    const at = new Date(0);
    const context = {
      errorClass: 'INVALID_ROW',
      errorMessage: event.invalid,
      attempts: 0,
      originalTopic: 't',
      firstFailure: at,
      lastFailure: at,
    };
    expect(toDeadLetter(message, context).value).toEqual(Buffer.from([0xff, 0x00, 0xfe]));
    expect(toDeadLetter(message, context, true).headers).toMatchObject({ '__outbox.errors.value.size': '3' });
  });
});
