export { createLogger, redactUrl, type Logger, type LoggerOptions } from './create-logger.ts';
