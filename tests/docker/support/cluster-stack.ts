import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, projectRoot } from '@outbox/infra';
import { inject } from 'vitest';
import { docker } from './compose-stack.ts';

const run = promisify(execFile);

export interface ClusterStack {
  /** The compose project (named outboxtest…, like compose-stack.ts's, so CI's sweep finds it). */
  project: string;
  /** The REST API's bearer token. */
  token: string;
  /** The folder the kafka-secrets service writes the CA, keystores and passwords to. */
  secretsDir: string;
  /** The three brokers' SASL_SSL listeners as the host reaches them. */
  kafkaBrokers: string[];
  /** The settings a client on the host connects with, as the compose file's header gives them. */
  kafkaEnv: Record<string, string>;
  /** What a kafkajs client on the host needs: the CA and the pipeline's SCRAM login. */
  kafkaSecurity(): { ca: string; username: string; password: string };
  /** Runs `docker compose <args>` on this project. */
  run(args: string[]): Promise<string>;
  /** The loopback URL a service's container port is published at. */
  url(service: string, containerPort: number): Promise<string>;
  /** The ids of a service's containers, running or not. */
  containers(service: string): Promise<string[]>;
  /** `down -v`, then whatever still carries the project's label, then the secrets; never fails. */
  destroy(): Promise<void>;
}

/**
 * infra/docker-compose.cluster.yml as a compose project of its own: the brokers' host ports are
 * chosen free here (each broker advertises its own), the others by Docker, and the secrets go to
 * a fresh temporary folder instead of .data/, so a run never meets another one.
 */
export async function clusterStack(images: Record<string, string>): Promise<ClusterStack> {
  const project = `outboxtest${randomBytes(4).toString('hex')}`;
  const token = randomBytes(16).toString('hex');
  const secretsDir = mkdtempSync(join(tmpdir(), 'outbox-cluster-secrets-'));
  const ports: number[] = [];
  // One at a time: freePort only promises a port free now, so three calls at once may agree.
  for (let i = 0; i < 3; i++) {
    let port = await freePort();
    while (ports.includes(port)) port = await freePort();
    ports.push(port);
  }
  const [port1, port2, port3] = ports.map(String);
  const env = {
    ...inject('hostEnv'),
    ...images,
    COMPOSE_PROJECT_NAME: project,
    OUTBOX_KAFKA_SECRETS: secretsDir,
    OUTBOX_KAFKA_1_PORT: port1,
    OUTBOX_KAFKA_2_PORT: port2,
    OUTBOX_KAFKA_3_PORT: port3,
    OUTBOX_API_PORT: '',
    OUTBOX_WRITER_PORT: '',
    OUTBOX_REDIS_PORT: '',
    OUTBOX_HTTP_TOKEN: token,
    LOG_LEVEL: 'warn',
  };
  const command = await run('docker', ['compose', 'version']).then(
    () => ['docker', 'compose'],
    () => ['docker-compose'],
  );
  const file = ['-f', join(projectRoot, 'infra/docker-compose.cluster.yml')];
  const runCompose = async (args: string[]) => {
    const [program = 'docker-compose', ...first] = command;
    const { stdout } = await run(program, [...first, ...file, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  };
  const kafkaBrokers = ports.map((port) => `127.0.0.1:${port}`);
  return {
    project,
    token,
    secretsDir,
    kafkaBrokers,
    kafkaEnv: {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'outbox',
      KAFKA_SASL_PASSWORD_FILE: join(secretsDir, 'outbox.password'),
      KAFKA_SSL_CA_FILE: join(secretsDir, 'ca.pem'),
      OUTBOX_TOPIC_REPLICATION_FACTOR: '3',
    },
    kafkaSecurity: () => ({
      ca: readFileSync(join(secretsDir, 'ca.pem'), 'utf8'),
      username: 'outbox',
      password: readFileSync(join(secretsDir, 'outbox.password'), 'utf8').trim(),
    }),
    run: runCompose,
    url: async (service, containerPort) => {
      const port = (await runCompose(['port', service, String(containerPort)])).split(':').at(-1);
      if (!port) throw new Error(`${service}:${containerPort} is not published (is the service up?)`);
      return `http://127.0.0.1:${port}`;
    },
    containers: async (service) => (await runCompose(['ps', '-a', '-q', service])).split('\n').filter(Boolean),
    destroy: async () => {
      await runCompose(['down', '-v', '--remove-orphans', '-t', '5']).catch((error: Error) =>
        process.stderr.write(`compose down of ${project} failed: ${error.message}\n`),
      );
      // A `run` container that a failed test left behind is no service of `down`'s.
      const left = await docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`]).catch(() => '');
      if (left) await docker(['rm', '-f', '-v', ...left.split('\n')]).catch(() => '');
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}
