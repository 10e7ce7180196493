export { ConfigError, isRetriable, OutboxError, type OutboxErrorOptions } from './outbox-error.ts';
