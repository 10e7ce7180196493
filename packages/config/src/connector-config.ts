import { didYouMean } from './did-you-mean.ts';
import { envKeys } from './env-keys.ts';
import { getPath, setPath } from './object-paths.ts';
import { type Config, connectorSettingsSchema, withShape } from './schema.ts';

/** One thing wrong with a connector config: the key it is about, and what was expected. */
export interface ConnectorProblem {
  key: string;
  message: string;
}

/** A connector config as Kafka Connect's REST API carries it: a flat map of dotted keys. */
export type ConnectorSettings = Record<string, unknown>;

export type ParsedConnector = { ok: true; config: Config } | { ok: false; problems: ConnectorProblem[] };

/** The plugin every connector of this project is an instance of (Kafka Connect's `connector.class`). */
export const connectorClass = 'outbox';

const connectorName = /^[a-z][a-z0-9-]{0,62}$/;
const ownSections = ['sqlite.', 'outbox.', 'pipeline.', 'capture.', 'publisher.', 'kafka.'];

/**
 * The keys a connector config may set: each connector setting by its path in the config (the
 * same names docs/configuration.md lists beside the variables), plus Kafka Connect's `name` and
 * `connector.class`. A publisher's own name and the Kafka settings other than topics are the
 * worker's.
 */
export const connectorKeys: readonly string[] = [
  'name',
  'connector.class',
  ...new Set(
    (Object.values(envKeys) as (string | null)[]).filter(
      (path): path is string =>
        path !== null &&
        ownSections.some((section) => path.startsWith(section)) &&
        path !== 'publisher.name' &&
        (!path.startsWith('kafka.') || /^kafka\.(topic|dlqTopic|createTopics)/.test(path)),
    ),
  ),
];

/**
 * A connector's whole config: the worker's, with the connector's own settings in place of the
 * worker's connector sections (their defaults are the usual ones). Every problem is reported at
 * once, by key, and nothing is returned then.
 */
export function parseConnectorConfig(worker: Config, name: string, settings: ConnectorSettings): ParsedConnector {
  const problems: ConnectorProblem[] = [];
  if (!connectorName.test(name)) problems.push({ key: 'name', message: 'lowercase letters, digits and -, up to 63' });
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'name') {
      if (value !== name) problems.push({ key, message: `must be the connector's name, ${JSON.stringify(name)}` });
    } else if (key === 'connector.class') {
      if (value !== connectorClass) problems.push({ key, message: `expected "${connectorClass}"` });
    } else if (!connectorKeys.includes(key)) {
      const suggestion = didYouMean(key, connectorKeys);
      problems.push({ key, message: `unknown setting${suggestion ? ` (did you mean ${suggestion}?)` : ''}` });
    } else {
      setPath(nested, key, value);
    }
  }
  const parsed = connectorSettingsSchema.safeParse(nested);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ key: issue.path.join('.'), message: issue.message });
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  const own = parsed.data;
  return {
    ok: true,
    config: {
      ...worker,
      connector: { name },
      sqlite: own.sqlite,
      outbox: withShape(own.outbox),
      pipeline: own.pipeline,
      capture: own.capture,
      publisher: { ...own.publisher, name: worker.publisher.name },
      kafka: { ...worker.kafka, ...own.kafka },
    },
  };
}

/** A connector's settings as a Kafka Connect config map, every value as text (what GET …/config shows). */
export function connectorSettingsOf(config: Config): Record<string, string> {
  const settings: Record<string, string> = { 'connector.class': connectorClass, name: config.connector.name };
  for (const key of connectorKeys) {
    if (key === 'name' || key === 'connector.class') continue;
    const value = getPath(config, key);
    if (value === undefined) continue;
    settings[key] = Array.isArray(value)
      ? value.map((v) => (typeof v === 'object' && v ? `${v.column}:header:${v.header}` : String(v))).join(',')
      : String(value);
  }
  return settings;
}
