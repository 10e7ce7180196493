import { describe, expect, it } from 'vitest';
import { configSecrets } from './config-secrets.ts';
import { loadConfig } from './load-config.ts';

describe('configSecrets', () => {
  it('lists the REST token and the passwords of the Redis and webhook URLs, as written and decoded', () => {
    const config = loadConfig({
      env: {
        OUTBOX_HTTP_TOKEN: 'token-0123456789abcdef',
        REDIS_URL: 'redis://default:p%40ss@127.0.0.1:6379',
        OUTBOX_ALERT_WEBHOOK_URL: 'https://hook:hook-secret@alerts.example.com/x',
      },
    });
    expect(configSecrets(config)).toEqual(['token-0123456789abcdef', 'p%40ss', 'p@ss', 'hook-secret', 'hook-secret']);
    expect(configSecrets(loadConfig({ env: {} }))).toEqual([]);
  });
});
