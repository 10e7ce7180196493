export { ApiCallError, ConnectorApiClient } from './api-client.ts';
export { ApiError, parseInput } from './api-error.ts';
export { requireBearerToken, tokenCookie } from './bearer-auth.ts';
export { type ConnectorApiOptions, registerConnectorApi } from './connector-api.ts';
export { connectorFrom } from './routes/connectors.ts';
