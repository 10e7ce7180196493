export interface PipelineNames {
  /** The BullMQ queue of one partition (BullMQ adds its own prefix). */
  queue(partition: number): string;
  /** Redis hash: the capture cursor of every partition, plus the database it belongs to. */
  cursors: string;
  /**
   * Redis string: the capture's epoch, renewed whenever Redis is found to have lost its data. Jobs
   * carry it, and a publisher drops a job whose epoch is not the current one (see JobProcessor).
   */
  epoch: string;
  /** Redis stream of acknowledgements from publishers to the capture worker. */
  acks: string;
  /** Consumer group of the capture worker on the ack stream. */
  ackGroup: string;
  /** Redis hash: partition → why it is halted, written by the publisher that halted it. */
  halted: string;
  /**
   * Redis hash: `<partition>/<outbox id>` → what an operator asked done with that event of a halted
   * partition (skip it, or dead-letter it), honoured by the publisher on its next attempt and
   * cleared once the event's job is acknowledged.
   */
  headActions: string;
  /** Redis hash: what the capture worker last saw (outbox depth, in-flight per partition). */
  captureStatus: string;
  /** Redis sorted set: live publishers scored by their last heartbeat. */
  members: string;
  /** Redis set of publisher names, each with a hash of counters at {@link publisher}. */
  publishers: string;
  publisher(name: string): string;
}

/** Every Redis name of one connector, in one place. */
export function pipelineNames(prefix: string, connector: string): PipelineNames {
  const base = `${prefix}:${connector}`;
  return {
    queue: (partition) => `${connector}-p${String(partition).padStart(3, '0')}`,
    cursors: `${base}:cursors`,
    epoch: `${base}:epoch`,
    acks: `${base}:acks`,
    ackGroup: 'capture',
    halted: `${base}:halted`,
    headActions: `${base}:head-actions`,
    captureStatus: `${base}:capture`,
    members: `${base}:members`,
    publishers: `${base}:publishers`,
    publisher: (name) => `${base}:publisher:${name}`,
  };
}
