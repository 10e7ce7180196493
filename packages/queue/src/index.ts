export { createRedisClient, type RedisClient, type RedisClientOptions } from './redis-client.ts';
export { partitionOf } from './partitioning.ts';
export { pipelineNames, type PipelineNames } from './names.ts';
export { publishJobId, type PublishJobData, type OutboxEvent } from './publish-job.ts';
export { AckStream, type AckEntry } from './ack-stream.ts';
export { CursorStore } from './cursor-store.ts';
export { openPartitionQueues, type PartitionQueues } from './partition-queues.ts';
