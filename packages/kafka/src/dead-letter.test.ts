import { describe, expect, it } from 'vitest';
import { fromDeadLetter, toDeadLetter } from './dead-letter.ts';

describe('fromDeadLetter', () => {
  it('gives back the original record without the error headers, marked as a replay', () => {
    const original = { key: '7', value: '{"a":1}', headers: { id: 'e-1', outboxId: '12', eventType: 'UserRenamed' } };
    const failedAt = new Date('2026-01-01T00:00:00Z');
    const deadLetter = toDeadLetter(original, {
      errorClass: 'MESSAGE_TOO_LARGE',
      errorMessage: 'too large',
      attempts: 1,
      originalTopic: 'outbox.event.users',
      firstFailure: failedAt,
      lastFailure: failedAt,
    });
    const replay = fromDeadLetter(
      { key: '7', value: '{"a":1}', headers: deadLetter.headers as Record<string, string> },
      new Date('2026-01-02T00:00:00Z'),
    );
    expect(replay).toEqual({
      key: '7',
      value: '{"a":1}',
      headers: {
        ...original.headers,
        '__outbox.replayed': 'true',
        '__outbox.replayedAt': '2026-01-02T00:00:00.000Z',
      },
    });
  });
});
