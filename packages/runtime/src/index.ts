export { buildService, onceAsync, Releasers, type Service } from './lifecycle.ts';
export { type MainContext, type RunMainOptions, routeProcessWarnings, runMain, runTask } from './run-main.ts';
export { type Serial, serial } from './serial.ts';
export { environmentProblem, exitCodes } from './start-failure.ts';
export {
  type BackoffOptions,
  backoffDelay,
  type RetryForeverOptions,
  retryForever,
  sleep,
  TimeoutError,
  withTimeout,
} from './timing.ts';
