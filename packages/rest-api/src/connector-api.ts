import type { FastifyInstance } from 'fastify';
import { requireBearerToken } from './bearer-auth.ts';
import type { ConnectorConfigs, ConnectorDirectory } from './connector-directory.ts';
import { registerConnectorConfigRoutes } from './routes/connector-configs.ts';
import { registerConnectorInfoRoute, registerConnectorRoutes } from './routes/connectors.ts';
import { registerDeadLetterRoutes } from './routes/dead-letters.ts';
import { registerOffsetRoutes } from './routes/offsets.ts';

export interface ConnectorApiOptions {
  /** The connectors the worker runs now. */
  directory: ConnectorDirectory;
  /** Adds creating, changing, deleting and validating connectors. @defaultValue none */
  configs?: ConnectorConfigs;
  /** Required of every request but the probes and /metrics when set. @defaultValue none */
  token?: string;
  /** The version `GET /` reports. */
  version: string;
}

/**
 * Adds the Kafka Connect-style REST API to a worker's HTTP server (see createOpsServer). Bad input
 * answers 400 and unknown names 404, in Kafka Connect's error shape, and changes nothing.
 */
export function registerConnectorApi(app: FastifyInstance, options: ConnectorApiOptions): void {
  const { directory } = options;
  requireBearerToken(app, options.token);
  app.get('/', async () => ({ version: options.version, commit: null, connectors: directory.names() }));
  if (options.configs) registerConnectorConfigRoutes(app, directory, options.configs, options.version);
  else registerConnectorInfoRoute(app, directory);
  registerConnectorRoutes(app, directory);
  registerDeadLetterRoutes(app, directory);
  registerOffsetRoutes(app, directory);
}
