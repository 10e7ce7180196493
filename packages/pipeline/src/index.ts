export { ConnectorAdmin, type ConnectorAdminOptions } from './admin/connector-admin.ts';
export { type CaptureStatus, CaptureWorker, type CaptureWorkerOptions } from './capture/capture-worker.ts';
export { type JobPlan, type PlannedJob, planJobs } from './capture/plan-jobs.ts';
export { fanOut, type PipelineObserver } from './pipeline-observer.ts';
export { PublisherWorker, type PublisherWorkerOptions } from './publisher/publisher-worker.ts';
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
