export { createLogger, type Logger, type LoggerOptions, redactUrl } from './create-logger.ts';
