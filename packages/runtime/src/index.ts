export { runMain, type MainContext, type RunMainOptions } from './run-main.ts';
export { Releasers, onceAsync, type Service } from './lifecycle.ts';
export { sleep, backoffDelay, type BackoffOptions } from './timing.ts';
