import type { Config } from '@outbox/config';
import { kafkaAnswers, securityOptions } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import { createOpsServer, listen, type PipelineMetrics, type ReadinessCheck } from '@outbox/observability';
import type { Releasers } from '@outbox/runtime';
import type { FastifyInstance } from 'fastify';

/**
 * Starts a worker's HTTP server (metrics, probes, and whatever `addRoutes` adds) and registers
 * its close. Returns the URL, which is logged: a publisher's port may be picked by the OS.
 */
export async function startOpsHttp(options: {
  config: Config;
  logger: Logger;
  metrics: PipelineMetrics;
  /** Checks besides Kafka's, which every worker needs and gets here. */
  readiness: Record<string, ReadinessCheck>;
  defaultPort: number;
  releasers: Releasers;
  addRoutes?: (app: FastifyInstance) => void;
}): Promise<string> {
  const { brokers } = options.config.kafka;
  const security = securityOptions(options.config.kafka);
  const kafka = async () => {
    if (!(await kafkaAnswers(brokers, 1000, security))) throw new Error(`no answer from ${brokers.join(',')}`);
  };
  const app = createOpsServer({
    logger: options.logger,
    metrics: options.metrics,
    readiness: { ...options.readiness, kafka },
  });
  options.addRoutes?.(app);
  const url = await listen(app, options.config.http.host, options.config.http.port ?? options.defaultPort);
  options.releasers.add('http server', () => app.close());
  options.logger.info({ url }, `HTTP server listening: ${url}/metrics, ${url}/healthz, ${url}/readyz`);
  return url;
}
