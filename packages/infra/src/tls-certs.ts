import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { OutboxError } from '@outbox/errors';

/** A certificate authority made for one test run: its certificate and key, PEM. */
export interface CertificateAuthority {
  dir: string;
  certFile: string;
  keyFile: string;
}

/** A certificate signed by a test CA, and its key (unencrypted PKCS#8), PEM. */
export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
}

export interface IssueCertificateOptions {
  /** Subject common name, and the base of the file names. */
  name: string;
  /** Host names and IP addresses the certificate is valid for (subjectAltName). @defaultValue ['127.0.0.1', 'localhost'] */
  hosts?: string[];
  /** @defaultValue 2 */
  days?: number;
  /** Valid only in the past (a day in 2020), for tests of an expired certificate. @defaultValue false */
  expired?: boolean;
}

/**
 * A new CA in `dir`, made with `openssl` (P-256 keys: quick to make, and every client the project
 * uses accepts them). Tests make their own at run time, so no key is ever committed.
 */
export function createCertificateAuthority(dir: string, name = 'outbox test CA'): CertificateAuthority {
  mkdirSync(dir, { recursive: true });
  const ca = { dir, certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key') };
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', ca.keyFile]);
  openssl(['req', '-x509', '-new', '-key', ca.keyFile, '-subj', `/CN=${name}`, '-days', '2', '-out', ca.certFile]);
  return ca;
}

/**
 * A certificate for servers and clients alike (extended key usage serverAuth and clientAuth),
 * signed by `ca`.
 */
export function issueCertificate(ca: CertificateAuthority, options: IssueCertificateOptions): IssuedCertificate {
  const base = join(ca.dir, options.name);
  const issued = { certFile: `${base}.pem`, keyFile: `${base}.key` };
  const request = `${base}.csr`;
  const extensions = `${base}.ext`;
  const hosts = options.hosts ?? ['127.0.0.1', 'localhost'];
  const altNames = hosts.map((host) => (isIP(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
  writeFileSync(extensions, `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', issued.keyFile]);
  openssl(['req', '-new', '-key', issued.keyFile, '-subj', `/CN=${options.name}`, '-out', request]);
  if (options.expired) {
    signInThePast(ca, request, extensions, issued.certFile);
  } else {
    openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-CAcreateserial',
      '-days',
      String(options.days ?? 2),
      '-extfile',
      extensions,
      '-out',
      issued.certFile,
    ]);
  }
  return issued;
}

/** `openssl x509` (3.0) only signs from now on; `openssl ca` takes explicit start and end dates. */
function signInThePast(ca: CertificateAuthority, request: string, extensions: string, out: string): void {
  const database = join(ca.dir, 'index.txt');
  const config = join(ca.dir, 'ca.cnf');
  writeFileSync(database, '');
  writeFileSync(join(ca.dir, 'serial'), '1000\n');
  writeFileSync(
    config,
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${database}`,
      `new_certs_dir = ${ca.dir}`,
      `serial = ${join(ca.dir, 'serial')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl([
    'ca',
    '-batch',
    '-config',
    config,
    '-cert',
    ca.certFile,
    '-keyfile',
    ca.keyFile,
    '-in',
    request,
    '-extfile',
    extensions,
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
    '-out',
    out,
  ]);
}

function openssl(args: string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error)
    throw new OutboxError('openssl is not installed; tests make their certificates with it', { code: 'TOOL_MISSING' });
  if (result.status !== 0) {
    throw new OutboxError(`openssl ${args[0]} failed: ${result.stderr.trim()}`, { code: 'TLS_CERTS_FAILED' });
  }
}
