/** What a send failed with, as a dead letter records it. */
export interface Failure {
  type: string;
  message: string;
  attempts: number;
  firstFailure: Date;
}

/** Thrown inside a job to give it back to its queue without failing it. */
export class GiveBack extends Error {}

/** A send Kafka rejected for good because of the records in it. */
export class Poison extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.message);
    this.failure = failure;
  }
}
