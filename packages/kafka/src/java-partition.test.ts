import { compatibilityPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { javaPartition } from './java-partition.ts';

describe('javaPartition', () => {
  // kafkajs' DefaultPartitioner is the Java client's; the publisher used it before there was a choice.
  const kafkajs = Partitioners.DefaultPartitioner();
  const partitionMetadata = (count: number) =>
    Array.from({ length: count }, (_, partitionId) => ({
      partitionId,
      partitionErrorCode: 0,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    }));
  const keys = [
    ...Array.from({ length: 2000 }, (_, i) => String(i + 1)),
    'a',
    'ab',
    'abc',
    'abcd',
    'user-42',
    '8f14e45f-ceea-467f-a0e6-1f7ca6f1d3f2',
    'ü€𝄞',
    '',
  ];

  it('places every key on the partition kafkajs (and so the Java client) places it, for any partition count', () => {
    for (const count of [1, 3, 6, 7, 12, 100]) {
      const metadata = partitionMetadata(count);
      for (const key of keys) {
        const expected = kafkajs({ topic: 't', partitionMetadata: metadata, message: { key, value: null } });
        expect(javaPartition(Buffer.from(key)) % count, `${key} of ${count}`).toBe(expected);
      }
    }
  });

  it("agrees with @platformatic/kafka's own Java-compatible partitioner", () => {
    for (const key of keys) {
      const buffer = Buffer.from(key);
      expect(javaPartition(buffer), key).toBe(compatibilityPartitioner(undefined as never, buffer));
    }
  });
});
