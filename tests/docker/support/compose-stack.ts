import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, projectRoot } from '@outbox/infra';
import { inject } from 'vitest';

const run = promisify(execFile);

/** `docker compose` (v2) where the plugin is installed, else Debian's `docker-compose` 1.29. */
let composeCommand: Promise<string[]> | undefined;
function compose(): Promise<string[]> {
  composeCommand ??= run('docker', ['compose', 'version']).then(
    () => ['docker', 'compose'],
    () => ['docker-compose'],
  );
  return composeCommand;
}

export async function docker(args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export interface ComposeStack {
  /** The compose project: its containers, network and volumes are named after it. */
  project: string;
  /** The REST API's bearer token. */
  token: string;
  /** The broker as the host reaches it (127.0.0.1 and the published port). */
  kafkaBrokers: string[];
  /** Runs `docker compose <args>` on this project. */
  run(args: string[]): Promise<string>;
  /** The loopback URL a service's container port is published at (it changes with every `up`). */
  url(service: string, containerPort: number): Promise<string>;
  /** The ids of a service's running containers. */
  containers(service: string): Promise<string[]>;
  /** `down -v`: removes every container, the network and the volumes; never fails. */
  destroy(): Promise<void>;
}

/**
 * infra/docker-compose.yml with the local images' override, as its own compose project: a name
 * of its own, every host port on loopback and chosen free (Kafka's by us, since the broker
 * advertises it; the others by Docker), so it never meets the test kit's broker or another run.
 */
export async function composeStack(images: Record<string, string>): Promise<ComposeStack> {
  const project = `outboxtest${randomBytes(4).toString('hex')}`;
  const token = randomBytes(16).toString('hex');
  const kafkaPort = await freePort();
  const env = {
    ...inject('hostEnv'),
    ...images,
    COMPOSE_PROJECT_NAME: project,
    OUTBOX_KAFKA_PORT: String(kafkaPort),
    OUTBOX_API_PORT: '',
    OUTBOX_WRITER_PORT: '',
    OUTBOX_REDIS_PORT: '',
    OUTBOX_HTTP_TOKEN: token,
    LOG_LEVEL: 'warn',
  };
  const files = ['infra/docker-compose.yml', 'infra/docker-compose.local.yml'].flatMap((file) => ['-f', join(projectRoot, file)]);
  const command = await compose();
  const runCompose = async (args: string[]) => {
    const [program = 'docker-compose', ...first] = command;
    const { stdout } = await run(program, [...first, ...files, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  };
  return {
    project,
    token,
    kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
    run: runCompose,
    url: async (service, containerPort) => {
      const port = (await runCompose(['port', service, String(containerPort)])).split(':').at(-1);
      if (!port) throw new Error(`${service}:${containerPort} is not published (is the service up?)`);
      return `http://127.0.0.1:${port}`;
    },
    containers: async (service) => (await runCompose(['ps', '-q', service])).split('\n').filter(Boolean),
    destroy: async () => {
      await runCompose(['down', '-v', '--remove-orphans', '-t', '5']).catch((error: Error) =>
        process.stderr.write(`compose down of ${project} failed: ${error.message}\n`),
      );
    },
  };
}
