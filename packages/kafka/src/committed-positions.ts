import type { Admin } from 'kafkajs';

/**
 * How far a pipeline partition's events are in Kafka, as its last committed transaction recorded
 * it (exactly-once delivery, docs/architecture.md "Exactly-once delivery").
 */
export interface CommittedPosition {
  /** The highest outbox id of the partition whose event a committed transaction holds. */
  outboxId: number;
  /** The capture timeline the outbox id belongs to (see PublishJobData.timeline). */
  timeline: string;
  /**
   * Names the transaction that wrote it, different for every commit: a job of rows found out of
   * order commits the same id and timeline again, and only this shows that it committed.
   * Absent from positions written before it was.
   */
  commitId?: string;
}

/**
 * Where a connector's committed positions are kept: the offsets of consumer group `groupId` on the
 * partitions of `topic`, one Kafka partition per pipeline partition. A transaction commits its
 * partition's position with its records (the transactional offset commit a consume-transform-produce
 * application uses), so the position is visible exactly when the records are. The topic only names
 * the offsets: nothing is written to it.
 */
export interface PositionsStore {
  groupId: string;
  topic: string;
}

/** A connector's positions store: `<prefix>-<connector>-positions` for both group and topic. */
export function positionsStoreOf(prefix: string, connector: string): PositionsStore {
  const name = `${prefix}-${connector}-positions`;
  return { groupId: name, topic: name };
}

/** A pipeline partition's transactional id: the same in every process and after every restart. */
export function transactionalIdOf(prefix: string, connector: string, partition: number): string {
  return `${prefix}-${connector}-p${String(partition).padStart(3, '0')}`;
}

/** The offset-commit entry that records `position` for `partition`. */
export function positionOffset(partition: number, position: CommittedPosition) {
  const { timeline, commitId } = position;
  return { partition, offset: String(position.outboxId), metadata: JSON.stringify({ timeline, commit: commitId }) };
}

/**
 * The committed position of every pipeline partition that has one, in one request. Offsets of
 * transactions not yet committed are not returned: the broker keeps them aside until the commit.
 */
export async function readCommittedPositions(
  admin: Pick<Admin, 'fetchOffsets'>,
  store: PositionsStore,
): Promise<Map<number, CommittedPosition>> {
  const [topic] = await admin.fetchOffsets({ groupId: store.groupId, topics: [store.topic] });
  const positions = new Map<number, CommittedPosition>();
  for (const { partition, offset, metadata } of topic?.partitions ?? []) {
    const outboxId = Number(offset);
    if (!Number.isSafeInteger(outboxId) || outboxId < 0) continue;
    positions.set(partition, { outboxId, ...metadataOf(metadata) });
  }
  return positions;
}

function metadataOf(metadata: string | null | undefined): Pick<CommittedPosition, 'timeline' | 'commitId'> {
  let parsed: { timeline?: unknown; commit?: unknown } = {};
  try {
    const value: unknown = JSON.parse(metadata ?? '');
    if (typeof value === 'object' && value !== null) parsed = value;
  } catch {
    // Not ours: no timeline, which vouches for nothing (coveredUpTo).
  }
  return {
    timeline: typeof parsed.timeline === 'string' ? parsed.timeline : '',
    ...(typeof parsed.commit === 'string' && { commitId: parsed.commit }),
  };
}

/**
 * Makes the positions topic exist with at least `partitions` partitions (one per pipeline
 * partition; the broker refuses offsets for a partition that does not exist). Compacted and empty.
 */
export async function ensurePositionsTopic(
  admin: Pick<Admin, 'listTopics' | 'createTopics' | 'fetchTopicMetadata' | 'createPartitions'>,
  store: PositionsStore,
  partitions: number,
  replicationFactor: number,
): Promise<void> {
  if (!(await admin.listTopics()).includes(store.topic)) {
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: store.topic,
            numPartitions: partitions,
            replicationFactor,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      })
      .catch((error: unknown) => {
        // Another publisher made it first.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
      });
  }
  const { topics } = await admin.fetchTopicMetadata({ topics: [store.topic] });
  const count = topics[0]?.partitions.length ?? 0;
  if (count < partitions) await admin.createPartitions({ topicPartitions: [{ topic: store.topic, count: partitions }] });
}
