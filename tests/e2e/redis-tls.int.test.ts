import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate } from '@outbox/infra';
import { freePort, type RedisServer, startRedisServer, testEnvironment, useApps } from '@outbox/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { expectEveryEventDelivered, runPipelineOnRedis } from '../support/redis-pipeline-run.ts';

const start = useApps();
let redis: RedisServer | undefined;
afterEach(() => redis?.stop());

/** A CA made for the test, and a certificate for the server at 127.0.0.1 and one for the clients. */
function certificates() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-redis-tls-'));
  const ca = createCertificateAuthority(join(dir, 'ca'));
  return { dir, ca, server: issueCertificate(ca, { name: 'redis' }), client: issueCertificate(ca, { name: 'outbox' }) };
}

describe('Redis over TLS', () => {
  it('runs the whole pipeline and the operator commands over rediss:// with a client certificate (mutual TLS) as an ACL user', async () => {
    const { dir, ca, server, client } = certificates();
    const password = 'tls-user-5b8d';
    redis = await startRedisServer({
      port: await freePort(),
      dir: join(dir, 'redis'),
      tls: { ...server, caFile: ca.certFile, authClients: true },
      users: [`outbox on >${password} ~* +@all`],
    });
    expect(redis.url).toMatch(/^rediss:/);
    const test = testEnvironment({
      REDIS_URL: redis.url.replace('rediss://', `rediss://outbox:${password}@`),
      REDIS_TLS_CA_FILE: ca.certFile,
      REDIS_TLS_CERT_FILE: client.certFile,
      REDIS_TLS_KEY_FILE: client.keyFile,
    });
    const run = await runPipelineOnRedis({ start, test, events: 1000 });
    expectEveryEventDelivered(run, 'Redis mTLS');
  });

  it('runs it with only the CA (a server that asks for no client certificate)', async () => {
    const { dir, ca, server } = certificates();
    redis = await startRedisServer({ port: await freePort(), dir: join(dir, 'redis'), tls: { ...server, caFile: ca.certFile } });
    const test = testEnvironment({ REDIS_URL: redis.url, REDIS_TLS_CA_FILE: ca.certFile });
    const run = await runPipelineOnRedis({ start, test, events: 600, operate: false });
    const { report } = run.audit;
    expect(report.lost).toEqual([]);
    expect(report.outOfOrder).toBe(0);
    expect(report.uniqueEvents).toBe(600);
  });
});
