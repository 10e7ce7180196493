import { OutboxError } from '@outbox/errors';

/** What a send failed with, as a dead letter records it. */
export interface Failure {
  type: string;
  message: string;
  attempts: number;
  firstFailure: Date;
}

/**
 * Thrown inside a job to give it back to its queue without failing it (its partition halted, the
 * publisher closing, its lock lost). Not retriable: nothing retries it in place; the job itself is
 * tried again from its queue.
 */
export class GiveBack extends OutboxError {
  constructor() {
    super('the job goes back to the head of its queue', { code: 'JOB_GIVEN_BACK' });
  }
}

/**
 * Exactly-once: the job is another publisher's, or was while it ran. Either this publisher's
 * producer was fenced (another initialised the same transactional id), or its new producer found
 * the partition's position moved since the job began (another committed in between). The job goes
 * back unacknowledged; nothing this publisher sent in it is visible to read_committed consumers.
 */
export class Fenced extends GiveBack {}

/** A send Kafka rejected for good because of the records in it: split, dead-lettered or halted on, never retried. */
export class Poison extends OutboxError {
  readonly failure: Failure;
  constructor(failure: Failure, cause: unknown) {
    super(failure.message, { code: 'KAFKA_REFUSED_RECORDS', cause });
    this.failure = failure;
  }
}
