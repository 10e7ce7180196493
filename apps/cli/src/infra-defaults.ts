import { type InfraState, readInfraState } from '@outbox/infra';
import type { Env } from './cli-args.ts';

/**
 * Where `outbox infra up` put Kafka and Redis, as config overrides — only for what the
 * environment does not set itself, so KAFKA_BROKERS and REDIS_URL (or REDIS_URL_FILE, or
 * sentinels) always win.
 */
export function infraDefaults(env: Env, state: InfraState | undefined = readInfraState()): Record<string, unknown> {
  if (!state) return {};
  return {
    'kafka.brokers': env.KAFKA_BROKERS ? undefined : state.kafka.brokers,
    'redis.url': env.REDIS_URL || env.REDIS_URL_FILE || env.REDIS_SENTINELS ? undefined : state.redis.url,
  };
}
