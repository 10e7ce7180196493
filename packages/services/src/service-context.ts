import { readFileSync } from 'node:fs';
import type { Config } from '@outbox/config';
import type { Logger } from '@outbox/logger';

export interface ServiceContext {
  config: Config;
  logger: Logger;
}

/** The project's version, reported by the REST API like Kafka Connect's `GET /`. */
export const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
