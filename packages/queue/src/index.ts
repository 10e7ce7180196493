export { type AckEntry, AckStream } from './ack-stream.ts';
export { type CaptureReport, CaptureStatusStore } from './capture-status-store.ts';
export { CursorStore, type RedisMarks, redisWentBack, type SavedCursors } from './cursor-store.ts';
export { type HaltedState, HaltedStore, parseHaltedState } from './halted-store.ts';
export { type HeadAction, HeadActionStore } from './head-action-store.ts';
export { MembershipStore } from './membership-store.ts';
export { type PipelineNames, pipelineNames } from './names.ts';
export {
  activeJobOwner,
  applyQueueSettings,
  openPartitionQueues,
  type PartitionQueues,
  queuedEvents,
} from './partition-queues.ts';
export { fnv1a, partitionOf } from './partitioning.ts';
export { publishJobId } from './publish-job.ts';
export { type PublisherStats, PublisherStatsStore } from './publisher-stats-store.ts';
export { createRedisClient, type RedisClient, type RedisClientOptions } from './redis-client.ts';
export { type RedisSettings, redisAddress, redisConnectionOptions } from './redis-options.ts';
