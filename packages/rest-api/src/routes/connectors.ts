import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, parseInput } from '../api-error.ts';
import type { ConnectorDirectory, ConnectorHandle } from '../connector-directory.ts';

const connectorParams = z.object({ name: z.string() });
/** A path naming a connector and one of its tasks (a partition). */
export const taskParams = connectorParams.extend({
  task: z.coerce.number({ error: 'a partition number' }).int('a partition number').min(0, 'a partition number'),
});

/** The connector named in the path, or a 404 naming the ones there are. */
export function connectorFrom(directory: ConnectorDirectory, params: unknown): ConnectorHandle {
  const { name } = parseInput(connectorParams, params, 'path');
  const handle = directory.get(name);
  const failure = directory.failure?.(name);
  if (!handle && failure !== undefined) {
    throw new ApiError(503, 'CONNECTOR_FAILED', `connector "${name}" could not start (${failure}); it is tried again`);
  }
  if (!handle) {
    const names = directory.names();
    const there =
      names.length === 0
        ? 'there is none'
        : `there ${names.length === 1 ? 'is' : 'are'} ${names.map((n) => `"${n}"`).join(', ')}`;
    throw new ApiError(404, 'NOT_FOUND', `no connector named "${name}"; ${there}`);
  }
  return handle;
}

/** The connector and task (a partition) named in the path, or a 404. */
export function taskFrom(directory: ConnectorDirectory, params: unknown): { handle: ConnectorHandle; partition: number } {
  const { task } = parseInput(taskParams, params, 'path');
  const handle = connectorFrom(directory, params);
  if (task >= handle.admin.partitions) {
    throw new ApiError(404, 'NOT_FOUND', `no task ${task}: the connector has tasks 0 to ${handle.admin.partitions - 1}`);
  }
  return { handle, partition: task };
}

/** `GET /connectors/:name` for a worker without stored configs: the name and its tasks. */
export function registerConnectorInfoRoute(app: FastifyInstance, directory: ConnectorDirectory): void {
  app.get('/connectors/:name', async (request) => {
    const { admin } = connectorFrom(directory, request.params);
    const tasks = Array.from({ length: admin.partitions }, (_, task) => ({ connector: admin.name, task }));
    return { name: admin.name, type: 'source', tasks };
  });
}

/** Kafka Connect's connector routes: list, status, pause, resume, restart (tasks are partitions). */
export function registerConnectorRoutes(app: FastifyInstance, directory: ConnectorDirectory): void {
  const adminOf = (params: unknown) => connectorFrom(directory, params).admin;

  app.get('/connectors', async () => directory.names());

  app.get('/connectors/:name/status', async (request) => adminOf(request.params).status());

  app.get('/connectors/:name/tasks/:task/status', async (request) => {
    const { handle, partition } = taskFrom(directory, request.params);
    return (await handle.admin.status()).tasks[partition];
  });

  app.put('/connectors/:name/pause', async (request, reply) => {
    const admin = adminOf(request.params);
    await admin.pause();
    return reply.code(202).send({ name: admin.name, state: 'PAUSED' });
  });

  app.put('/connectors/:name/resume', async (request, reply) => {
    const admin = adminOf(request.params);
    await admin.resume();
    return reply.code(202).send({ name: admin.name, state: 'RUNNING' });
  });

  app.post('/connectors/:name/restart', async (request, reply) => {
    const admin = adminOf(request.params);
    const restarted = await admin.restart();
    return reply.code(202).send({ name: admin.name, restarted });
  });

  app.post('/connectors/:name/tasks/:task/restart', async (request, reply) => {
    const { handle, partition } = taskFrom(directory, request.params);
    const restarted = await handle.admin.restart([partition]);
    return reply.code(202).send({ name: handle.admin.name, restarted });
  });
}
