import type { Config } from '@outbox/config';
import type { Logger } from '@outbox/logger';
import { migrateOutbox, openDatabase } from '@outbox/outbox-store';
import type { Service } from '@outbox/runtime';
import { buildWriterServer } from './http-server.ts';
import { migrateUsers, UserService } from './user-service.ts';

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
  const db = openDatabase(config.sqlite.path, config.sqlite);
  try {
    migrateUsers(db);
    migrateOutbox(db, config.outbox.table);
    const users = new UserService(db, config.outbox.table);
    const server = buildWriterServer(users, logger);
    const address = await server.listen({ host: config.writer.host, port: config.writer.port });
    logger.info({ url: address }, `writer listening on ${address}`);
    return {
      url: address,
      users,
      close: async () => {
        await server.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
