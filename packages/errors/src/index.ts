export { OutboxError, ConfigError, isRetriable, type OutboxErrorOptions } from './outbox-error.ts';
