import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '@outbox/infra';
import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The images the compose file runs, by its variables. */
    dockerImages: { OUTBOX_IMAGE: string; OUTBOX_KAFKA_IMAGE: string; OUTBOX_REDIS_IMAGE: string };
    /** Images asked for instead of the built ones (vitest.docker.config.ts). */
    imageOverrides: { OUTBOX_KAFKA_IMAGE?: string; OUTBOX_REDIS_IMAGE?: string };
    /** The environment the compose commands run in, beside their own variables (vitest.docker.config.ts). */
    hostEnv: Record<string, string>;
  }
}

/** Runs infra/docker/build-images.sh (its progress on stderr) and returns the VARIABLE=image lines it prints. */
function buildImages(): Promise<ProvidedContext['dockerImages']> {
  const child = spawn(join(projectRoot, 'infra/docker/build-images.sh'), [], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`infra/docker/build-images.sh exited with ${code}`));
      const lines = stdout.trim().split('\n');
      resolve(Object.fromEntries(lines.map((line) => line.split('=', 2))) as ProvidedContext['dockerImages']);
    });
  });
}

/**
 * Builds the project's images (a no-op when an image of the same content is tagged already) for
 * the compose tests and for the test kit's Kafka and Redis containers, which container-global-setup.ts
 * starts after this from the same images (`containerImages`). OUTBOX_KAFKA_IMAGE and
 * OUTBOX_REDIS_IMAGE, when set, choose other images (the official ones, say) for both.
 */
export default async function setup(project: TestProject): Promise<void> {
  try {
    await promisify(execFile)('docker', ['info', '--format', '{{.ServerVersion}}']);
  } catch (error) {
    throw new Error(`the docker tests need a running Docker engine: ${(error as Error).message}`);
  }
  const started = performance.now();
  const built = await buildImages();
  const images = { ...built, ...project.getProvidedContext().imageOverrides };
  process.stderr.write(`docker tests: images ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  project.provide('dockerImages', images);
  project.provide('containerImages', { kafka: images.OUTBOX_KAFKA_IMAGE, redis: images.OUTBOX_REDIS_IMAGE });
}
