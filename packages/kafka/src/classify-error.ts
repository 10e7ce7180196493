import { OutboxError } from '@outbox/errors';
import { brokerErrorType, type ErrorLink, errorLinks, isPlatformaticError } from './error-links.ts';

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
 * non-retriable; @platformatic/kafka gathers each attempt's error in an AggregateError. What
 * matters is the innermost cause. Both clients' errors are retriable unless the records are the
 * problem; our own errors (OutboxError) say whether they are `retriable`; anything else is a bug in
 * our code (or, from @platformatic/kafka, a misuse of it: `PLT_KFK_USER`) and is never retried.
 */
export function classifyKafkaError(error: unknown): KafkaErrorClass {
  const chain = errorLinks(error);
  const types = chain.map(brokerErrorType).filter((t) => t !== undefined);
  const type = types[0] ?? nameOf(chain);
  // A failure that also met an outage (one attempt refused for want of replicas, the next for its
  // size) is judged as an outage: every send of a combined request fails with it alike, and
  // none of them may be dead-lettered for another's records.
  const poison = types.find((t) => poisonTypes.has(t));
  if (poison && !isKafkaOutage(error)) return { retriable: false, type: poison, recreateProducer: false, poison: true };
  const state = types.find((t) => producerStateTypes.has(t));
  if (state) return { retriable: true, type: state, recreateProducer: true, poison: false };
  const fromClient = chain.some(
    (e) =>
      e.name?.startsWith('KafkaJS') || (isPlatformaticError(e) && e.code !== 'PLT_KFK_USER' && e.code !== 'PLT_KFK_MULTIPLE'),
  );
  const ours = chain.find((e) => e instanceof OutboxError);
  return { retriable: fromClient || ours?.retriable === true, type, recreateProducer: false, poison: false };
}

/**
 * The name of the failure when the broker gave no type: the outermost error's for kafkajs (its
 * names say what failed), for @platformatic/kafka that of its last attempt's own error (its outer ones are
 * only "failed N times" wrappers).
 */
function nameOf(chain: ErrorLink[]): string {
  const first = chain[0];
  if (first && isPlatformaticError(first)) {
    // Its errors are all named "Error"; their classes say what failed (NetworkError, TimeoutError).
    const own = chain.find((e) => isPlatformaticError(e) && e.code !== 'PLT_KFK_MULTIPLE' && e.code !== 'PLT_KFK_RESPONSE');
    return own?.constructor.name ?? String(first.code);
  }
  return first?.name ?? 'Error';
}

/** Broker answers and client failures that refuse every send at the time, whatever its topic. */
const outageTypes = new Set(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND']);
const outageNames = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']);

/**
 * Whether the failure is the cluster's or a broker's (too few in-sync replicas, a lost connection,
 * a timeout) rather than one topic's or one record's: every send combined into the failed request
 * would fail alike, so finding out which one failed is pointless. @platformatic/kafka gives its
 * connection failures and timeouts one code, `PLT_KFK_NETWORK`.
 */
export function isKafkaOutage(error: unknown): boolean {
  return errorLinks(error).some((e) => {
    const type = brokerErrorType(e);
    return (type !== undefined && outageTypes.has(type)) || outageNames.has(e.name ?? '') || e.code === 'PLT_KFK_NETWORK';
  });
}

/** Answers a broker gives while a partition's leader changes; asked again with fresh metadata, they pass. */
const leadershipTypes = new Set(['LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** Whether the failure is a partition's leadership moving (a broker stopped or came back). */
export function isLeadershipMoving(error: unknown): boolean {
  return errorLinks(error).some((e) => e.type !== undefined && leadershipTypes.has(e.type));
}
