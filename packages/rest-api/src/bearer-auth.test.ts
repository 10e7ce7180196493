import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { requireBearerToken } from './bearer-auth.ts';

async function server() {
  const app = Fastify({ logger: false });
  requireBearerToken(app, 's3cret');
  app.get('/connectors', async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('requireBearerToken', () => {
  it.each(['Bearer s3cret', 'bearer s3cret', 'BEARER s3cret', 'Bearer   s3cret'])('accepts "%s"', async (authorization) => {
    const app = await server();
    expect((await app.inject({ url: '/connectors', headers: { authorization } })).statusCode).toBe(200);
  });

  it.each(['Bearer wrong', 'Basic s3cret', 'Bearers3cret', 's3cret'])('refuses "%s"', async (authorization) => {
    const app = await server();
    expect((await app.inject({ url: '/connectors', headers: { authorization } })).statusCode).toBe(401);
  });
});
