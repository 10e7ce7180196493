import type { ConnectorAdmin } from '@outbox/pipeline';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, parseInput } from '../api-error.ts';

const connectorParams = z.object({ name: z.string() });
/** A path naming a connector and one of its tasks (a partition). */
export const taskParams = connectorParams.extend({
  task: z.coerce.number({ error: 'a partition number' }).int('a partition number').min(0, 'a partition number'),
});

/** The connector named in the path, or a 404 naming the ones there are. */
export function connectorFrom(admin: ConnectorAdmin, params: unknown): ConnectorAdmin {
  const { name } = parseInput(connectorParams, params, 'path');
  if (name !== admin.name) throw new ApiError(404, 'NOT_FOUND', `no connector named "${name}"; there is "${admin.name}"`);
  return admin;
}

/** Kafka Connect's connector routes: list, status, pause, resume, restart (tasks are partitions). */
export function registerConnectorRoutes(app: FastifyInstance, admin: ConnectorAdmin): void {
  const partitionFrom = (params: unknown): number => {
    const { task } = parseInput(taskParams, params, 'path');
    connectorFrom(admin, params);
    if (task >= admin.partitions) {
      throw new ApiError(404, 'NOT_FOUND', `no task ${task}: the connector has tasks 0 to ${admin.partitions - 1}`);
    }
    return task;
  };

  app.get('/connectors', async () => [admin.name]);

  app.get('/connectors/:name', async (request) => {
    const { name } = connectorFrom(admin, request.params);
    return { name, type: 'source', tasks: Array.from({ length: admin.partitions }, (_, task) => ({ connector: name, task })) };
  });

  app.get('/connectors/:name/status', async (request) => connectorFrom(admin, request.params).status());

  app.get('/connectors/:name/tasks/:task/status', async (request) => {
    const partition = partitionFrom(request.params);
    return (await admin.status()).tasks[partition];
  });

  app.put('/connectors/:name/pause', async (request, reply) => {
    await connectorFrom(admin, request.params).pause();
    return reply.code(202).send({ name: admin.name, state: 'PAUSED' });
  });

  app.put('/connectors/:name/resume', async (request, reply) => {
    await connectorFrom(admin, request.params).resume();
    return reply.code(202).send({ name: admin.name, state: 'RUNNING' });
  });

  app.post('/connectors/:name/restart', async (request, reply) => {
    const restarted = await connectorFrom(admin, request.params).restart();
    return reply.code(202).send({ name: admin.name, restarted });
  });

  app.post('/connectors/:name/tasks/:task/restart', async (request, reply) => {
    const partition = partitionFrom(request.params);
    const restarted = await admin.restart([partition]);
    return reply.code(202).send({ name: admin.name, restarted });
  });
}
