import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';
import type { KafkaSecurityOptions, KafkaUser } from './kafka-security.ts';
import { type CertificateAuthority, createCertificateAuthority, type IssuedCertificate, issueCertificate } from './tls-certs.ts';

/** Everything a test of Kafka's TLS needs, made with `openssl` at run time. */
export interface KafkaTestCertificates {
  /** Signs the broker's certificates and the client's. */
  ca: CertificateAuthority;
  /** For 127.0.0.1 and localhost. */
  broker: IssuedCertificate;
  /** The client's certificate for mTLS; `keyFile` is its key encrypted with `keyPassword` (PKCS#8, AES-256). */
  client: IssuedCertificate & { keyPassword: string };
  /** Signed by `ca`, valid only for a day in 2020. */
  expired: IssuedCertificate;
  /** Signed by `ca`, for other.example only. */
  mismatched: IssuedCertificate;
  /** A CA that signed none of these: a client trusting only it rejects the broker. */
  unknownCa: CertificateAuthority;
}

/** Makes a {@link KafkaTestCertificates} set in `dir`; `keyPassword` encrypts the client's key. */
export function createKafkaTestCertificates(dir: string, keyPassword: string): KafkaTestCertificates {
  const ca = createCertificateAuthority(join(dir, 'ca'), 'outbox test CA');
  const client = issueCertificate(ca, { name: 'client', hosts: ['localhost'] });
  const encryptedKeyFile = join(ca.dir, 'client.encrypted.key');
  const passwordFile = join(ca.dir, 'client.key-password');
  // The password goes through a file, so it never shows in a process list.
  writeFileSync(passwordFile, keyPassword, { mode: 0o600 });
  const result = spawnSync(
    'openssl',
    [
      'pkcs8',
      '-topk8',
      '-v2',
      'aes-256-cbc',
      '-in',
      client.keyFile,
      '-passout',
      `file:${passwordFile}`,
      '-out',
      encryptedKeyFile,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new OutboxError(`openssl pkcs8 failed: ${result.error?.message ?? result.stderr.trim()}`, { code: 'TLS_CERTS_FAILED' });
  }
  return {
    ca,
    broker: issueCertificate(ca, { name: 'broker' }),
    client: { certFile: client.certFile, keyFile: encryptedKeyFile, keyPassword },
    expired: issueCertificate(ca, { name: 'expired', expired: true }),
    mismatched: issueCertificate(ca, { name: 'mismatched', hosts: ['other.example'] }),
    unknownCa: createCertificateAuthority(join(dir, 'unknown-ca'), 'unknown test CA'),
  };
}

/**
 * The security of a test broker serving these certificates: the standard secured listeners with
 * `broker`, plus `EXPIRED` and `MISMATCHED` TLS listeners serving the bad ones.
 */
export function testBrokerSecurity(certificates: KafkaTestCertificates, users: KafkaUser[]): KafkaSecurityOptions {
  return {
    tls: { caFile: certificates.ca.certFile, ...certificates.broker },
    users,
    extraTlsListeners: [
      { name: 'EXPIRED', ...certificates.expired },
      { name: 'MISMATCHED', ...certificates.mismatched },
    ],
  };
}
