import type { Logger } from '@outbox/logger';
import { Redis } from 'ioredis';
import { type RedisSettings, redisAddress, redisConnectionOptions } from './redis-options.ts';

export type RedisClient = Redis;

export interface RedisClientOptions {
  logger: Logger;
  /** Shown in `CLIENT LIST` and in log lines. */
  connectionName: string;
  /** The longest wait between reconnection attempts. @defaultValue 5000 */
  maxRetryDelayMs?: number;
}

/**
 * An ioredis client (a single server, or the master that Sentinel names, with TLS and an ACL user
 * when configured) that reconnects forever with capped backoff, logging the address it cannot
 * reach. `maxRetriesPerRequest: null` makes commands wait for the connection instead of failing,
 * which is what BullMQ's workers need.
 */
export function createRedisClient(settings: RedisSettings, options: RedisClientOptions): RedisClient {
  const address = redisAddress(settings);
  const logger = options.logger.child({ component: 'redis', connection: options.connectionName });
  const maxDelay = options.maxRetryDelayMs ?? 5000;
  const client = new Redis({
    ...redisConnectionOptions(settings),
    connectionName: options.connectionName,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => {
      const delay = Math.min(maxDelay, 100 * 2 ** Math.min(times, 10));
      if (times === 1 || times % 10 === 0)
        logger.warn({ address, attempt: times, delayMs: delay }, `Redis at ${address} is unreachable; retrying`);
      return delay;
    },
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    // ioredis emits an error per failed reconnect; log each distinct one once.
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ address, err: error }, `Redis at ${address}: ${error.message}`);
  });
  client.on('ready', () => {
    if (lastError) logger.info({ address }, `Redis at ${address} is reachable again`);
    lastError = '';
  });
  return client;
}
