import { isIP } from 'node:net';
import type { Config } from '@outbox/config';
import type { Logger } from '@outbox/logger';
import { migrateOutbox, openDatabase } from '@outbox/outbox-store';
import type { Service } from '@outbox/runtime';
import { startTracing } from '@outbox/tracing';
import { buildWriterServer } from './http-server.ts';
import { migrateUsers, UserService } from './user-service.ts';

const isLoopback = (address: string) => address === '::1' || /^(::ffff:)?127\./.test(address) || address === 'localhost';

/** The users the original demo started with. */
export const sampleUsers = ['Alice', 'Bob', 'Carol', 'Dave', 'Eve'] as const;

/** Opens the database, migrates it, and serves the writer's HTTP API. */
export async function createWriterService({
  config,
  logger,
}: {
  config: Config;
  logger: Logger;
}): Promise<Service & { url: string; users: UserService }> {
  const tracing = await startTracing(config, { service: 'outbox-writer', logger });
  const db = openDatabase(config.sqlite.path, config.sqlite);
  try {
    migrateUsers(db);
    migrateOutbox(db, config.outbox.table);
    const users = new UserService(db, config.outbox.table);
    const server = buildWriterServer(users, logger, tracing?.tracer);
    // Fastify answers with one of the addresses it listens on (127.0.0.1 for 0.0.0.0): fine to
    // connect to, but the log must say what is really exposed.
    const url = await server.listen({ host: config.writer.host, port: config.writer.port });
    const first = server.addresses()[0];
    const bound = typeof first === 'object' ? first : { address: config.writer.host, port: config.writer.port };
    const listening = `http://${isIP(bound.address) === 6 ? `[${bound.address}]` : bound.address}:${bound.port}`;
    logger.info({ url: listening, address: bound.address, port: bound.port }, `writer listening on ${listening}`);
    if (!isLoopback(bound.address)) {
      logger.warn(
        { address: bound.address },
        `the writer API has no authentication, and it listens on ${bound.address} (WRITER_HOST), beyond this host: anyone who reaches it can write users and events`,
      );
    }
    return {
      url,
      users,
      close: async () => {
        await server.close();
        db.close();
        await tracing?.close();
      },
    };
  } catch (error) {
    db.close();
    await tracing?.close();
    throw error;
  }
}
