import { accessSync, constants, statSync } from 'node:fs';
import { z } from 'zod';

/**
 * A certificate, key or token file: checked when the config loads, so a typo in a path is a
 * config error (exit 2) and not a connection that fails later for a reason that is hard to see.
 */
const readableFile = z
  .string()
  .min(1)
  .refine((path) => isReadableFile(path), 'a file this process can read');

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const secret = z.string().min(1, 'must not be empty');

/** PEM files for TLS; shared by Kafka and Redis. */
const tlsFiles = {
  /** A CA bundle; unset, Node's built-in CAs are trusted (what managed services need). */
  caFile: readableFile.optional(),
  /** A client certificate and its key, for brokers or servers that require one (mTLS). */
  certFile: readableFile.optional(),
  keyFile: readableFile.optional(),
};

type CertPair = { certFile?: string | undefined; keyFile?: string | undefined };

function requireCertWithKey(tls: CertPair, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (tls.certFile && !tls.keyFile)
    ctx.addIssue({ code: 'custom', path: [...path, 'keyFile'], message: 'required with certFile' });
  if (tls.keyFile && !tls.certFile)
    ctx.addIssue({ code: 'custom', path: [...path, 'certFile'], message: 'required with keyFile' });
}

export const kafkaSecurity = {
  /** Kafka's `security.protocol`: whether the connection is TLS, SASL, both or neither. */
  securityProtocol: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']).default('PLAINTEXT'),
  sasl: z
    .object({
      mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER']).optional(),
      username: z.string().min(1).optional(),
      password: secret.optional(),
      /** Read at every authentication, so whatever renews the token only rewrites the file. */
      oauthbearerTokenFile: readableFile.optional(),
      /** Run with `sh -c` at every authentication; its output is the token. */
      oauthbearerTokenCommand: z.string().min(1).optional(),
    })
    .strict()
    .prefault({}),
  ssl: z
    .object({
      ...tlsFiles,
      keyPassword: secret.optional(),
      /** Kafka's `ssl.endpoint.identification.algorithm`: `https` checks the broker's name. */
      endpointIdentificationAlgorithm: z.enum(['https', 'none']).default('https'),
    })
    .strict()
    .prefault({}),
};

type KafkaSecurity = {
  securityProtocol: string;
  sasl: { mechanism?: string | undefined; username?: string | undefined; password?: string | undefined } & {
    oauthbearerTokenFile?: string | undefined;
    oauthbearerTokenCommand?: string | undefined;
  };
  ssl: CertPair & { caFile?: string | undefined; keyPassword?: string | undefined };
};

/** Settings that only make sense together: every one that is missing or ignored is reported. */
export function checkKafkaSecurity(kafka: KafkaSecurity, ctx: z.RefinementCtx): void {
  const usesSasl = kafka.securityProtocol.startsWith('SASL_');
  const usesTls = kafka.securityProtocol.endsWith('SSL');
  const { sasl, ssl } = kafka;
  const problem = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (usesSasl && !sasl.mechanism) problem(['sasl', 'mechanism'], `required with security protocol ${kafka.securityProtocol}`);
  if (!usesSasl && Object.values(sasl).some((v) => v !== undefined))
    problem(['securityProtocol'], 'SASL settings are set, but the security protocol is not SASL_PLAINTEXT or SASL_SSL');
  if (!usesTls && Object.values({ ...ssl, endpointIdentificationAlgorithm: undefined }).some((v) => v !== undefined))
    problem(['securityProtocol'], 'TLS files are set, but the security protocol is not SSL or SASL_SSL');
  if (usesSasl && sasl.mechanism === 'OAUTHBEARER') {
    if (!sasl.oauthbearerTokenFile === !sasl.oauthbearerTokenCommand)
      problem(['sasl', 'oauthbearerTokenFile'], 'OAUTHBEARER needs exactly one of a token file or a token command');
  } else if (usesSasl && sasl.mechanism) {
    if (!sasl.username) problem(['sasl', 'username'], `required with SASL mechanism ${sasl.mechanism}`);
    if (!sasl.password) problem(['sasl', 'password'], `required with SASL mechanism ${sasl.mechanism}`);
  }
  requireCertWithKey(ssl, ctx, ['ssl']);
}

export const redisSecurity = {
  /** An ACL user and its password; they override what the URL says. */
  username: z.string().min(1).optional(),
  password: secret.optional(),
  /** TLS is on when the URL is `rediss://` or any of these is set. */
  tls: z.object(tlsFiles).strict().prefault({}),
  sentinelMasterName: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ -')
    .default('mymaster'),
  sentinelUsername: z.string().min(1).optional(),
  sentinelPassword: secret.optional(),
};

export function checkRedisSecurity(redis: { tls: CertPair }, ctx: z.RefinementCtx): void {
  requireCertWithKey(redis.tls, ctx, ['tls']);
}
