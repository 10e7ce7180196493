import type { ConnectorAdmin, DeadLetterAdmin, PartitionAdmin } from '@outbox/pipeline';
import type { PartitionQueues } from '@outbox/queue';

/** What the REST API reaches of one running connector. */
export interface ConnectorHandle {
  admin: ConnectorAdmin;
  /** Adds the dead-letter routes. @defaultValue none */
  deadLetters?: DeadLetterAdmin;
  /** Adds the offsets and head routes. @defaultValue none */
  partitions?: PartitionAdmin;
  /** Shown read-only in Bull Board. @defaultValue none */
  queues?: PartitionQueues;
}

/** The connectors a worker runs now, by name: they come and go as connectors are created and deleted. */
export interface ConnectorDirectory {
  names(): string[];
  get(name: string): ConnectorHandle | undefined;
  /** Why a connector that is configured is not running (it failed to start and is tried again). @defaultValue none */
  failure?(name: string): string | undefined;
}

/** One connector's problem with a config: its key and what was expected. */
export interface ConfigProblem {
  key: string;
  message: string;
}

/**
 * Where connector configs are kept (Kafka Connect's config storage). Refusals are errors carrying
 * the HTTP status (`statusCode`) and, for a config that is not valid, every problem (`details`).
 */
export interface ConnectorConfigs {
  /** Every connector's config map, and whether it comes from the worker's own config (`file`) or the API. */
  list(): Promise<Map<string, { settings: Record<string, string>; origin: 'file' | 'api' }>>;
  validate(name: string, settings: Record<string, unknown>): ConfigProblem[];
  put(
    name: string,
    settings: Record<string, unknown>,
    mode: 'create' | 'update',
  ): Promise<{ created: boolean; settings: Record<string, string> }>;
  remove(name: string): Promise<void>;
  /** The keys a config may hold, for the validate endpoint's answer. */
  keys: readonly string[];
  /** Called after a change, so the worker applies it at once rather than at its next look. */
  changed(): Promise<void>;
}

/** A directory of one connector, for a worker (or a test) that runs just that. */
export function singleConnector(handle: ConnectorHandle): ConnectorDirectory {
  return {
    names: () => [handle.admin.name],
    get: (name) => (name === handle.admin.name ? handle : undefined),
  };
}
