export { ConfigError, EnvironmentError, OutboxError, type OutboxErrorOptions } from './outbox-error.ts';
