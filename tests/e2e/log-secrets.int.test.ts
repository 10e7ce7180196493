import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '@outbox/config';
import { createLogger } from '@outbox/logger';
import { createRedisClient } from '@outbox/queue';
import { freePort, type RedisServer, startRedisServer, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const start = useApps();
const password = 'right-password-4c1e';
const wrong = 'wrong-password-77ab';
let redis: RedisServer;
let url: string;

beforeAll(async () => {
  redis = await startRedisServer({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), 'outbox-redis-auth-')) });
  const admin = new Redis(redis.url);
  await admin.config('SET', 'requirepass', password);
  admin.disconnect();
  url = redis.url.replace('redis://', `redis://default:${wrong}@`);
});
afterAll(() => redis?.stop());

function captureLogs(secrets: string[]) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ format: 'json', destination, secrets }), lines };
}

describe('a wrong Redis password', () => {
  it('never reaches the log, from HELLO (RESP3) or AUTH (RESP2), even when not configured as a secret', async () => {
    for (const protocol of [3, 2] as const) {
      const { logger, lines } = captureLogs([]);
      const client =
        protocol === 3
          ? createRedisClient(loadConfig({ env: { REDIS_URL: url } }).redis, { logger, connectionName: 'test' })
          : new Redis(url, { protocol, lazyConnect: true });
      if (protocol === 2) {
        client.on('error', (error: Error) => logger.warn({ err: error }, error.message));
        await client.connect().catch((error: unknown) => logger.warn({ err: error }, 'connect failed'));
      }
      await waitFor(`an auth failure logged (protocol ${protocol})`, () => lines.join('').includes('WRONGPASS'), {
        timeoutMs: 10_000,
      });
      client.disconnect();
      const text = lines.join('');
      expect(text).toMatch(protocol === 3 ? /"name":"hello"/ : /"name":"auth"/);
      expect(text).not.toContain(wrong);
    }
  });

  it("is not in a worker's output, nor are the REST token and the webhook URL's password", async () => {
    const token = 'rest-token-5d3a9f01c2b4';
    const hookPassword = 'hook-password-e81f';
    const { env } = testEnvironment({
      REDIS_URL: url,
      OUTBOX_HTTP_TOKEN: token,
      OUTBOX_ALERT_WEBHOOK_URL: `http://alerts:${hookPassword}@127.0.0.1:${await freePort()}/hook`,
      LOG_LEVEL: 'trace',
    });
    const capture = start('capture-worker', env);
    await waitFor('the auth failure', () => capture.output().includes('WRONGPASS'), { timeoutMs: 30_000 });
    await capture.stop('SIGTERM');
    const output = capture.output();
    expect(output).toContain('"name":"hello"');
    for (const secret of [wrong, token, hookPassword]) expect(output).not.toContain(secret);
  });
});
