import { describe, expect, it } from 'vitest';
import { infraDefaults } from './infra-defaults.ts';

const state = { kafka: { brokers: ['127.0.0.1:9092'] }, redis: { url: 'redis://127.0.0.1:6379' } };

describe('infraDefaults', () => {
  it('points at the local infrastructure only where the environment names none', () => {
    expect(infraDefaults({}, state)).toEqual({ 'kafka.brokers': state.kafka.brokers, 'redis.url': state.redis.url });
    for (const env of [{ REDIS_URL: 'redis://h:1' }, { REDIS_URL_FILE: '/run/secrets/url' }, { REDIS_SENTINELS: 's:26379' }]) {
      expect(infraDefaults(env, state)['redis.url'], Object.keys(env)[0]).toBeUndefined();
    }
    expect(infraDefaults({ KAFKA_BROKERS: 'k:9093' }, state)['kafka.brokers']).toBeUndefined();
  });
});
