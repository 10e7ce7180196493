import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, parseInput } from '../api-error.ts';
import type { ConnectorConfigs, ConnectorDirectory } from '../connector-directory.ts';

/** Kafka Connect takes config values as strings; numbers and booleans are taken too. */
const settingsMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), {
  error: 'a JSON object of config keys to values',
});
const createBody = z.strictObject({
  name: z.string({ error: 'the connector name' }).min(1, 'the connector name'),
  config: settingsMap,
});
const nameParams = z.object({ name: z.string() });
const pluginParams = z.object({ plugin: z.string() });

/** The only plugin: every connector here is an outbox connector (Kafka Connect's `connector.class`). */
const plugin = 'outbox';

/**
 * Connectors managed like Kafka Connect's: `POST /connectors` creates one from `{ name, config }`,
 * `GET`/`PUT /connectors/:name/config` read and change its config (its tasks restart with it),
 * `DELETE /connectors/:name` stops it once its events in flight are acknowledged, and
 * `PUT /connector-plugins/outbox/config/validate` checks a config without storing it. A config
 * that is not valid is a 400 listing every bad key, and nothing is stored.
 */
export function registerConnectorConfigRoutes(
  app: FastifyInstance,
  directory: ConnectorDirectory,
  configs: ConnectorConfigs,
  version: string,
): void {
  const info = async (name: string, settings: Record<string, string>) => {
    const partitions = directory.get(name)?.admin.partitions ?? 0;
    return {
      name,
      config: settings,
      tasks: Array.from({ length: partitions }, (_, task) => ({ connector: name, task })),
      type: 'source',
    };
  };
  const stored = async (params: unknown) => {
    const { name } = parseInput(nameParams, params, 'path');
    const connector = (await configs.list()).get(name);
    if (!connector) throw new ApiError(404, 'NOT_FOUND', `no connector named "${name}"`);
    return { name, ...connector };
  };

  app.get('/connectors/:name', async (request) => {
    const { name, settings } = await stored(request.params);
    return info(name, settings);
  });

  app.get('/connectors/:name/config', async (request) => (await stored(request.params)).settings);

  app.post('/connectors', async (request, reply) => {
    const { name, config } = parseInput(createBody, request.body, 'body');
    const { settings } = await configs.put(name, config, 'create');
    await configs.changed();
    return reply.code(201).send(await info(name, settings));
  });

  app.put('/connectors/:name/config', async (request, reply) => {
    const { name } = parseInput(nameParams, request.params, 'path');
    const config = parseInput(settingsMap, request.body, 'body');
    const { created, settings } = await configs.put(name, config, 'update');
    await configs.changed();
    return reply.code(created ? 201 : 200).send(await info(name, settings));
  });

  app.delete('/connectors/:name', async (request, reply) => {
    const { name } = parseInput(nameParams, request.params, 'path');
    await configs.remove(name);
    await configs.changed();
    return reply.code(204).send();
  });

  app.get('/connector-plugins', async () => [{ class: plugin, type: 'source', version }]);

  app.put('/connector-plugins/:plugin/config/validate', async (request) => {
    const { plugin: requested } = parseInput(pluginParams, request.params, 'path');
    if (requested !== plugin) throw new ApiError(404, 'NOT_FOUND', `no connector plugin "${requested}"; there is "${plugin}"`);
    const config = parseInput(settingsMap, request.body, 'body');
    const name = typeof config.name === 'string' ? config.name : 'validate';
    const problems = configs.validate(name, config);
    // Kafka Connect's answer: one entry per key, known or given, each with its errors.
    const keys = [...new Set([...configs.keys, ...Object.keys(config), ...problems.map((p) => p.key)])];
    return {
      name: plugin,
      error_count: problems.length,
      groups: ['Common'],
      configs: keys.map((key) => ({
        definition: { name: key, group: 'Common', required: false },
        value: {
          name: key,
          value: config[key] === undefined ? null : String(config[key]),
          errors: problems.filter((p) => p.key === key).map((p) => p.message),
          recommended_values: [],
          visible: true,
        },
      })),
    };
  });
}
