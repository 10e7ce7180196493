export { createOpsServer, listen, type OpsServerOptions, type ReadinessCheck } from './ops-server.ts';
export { type ConnectorGauges, PipelineMetrics } from './pipeline-metrics.ts';
