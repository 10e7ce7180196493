import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@outbox/errors';
import { describe, expect, it } from 'vitest';
import { configSecrets } from './config-secrets.ts';
import { loadConfig } from './load-config.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const dir = mkdtempSync(join(tmpdir(), 'outbox-security-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('Kafka security settings', () => {
  it('take SCRAM over TLS with a CA file and a password from a file', () => {
    const config = loadConfig({
      env: {
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'relay',
        KAFKA_SASL_PASSWORD_FILE: file('password', 's3cret-pass\n'),
        KAFKA_SSL_CA_FILE: file('ca.pem', 'pem'),
      },
    });
    expect(config.kafka.sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'relay', password: 's3cret-pass' });
    expect(config.kafka.ssl.endpointIdentificationAlgorithm).toBe('https');
    expect(configSecrets(config)).toContain('s3cret-pass');
  });

  it('report every setting missing or ignored for the protocol, without echoing a secret', () => {
    expect(problemsOf({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toEqual([
      'KAFKA_SASL_MECHANISM (kafka.sasl.mechanism): required with security protocol SASL_SSL',
    ]);
    expect(problemsOf({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_MECHANISM: 'PLAIN' })).toEqual([
      'KAFKA_SASL_USERNAME (kafka.sasl.username): required with SASL mechanism PLAIN',
      'KAFKA_SASL_PASSWORD (kafka.sasl.password): required with SASL mechanism PLAIN',
    ]);
    const problems = problemsOf({ KAFKA_SASL_PASSWORD: 'hunter2-secret', KAFKA_SSL_CERT_FILE: file('cert.pem', 'pem') });
    expect(problems).toEqual([
      'KAFKA_SECURITY_PROTOCOL (kafka.securityProtocol): SASL settings are set, but the security protocol is not SASL_PLAINTEXT or SASL_SSL',
      'KAFKA_SECURITY_PROTOCOL (kafka.securityProtocol): TLS files are set, but the security protocol is not SSL or SASL_SSL',
      'KAFKA_SSL_KEY_FILE (kafka.ssl.keyFile): required with certFile',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuse a file that cannot be read, and a secret given both ways', () => {
    expect(problemsOf({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') })).toEqual([
      `KAFKA_SSL_CA_FILE (kafka.ssl.caFile): a file this process can read (got "${join(dir, 'missing.pem')}")`,
    ]);
    const both = problemsOf({ REDIS_PASSWORD: 'a', REDIS_PASSWORD_FILE: file('redis-password', 'b') });
    expect(both).toEqual(['REDIS_PASSWORD_FILE: set either it or REDIS_PASSWORD, not both']);
    expect(problemsOf({ OUTBOX_HTTP_TOKEN_FILE: join(dir, 'nope') })[0]).toMatch(/^OUTBOX_HTTP_TOKEN_FILE \(.*nope\): ENOENT/);
    expect(problemsOf({ KAFKA_BROKERS: 'prod:9092', KAFKA_BROKERS_FILE: file('brokers', 'x:1') })).toEqual([
      'KAFKA_BROKERS_FILE: only secrets can be read from a file (KAFKA_SASL_PASSWORD, KAFKA_SSL_KEY_PASSWORD, REDIS_URL, REDIS_PASSWORD, REDIS_SENTINEL_PASSWORD, OUTBOX_HTTP_TOKEN, OUTBOX_ALERT_WEBHOOK_URL)',
    ]);
    expect(problemsOf({ OUTBOX_HTTP_TOKEN: 'short-token' })).toEqual(['OUTBOX_HTTP_TOKEN (http.token): at least 16 characters']);
  });

  it('need exactly one source of an OAUTHBEARER token', () => {
    const env = { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'OAUTHBEARER' };
    expect(problemsOf(env)).toEqual([
      'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE (kafka.sasl.oauthbearerTokenFile): OAUTHBEARER needs exactly one of a token file or a token command',
    ]);
    const config = loadConfig({ env: { ...env, KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: 'cat /run/token' } });
    expect(config.kafka.sasl.oauthbearerTokenCommand).toBe('cat /run/token');
  });
});

describe('Redis security settings', () => {
  it('take an ACL user, TLS files and sentinels, and list the passwords as secrets', () => {
    const config = loadConfig({
      env: {
        REDIS_URL: 'rediss://127.0.0.1:6380',
        REDIS_USERNAME: 'relay',
        REDIS_PASSWORD_FILE: file('redis-pass', 'redis-secret\r\n'),
        REDIS_TLS_CA_FILE: file('redis-ca.pem', 'pem'),
        REDIS_SENTINELS: 'a:26379, b:26380',
        REDIS_SENTINEL_MASTER: 'orders',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      },
    });
    expect(config.redis).toMatchObject({
      username: 'relay',
      password: 'redis-secret',
      sentinels: ['a:26379', 'b:26380'],
      sentinelMasterName: 'orders',
    });
    expect(configSecrets(config)).toEqual(expect.arrayContaining(['redis-secret', 'sentinel-secret']));
    expect(problemsOf({ REDIS_SENTINELS: 'a' })).toEqual(['REDIS_SENTINELS (redis.sentinels): host:port (got "a")']);
  });
});
