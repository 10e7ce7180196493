export { runMain, runTask, routeProcessWarnings, type MainContext, type RunMainOptions } from './run-main.ts';
export { Releasers, onceAsync, type Service } from './lifecycle.ts';
export { sleep, backoffDelay, retryForever, type BackoffOptions, type RetryForeverOptions } from './timing.ts';
