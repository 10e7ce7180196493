import type { Config } from './schema.ts';

/**
 * Every secret the config holds, for the logger to keep out of every line: the REST token, the
 * Kafka and Redis passwords, and the passwords of the Redis and webhook URLs (as written in the
 * URL and decoded).
 */
export function configSecrets(config: Config): string[] {
  const secrets = [
    config.http.token,
    config.kafka.sasl.password,
    // A token command may carry a client secret on its command line.
    config.kafka.sasl.oauthbearerTokenCommand,
    config.kafka.ssl.keyPassword,
    config.redis.password,
    config.redis.sentinelPassword,
    ...urlPassword(config.redis.url),
    ...urlPassword(config.alerts.webhookUrl),
  ];
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function urlPassword(url: string | undefined): string[] {
  if (!url || !URL.canParse(url)) return [];
  const { password } = new URL(url);
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}
