import type { Config } from '@outbox/config';
import { createKafka, positionsStoreOf, readCommittedPositions } from '@outbox/kafka';
import { createLogger } from '@outbox/logger';

/** A connector's committed positions (exactly-once delivery), as the publishers read them. */
export async function committedPositionsOf(config: Pick<Config, 'kafka' | 'redis' | 'connector'>) {
  const admin = createKafka(config.kafka, createLogger({ level: 'silent' })).admin();
  await admin.connect();
  try {
    return await readCommittedPositions(admin, positionsStoreOf(config.redis.prefix, config.connector.name));
  } finally {
    await admin.disconnect();
  }
}
