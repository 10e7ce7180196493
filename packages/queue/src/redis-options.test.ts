import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@outbox/config';
import { describe, expect, it } from 'vitest';
import { redisAddress, redisConnectionOptions } from './redis-options.ts';

const redis = (env: Record<string, string>) => loadConfig({ env }).redis;

describe('redisConnectionOptions', () => {
  it("takes the URL apart, the explicit user and password winning over the URL's", () => {
    const options = redisConnectionOptions(redis({ REDIS_URL: 'redis://old:p%40ss@[::1]:6390/2', REDIS_PASSWORD: 'new' }));
    expect(options).toMatchObject({ host: '::1', port: 6390, db: 2, username: 'old', password: 'new' });
    expect(options.tls).toBeUndefined();
  });

  it('turns TLS on for rediss:// and with a CA file, and reads the files', () => {
    expect(redisConnectionOptions(redis({ REDIS_URL: 'rediss://cache.internal' })).tls).toEqual({});
    const ca = join(mkdtempSync(join(tmpdir(), 'outbox-redis-tls-')), 'ca.pem');
    writeFileSync(ca, 'PEM');
    expect(String(redisConnectionOptions(redis({ REDIS_TLS_CA_FILE: ca })).tls?.ca)).toBe('PEM');
  });

  it('asks the sentinels for the master, with the same credentials and TLS for both', () => {
    const settings = redis({
      REDIS_URL: 'rediss://relay:pw@ignored:1',
      REDIS_SENTINELS: 's1:26379,s2:26380',
      REDIS_SENTINEL_MASTER: 'main',
      REDIS_SENTINEL_PASSWORD: 'spw',
    });
    const options = redisConnectionOptions(settings);
    expect(options).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'main',
      username: 'relay',
      password: 'pw',
      sentinelPassword: 'spw',
      enableTLSForSentinelMode: true,
    });
    expect(options.host).toBeUndefined();
    expect(options.tls, 'TLS to the master (rediss://)').toEqual({});
    expect(options.sentinelTLS, 'and to the sentinels').toEqual({});
    expect(redisAddress(settings)).toBe('master main via sentinels s1:26379,s2:26380');
    expect(redisAddress(redis({ REDIS_URL: 'redis://u:secret@h:1' }))).toBe('redis://u:redacted@h:1');
  });
});
