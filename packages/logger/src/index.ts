export { createLogger, type Logger, type LoggerOptions, redactUrl } from './create-logger.ts';
export { LogOutput, type LogOutputOptions } from './log-output.ts';
