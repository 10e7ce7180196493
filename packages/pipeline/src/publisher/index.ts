// The publisher side alone: what a publisher process loads (no capture, admin or status code).
export {
  type FollowPartitionsOptions,
  followPartitionCount,
  readPublisherPartitions,
  recordPublisherPartitions,
} from './partition-count.ts';
export { PublisherWorker, type PublisherWorkerOptions } from './publisher-worker.ts';
