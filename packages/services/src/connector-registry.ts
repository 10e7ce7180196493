import {
  type Config,
  type ConnectorProblem,
  type ConnectorSettings,
  connectorSettingsOf,
  parseConnectorConfig,
} from '@outbox/config';
import { OutboxError } from '@outbox/errors';
import { ConfigTopic, type createKafka } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';

/** A connector this worker runs: the one its own config describes, or one created through the REST API. */
export interface ConnectorDefinition {
  name: string;
  config: Config;
  /** Its settings as a Kafka Connect config map (what `GET /connectors/{name}/config` shows). */
  settings: Record<string, string>;
  /** `file`: from the worker's environment or config file, changed only there; `api`: stored in Kafka. */
  origin: 'file' | 'api';
}

/** What the config topic keeps per connector: Kafka Connect's `{ name, config }`. */
interface StoredConnector {
  name: string;
  config: ConnectorSettings;
}

/**
 * Why a change to the connectors was refused: `statusCode` is what the REST API answers with, and
 * `details` every problem of a config that is not valid.
 */
export class ConnectorConfigError extends OutboxError {
  readonly statusCode: 400 | 404 | 409;
  readonly details: ConnectorProblem[];
  constructor(statusCode: 400 | 404 | 409, message: string, problems: ConnectorProblem[] = []) {
    super(message, { code: { 400: 'CONNECTOR_CONFIG_INVALID', 404: 'NOT_FOUND', 409: 'CONFLICT' }[statusCode] });
    this.statusCode = statusCode;
    this.details = problems;
  }
}

/**
 * The worker's connectors: its own (from its config, as a worker deployed by file has always had)
 * and those created through the REST API, kept in a compacted Kafka topic so that they survive a
 * restart of every process and Redis losing its data (docs/architecture.md, "Many connectors").
 */
export class ConnectorRegistry {
  readonly #worker: Config;
  readonly #topic: ConfigTopic<StoredConnector>;
  readonly #log: Logger;
  /** Stored configs that no longer parse (a setting renamed by an upgrade): logged once each. */
  readonly #reported = new Set<string>();

  constructor(options: { worker: Config; kafka: ReturnType<typeof createKafka>; logger: Logger }) {
    this.#worker = options.worker;
    this.#log = options.logger.child({ component: 'connectors' });
    this.#topic = new ConfigTopic(options.kafka, {
      topic: options.worker.connectors.storageTopic,
      replicationFactor: options.worker.kafka.topicReplicationFactor,
    });
  }

  /** The connector the worker's own config describes; it needs neither Kafka nor Redis to be known. */
  own(): ConnectorDefinition {
    const config = this.#worker;
    return { name: config.connector.name, config, settings: connectorSettingsOf(config), origin: 'file' };
  }

  /** Every connector, the worker's own first. Reading the stored ones needs Kafka. */
  async list(): Promise<Map<string, ConnectorDefinition>> {
    const own = this.own();
    const connectors = new Map([[own.name, own]]);
    for (const [name, stored] of await this.#topic.read()) {
      if (name === own.name) continue;
      const parsed = parseConnectorConfig(this.#worker, name, stored.config);
      if (!parsed.ok) {
        const key = `${name}:${JSON.stringify(stored.config)}`;
        if (!this.#reported.has(key))
          this.#log.error(
            { connector: name, problems: parsed.problems },
            'a stored connector config is not valid; it is not run',
          );
        this.#reported.add(key);
        continue;
      }
      connectors.set(name, { name, config: parsed.config, settings: connectorSettingsOf(parsed.config), origin: 'api' });
    }
    return connectors;
  }

  /** Checks a config without storing it: the problems, every one, or none. */
  validate(name: string, settings: ConnectorSettings): ConnectorProblem[] {
    const parsed = parseConnectorConfig(this.#worker, name, settings);
    return parsed.ok ? [] : parsed.problems;
  }

  /**
   * Stores a connector's config, new (`create`) or replacing one (`update`, which creates it when
   * missing, like Kafka Connect's PUT). Nothing is stored unless the whole config is valid.
   */
  async put(
    name: string,
    settings: ConnectorSettings,
    mode: 'create' | 'update',
  ): Promise<{ created: boolean; connector: ConnectorDefinition }> {
    if (name === this.#worker.connector.name) {
      throw new ConnectorConfigError(409, `connector ${name} is defined by the worker's own config: change it there`);
    }
    const parsed = parseConnectorConfig(this.#worker, name, settings);
    if (!parsed.ok)
      throw new ConnectorConfigError(400, `connector ${name}: the config is not valid; nothing was changed`, parsed.problems);
    const existing = await this.#topic.read();
    if (mode === 'create' && existing.has(name)) throw new ConnectorConfigError(409, `connector ${name} already exists`);
    // Only what was given is stored: a default that changes in a later version applies to it too.
    await this.#topic.put(name, { name, config: settings });
    this.#log.info({ connector: name }, mode === 'create' ? 'connector created' : 'connector config changed');
    return {
      created: !existing.has(name),
      connector: { name, config: parsed.config, settings: connectorSettingsOf(parsed.config), origin: 'api' },
    };
  }

  async remove(name: string): Promise<void> {
    if (name === this.#worker.connector.name) {
      throw new ConnectorConfigError(409, `connector ${name} is defined by the worker's own config: remove it there`);
    }
    if (!(await this.#topic.read()).has(name)) throw new ConnectorConfigError(404, `no connector named "${name}"`);
    await this.#topic.remove(name);
    this.#log.info({ connector: name }, 'connector deleted');
  }

  close(): Promise<void> {
    return this.#topic.close();
  }
}
