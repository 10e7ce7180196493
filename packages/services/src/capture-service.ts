import { connectorKeys } from '@outbox/config';
import { createKafka } from '@outbox/kafka';
import { PipelineMetrics } from '@outbox/observability';
import { type ConnectorConfigs, type ConnectorDirectory, registerConnectorApi, registerStatusPage } from '@outbox/rest-api';
import { buildService, type Service } from '@outbox/runtime';
import { startTracing } from '@outbox/tracing';
import { type CaptureConnector, startCaptureConnector } from './capture-connector.ts';
import { ConnectorFleet } from './connector-fleet.ts';
import { ConnectorRegistry } from './connector-registry.ts';
import { startOpsHttp } from './ops-http.ts';
import { type ServiceContext, version } from './service-context.ts';

/** Kafka Connect's REST port; the capture worker serves the connectors' REST API. */
const capturePort = 8083;

export interface CaptureServiceOptions {
  /**
   * Create the database when it is missing. Only the demo does: a capture worker started on a
   * mistyped OUTBOX_SQLITE_PATH must say so, not tail a new, empty outbox forever.
   * @defaultValue false
   */
  createDatabase?: boolean;
}

/**
 * The capture worker: the connector its own config describes, and every connector created through
 * its REST API (see ConnectorFleet); `httpUrl` is where the REST API, status page and metrics
 * answer. What it acquires is released in reverse.
 */
export async function createCaptureService(
  { config, logger }: ServiceContext,
  options: CaptureServiceOptions = {},
): Promise<Service & { httpUrl: string }> {
  return buildService(async (releasers) => {
    // Released last: the spans of everything below are exported once it has stopped.
    const tracing = await startTracing(config, { service: 'outbox-capture', logger });
    if (tracing) releasers.add('tracing', () => tracing.close());
    // Kafka for the stored connector configs and operators' dead-letter requests, never for capture.
    const kafka = createKafka(config.kafka, logger);
    const metrics = new PipelineMetrics();
    const registry = new ConnectorRegistry({ worker: config, kafka, logger });
    releasers.add('connector configs', () => registry.close());
    const shared = { logger, metrics, kafka, tracer: tracing?.tracer, createDatabase: options.createDatabase ?? false };
    const fleet = new ConnectorFleet<CaptureConnector>({
      registry,
      start: (definition) => startCaptureConnector(definition.config, shared),
      logger,
    });
    await fleet.start();
    releasers.add('connectors', () => fleet.close());

    const directory: ConnectorDirectory = {
      names: () => [...fleet.entries.keys()],
      get: (name) => fleet.entries.get(name)?.runtime,
      failure: (name) => fleet.entries.get(name)?.error,
    };
    const configs: ConnectorConfigs = {
      list: async () =>
        new Map([...(await registry.list())].map(([name, c]) => [name, { settings: c.settings, origin: c.origin }])),
      validate: (name, settings) => registry.validate(name, settings),
      put: async (name, settings, mode) => {
        const { created, connector } = await registry.put(name, settings, mode);
        return { created, settings: connector.settings };
      },
      remove: (name) => registry.remove(name),
      keys: connectorKeys,
      changed: () => fleet.sync(),
    };
    const runtimes = () => [...fleet.entries.values()].flatMap((entry) => (entry.runtime ? [entry.runtime] : []));
    const httpUrl = await startOpsHttp({
      config,
      logger,
      metrics,
      releasers,
      defaultPort: capturePort,
      // Every running connector's Redis and database must answer.
      readiness: {
        redis: () => Promise.all(runtimes().map((c) => c.redisAnswers())),
        sqlite: () => Promise.all(runtimes().map((c) => c.databaseAnswers())),
      },
      addRoutes: (app) => {
        registerConnectorApi(app, { directory, configs, token: config.http.token, version });
        registerStatusPage(app, { directory });
      },
    });
    return { httpUrl };
  });
}
