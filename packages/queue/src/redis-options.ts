import { readFileSync } from 'node:fs';
import type { Config } from '@outbox/config';
import { redactUrl } from '@outbox/logger';
import type { RedisOptions } from 'ioredis';

export type RedisSettings = Config['redis'];

/**
 * ioredis' connection options from the config. ioredis lets a URL's credentials win over the
 * options beside it, so the URL is taken apart here and the explicit settings laid over it.
 */
export function redisConnectionOptions(settings: RedisSettings): RedisOptions {
  const url = new URL(settings.url);
  const tls = tlsOptions(settings, url);
  const common: RedisOptions = {
    username: settings.username ?? (decode(url.username) || undefined),
    password: settings.password ?? (decode(url.password) || undefined),
    db: Number(url.pathname.slice(1)) || 0,
  };
  if (!settings.sentinels) {
    return { ...common, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379), ...(tls && { tls }) };
  }
  return {
    ...common,
    sentinels: settings.sentinels.map(hostAndPort),
    name: settings.sentinelMasterName,
    sentinelUsername: settings.sentinelUsername,
    sentinelPassword: settings.sentinelPassword,
    // Sentinels and the servers they name share one TLS setting: a deployment has TLS everywhere or nowhere.
    ...(tls && { tls, sentinelTLS: tls, enableTLSForSentinelMode: true }),
  };
}

/** Where the client connects, without secrets, for log lines. */
export function redisAddress(settings: RedisSettings): string {
  if (!settings.sentinels) return redactUrl(settings.url);
  return `master ${settings.sentinelMasterName} via sentinels ${settings.sentinels.join(',')}`;
}

function tlsOptions(settings: RedisSettings, url: URL): RedisOptions['tls'] {
  const { caFile, certFile, keyFile } = settings.tls;
  if (url.protocol !== 'rediss:' && !caFile && !certFile) return undefined;
  return {
    ...(caFile && { ca: readFileSync(caFile) }),
    ...(certFile && keyFile && { cert: readFileSync(certFile), key: readFileSync(keyFile) }),
  };
}

function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
