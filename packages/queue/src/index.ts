export { type AckEntry, AckStream } from './ack-stream.ts';
export { CursorStore, type RedisMarks, redisWentBack, type SavedCursors } from './cursor-store.ts';
export { type PipelineNames, pipelineNames } from './names.ts';
export { applyQueueSettings, openPartitionQueues, type PartitionQueues, queuedEvents } from './partition-queues.ts';
export { fnv1a, partitionOf } from './partitioning.ts';
export { publishJobId } from './publish-job.ts';
export { createRedisClient, type RedisClient, type RedisClientOptions } from './redis-client.ts';
