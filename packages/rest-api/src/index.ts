export { ApiCallError, ConnectorApiClient } from './api-client.ts';
export { ApiError, parseInput } from './api-error.ts';
export { requireBearerToken, tokenCookie } from './bearer-auth.ts';
export { type ConnectorApiOptions, registerConnectorApi } from './connector-api.ts';
export {
  type ConfigProblem,
  type ConnectorConfigs,
  type ConnectorDirectory,
  type ConnectorHandle,
  singleConnector,
} from './connector-directory.ts';
export { connectorFrom } from './routes/connectors.ts';
export { queueBoardPath, registerQueueBoard } from './status-page/queue-board.ts';
export { registerStatusPage, type StatusPageOptions } from './status-page/register-status-page.ts';
export { StatusHistory, type StatusSample } from './status-page/status-history.ts';
