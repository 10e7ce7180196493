import { type Kafka, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { topicOffsets } from './topic-offsets.ts';

/** A client whose admins answer from `answers`, one per admin, as a broker would during an election. */
function clientAnswering(answers: Array<Error | { partition: number; low: string; high: string }[]>) {
  const used = { admins: 0 };
  const kafka = {
    admin: () => {
      const answer = answers[Math.min(used.admins++, answers.length - 1)];
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        listTopics: async () => ['orders'],
        fetchTopicOffsets: async () => {
          if (answer instanceof Error) throw answer;
          return answer?.map((o) => ({ ...o, offset: o.high })) ?? [];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, used };
}

const noLeader = () =>
  // kafkajs' types say Error, but the constructor reads the broker error's fields.
  new KafkaJSProtocolError({ type: 'LEADER_NOT_AVAILABLE', code: 5, retriable: true, message: 'no leader' } as unknown as Error);

describe('topicOffsets while leadership moves', () => {
  it('asks again with a new admin client until a leader answers', async () => {
    const { kafka, used } = clientAnswering([noLeader(), noLeader(), [{ partition: 0, low: '0', high: '7' }]]);
    expect(await topicOffsets(kafka, 'orders')).toEqual([{ partition: 0, low: '0', high: '7' }]);
    expect(used.admins).toBe(3);
  });

  it('gives up after its wait, with the broker answer', async () => {
    const { kafka } = clientAnswering([noLeader()]);
    await expect(topicOffsets(kafka, 'orders', { leaderWaitMs: 300 })).rejects.toThrow('no leader');
  });

  it('does not ask again on other failures', async () => {
    const { kafka, used } = clientAnswering([new Error('boom'), [{ partition: 0, low: '0', high: '1' }]]);
    await expect(topicOffsets(kafka, 'orders')).rejects.toThrow('boom');
    expect(used.admins).toBe(1);
  });
});
