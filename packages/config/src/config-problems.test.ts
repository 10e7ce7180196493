import { ConfigError } from '@outbox/errors';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';

describe('configuration problems', () => {
  it('names a bad webhook URL once, without echoing it (such URLs often hold a token)', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({ env: { OUTBOX_ALERT_WEBHOOK_URL: 'not a url' } });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual(['OUTBOX_ALERT_WEBHOOK_URL (alerts.webhookUrl): an http:// or https:// URL']);
  });

  it('names the Kafka clients there are when KAFKA_CLIENT is none of them, and takes kafkajs by default', () => {
    expect(() => loadConfig({ env: { KAFKA_CLIENT: 'rdkafka' } })).toThrow(
      'KAFKA_CLIENT (kafka.client): Invalid option: expected one of "kafkajs"|"platformatic" (got "rdkafka")',
    );
    expect(loadConfig({ env: {} }).kafka.client).toBe('kafkajs');
    expect(loadConfig({ env: { KAFKA_CLIENT: 'platformatic' } }).kafka.client).toBe('platformatic');
  });
});
