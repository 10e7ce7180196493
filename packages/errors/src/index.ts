export { ConfigError, EnvironmentError, isRetriable, OutboxError, type OutboxErrorOptions } from './outbox-error.ts';
