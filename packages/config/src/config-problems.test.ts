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
});
