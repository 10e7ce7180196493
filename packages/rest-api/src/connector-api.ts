import type { ConnectorAdmin, DeadLetterAdmin, PartitionAdmin } from '@outbox/pipeline';
import type { FastifyInstance } from 'fastify';
import { requireBearerToken } from './bearer-auth.ts';
import { registerConnectorRoutes } from './routes/connectors.ts';
import { registerDeadLetterRoutes } from './routes/dead-letters.ts';
import { registerOffsetRoutes } from './routes/offsets.ts';

export interface ConnectorApiOptions {
  admin: ConnectorAdmin;
  /** Adds the dead-letter routes. @defaultValue none */
  deadLetters?: DeadLetterAdmin;
  /** Adds the offsets and head routes. @defaultValue none */
  partitions?: PartitionAdmin;
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
  requireBearerToken(app, options.token);
  app.get('/', async () => ({ version: options.version, commit: null, connectors: [options.admin.name] }));
  registerConnectorRoutes(app, options.admin);
  if (options.deadLetters) registerDeadLetterRoutes(app, options.admin, options.deadLetters);
  if (options.partitions) registerOffsetRoutes(app, options.admin, options.partitions);
}
