import { OutboxError } from '@outbox/errors';

export interface KafkaErrorClass {
  /**
   * Whether the same send may succeed later (broker down, leader moving, timeouts): the decision
   * the publisher's retries read (see RetryingSend in the pipeline).
   */
  retriable: boolean;
  /** The broker's error type when there is one (e.g. `MESSAGE_TOO_LARGE`), else the error's name. */
  type: string;
  /** The producer's state is broken and a new producer is needed before retrying. */
  recreateProducer: boolean;
  /** The records themselves are the problem (too large, invalid): dead-letter, don't halt. */
  poison: boolean;
}

/** Broker answers that no retry can change: the records themselves are the problem. */
const poisonTypes = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);
const producerStateTypes = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/**
 * kafkajs wraps the broker's error in "retries exceeded" errors, which call themselves
 * non-retriable; what matters is the innermost cause. Our own errors (OutboxError) say whether they
 * are `retriable`; anything else that is not a kafkajs error is a bug in our code and is never
 * retried.
 */
export function classifyKafkaError(error: unknown): KafkaErrorClass {
  const chain = errorChain(error);
  const typed = chain.find((e) => typeof e.type === 'string');
  const type = typed?.type ?? chain[0]?.name ?? 'Error';
  if (typed?.type && poisonTypes.has(typed.type)) return { retriable: false, type, recreateProducer: false, poison: true };
  if (typed?.type && producerStateTypes.has(typed.type)) return { retriable: true, type, recreateProducer: true, poison: false };
  const fromKafkajs = chain.some((e) => e.name?.startsWith('KafkaJS'));
  const ours = chain.find((e) => e instanceof OutboxError);
  return { retriable: fromKafkajs || ours?.retriable === true, type, recreateProducer: false, poison: false };
}

/** Broker answers and client failures that refuse every send at the time, whatever its topic. */
const outageTypes = new Set(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND']);
const outageNames = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']);

/**
 * Whether the failure is the cluster's or a broker's (too few in-sync replicas, a lost connection,
 * a timeout) rather than one topic's or one record's: every send combined into the failed request
 * would fail alike, so finding out which one failed is pointless.
 */
export function isKafkaOutage(error: unknown): boolean {
  return errorChain(error).some((e) => (e.type !== undefined && outageTypes.has(e.type)) || outageNames.has(e.name ?? ''));
}

/** Answers a broker gives while a partition's leader changes; asked again with fresh metadata, they pass. */
const leadershipTypes = new Set(['LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** Whether the failure is a partition's leadership moving (a broker stopped or came back). */
export function isLeadershipMoving(error: unknown): boolean {
  return errorChain(error).some((e) => e.type !== undefined && leadershipTypes.has(e.type));
}

type ChainLink = { name?: string; type?: string; retriable?: boolean };

/** The error and its causes, outermost first (kafkajs keeps them in `originalError` or `cause`). */
function errorChain(error: unknown): ChainLink[] {
  const chain: ChainLink[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < 8) {
    chain.push(current as ChainLink);
    const next = current as { originalError?: unknown; cause?: unknown };
    current = next.originalError ?? next.cause;
  }
  return chain;
}
