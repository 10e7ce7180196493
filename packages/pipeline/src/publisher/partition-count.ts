import type { Logger } from '@outbox/logger';
import { CursorStore, type PipelineNames, PublisherStatsStore, type RedisClient } from '@outbox/queue';
import { onceAsync, type Service, sleep } from '@outbox/runtime';

/** Records the partition count a publisher works with, so the status shows what it really runs. */
export async function recordPublisherPartitions(
  redis: RedisClient,
  names: PipelineNames,
  publisher: string,
  partitions: number,
): Promise<void> {
  await new PublisherStatsStore(redis, names).recordPartitions(publisher, partitions);
}

/** The count a publisher recorded, or null (none recorded, e.g. after Redis lost its data). */
export async function readPublisherPartitions(
  redis: RedisClient,
  names: PipelineNames,
  publisher: string,
): Promise<number | null> {
  return new PublisherStatsStore(redis, names).readPartitions(publisher);
}

export interface FollowPartitionsOptions {
  redis: RedisClient;
  names: PipelineNames;
  /** OUTBOX_PARTITIONS as this process was configured; undefined when it was not set. */
  configured: number | undefined;
  /** Starts the publisher's work on this many partitions; closed when the count changes. */
  start: (partitions: number) => Promise<Service>;
  logger: Logger;
  /** How often the capture worker's count is read again. @defaultValue 5000 */
  checkEveryMs?: number;
  /** Stops waiting for a count (the connector was stopped first): resolves to a service with nothing to close. */
  signal?: AbortSignal;
}

/**
 * Runs the publisher with the partition count the capture worker published, not its own setting,
 * and again with the new count whenever the capture worker changes it (which it does only with an
 * empty outbox). Kafka Connect users know this shape: the number of tasks is the connector's
 * (`tasks.max`), and workers run whatever tasks they are given. Refusing to run instead would stop
 * every publisher whenever the capture worker is restarted with another count; running with a
 * different count strands the partitions only the capture worker knows of (issue 10: 186 of 400
 * events stuck, nothing logged). Until the capture worker has published a count, it waits.
 */
export async function followPartitionCount(options: FollowPartitionsOptions): Promise<Service> {
  const log = options.logger.child({ component: 'publisher' });
  const read = () => CursorStore.readPartitionCount(options.redis, options.names);
  let partitions = await read();
  if (partitions === null) log.info('waiting for the capture worker to publish its partition count');
  while (partitions === null) {
    await sleep(1000, options.signal);
    if (options.signal?.aborted) return { close: async () => undefined };
    partitions = await read();
  }
  const say = (count: number) => {
    if (options.configured !== undefined && count !== options.configured)
      log.warn(
        { configured: options.configured, partitions: count },
        `OUTBOX_PARTITIONS is ${options.configured} here, but the capture worker runs ${count} partitions: ` +
          `this publisher works on all ${count} (the count is the capture worker's, like a connector's tasks)`,
      );
  };
  say(partitions);
  let current = await options.start(partitions);
  let closing = false;
  let turn = Promise.resolve();
  const check = async () => {
    const count = await read().catch(() => null);
    if (closing || count === null || count === partitions) return;
    log.warn(
      { from: partitions, to: count },
      `the capture worker now runs ${count} partitions (was ${partitions}); following it`,
    );
    try {
      await current.close();
      current = await options.start(count);
      partitions = count;
      say(count);
    } catch (error) {
      // Tried again at the next check: `partitions` still names the count that is not running.
      log.error({ err: error, partitions: count }, 'could not restart the publisher with the new partition count');
    }
  };
  const timer = setInterval(() => {
    turn = turn.then(check);
  }, options.checkEveryMs ?? 5000);
  timer.unref();
  return {
    close: onceAsync(async () => {
      closing = true;
      clearInterval(timer);
      await turn;
      await current.close();
    }),
  };
}
