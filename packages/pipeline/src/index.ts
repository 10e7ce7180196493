export { AdminError, type AdminErrorKind } from './admin/admin-error.ts';
export { ConnectorAdmin, type ConnectorAdminOptions } from './admin/connector-admin.ts';
export {
  DeadLetterAdmin,
  type DeadLetterAdminOptions,
  type ReplayOutcome,
  type ReplayRequest,
  type ReplayResult,
} from './admin/dead-letters.ts';
export { type DeadLetter, parseDeadLetter } from './admin/parse-dead-letter.ts';
export { type HeadRequest, type HeadResolution, PartitionAdmin, type PartitionAdminOptions } from './admin/partition-admin.ts';
export { type CaptureStatus, CaptureWorker, type CaptureWorkerOptions, type PartitionOffset } from './capture/capture-worker.ts';
export { type JobPlan, type PlannedJob, planJobs } from './capture/plan-jobs.ts';
export type { RewindPlan } from './capture/plan-rewind.ts';
export { fanOut, type PipelineObserver } from './pipeline-observer.ts';
export {
  type FollowPartitionsOptions,
  followPartitionCount,
  PublisherWorker,
  type PublisherWorkerOptions,
  readPublisherPartitions,
  recordPublisherPartitions,
} from './publisher/index.ts';
export { formatDeadLetters, formatOffsets } from './status/format-admin.ts';
export { type ConnectorSummary, formatConnectors } from './status/format-connectors.ts';
export { formatStatus } from './status/format-status.ts';
export {
  type ConnectorStatus,
  livePublishers,
  type OutboxStatus,
  type PublisherStatus,
  readConnectorStatus,
  type TaskState,
  type TaskStatus,
} from './status/pipeline-status.ts';
