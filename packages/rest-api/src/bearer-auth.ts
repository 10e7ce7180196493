import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.ts';

/** Kubernetes probes and Prometheus scrapes stay open: they change nothing and reveal no events. */
const openPaths = new Set(['/healthz', '/readyz', '/metrics']);

/** The cookie the status page sets so that Bull Board's own requests carry the token too. */
export const tokenCookie = 'outbox_token';

// The scheme is case-insensitive (RFC 9110, section 11.1): `bearer` and `BEARER` are `Bearer`.
const bearerScheme = /^bearer[ \t]+(.+)$/i;

function presented(request: FastifyRequest): string | undefined {
  const bearer = bearerScheme.exec(request.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return bearer.trim();
  const cookies = request.headers.cookie?.split(';').map((c) => c.trim().split('=')) ?? [];
  const value = cookies.find(([name]) => name === tokenCookie)?.[1];
  return value === undefined ? undefined : decodeURIComponent(value);
}

function matches(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Requires `Authorization: Bearer <token>` (or the status page's cookie) on everything but the
 * probes and /metrics. Config makes a token mandatory whenever the server is not bound to loopback.
 */
export function requireBearerToken(app: FastifyInstance, token: string | undefined): void {
  if (!token) return;
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (openPaths.has(path)) return;
    if (!matches(presented(request), token)) {
      throw new ApiError(401, 'UNAUTHORIZED', 'a bearer token is required: send "Authorization: Bearer <OUTBOX_HTTP_TOKEN>"');
    }
  });
}
