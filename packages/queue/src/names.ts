export interface PipelineNames {
  /** The BullMQ queue of one partition (BullMQ adds its own prefix). */
  queue(partition: number): string;
  /** Redis hash: the capture cursor of every partition, plus the database it belongs to. */
  cursors: string;
  /** Redis stream of acknowledgements from publishers to the capture worker. */
  acks: string;
  /** Consumer group of the capture worker on the ack stream. */
  ackGroup: string;
}

/** Every Redis name of one connector, in one place. */
export function pipelineNames(prefix: string, connector: string): PipelineNames {
  return {
    queue: (partition) => `${connector}-p${String(partition).padStart(3, '0')}`,
    cursors: `${prefix}:${connector}:cursors`,
    acks: `${prefix}:${connector}:acks`,
    ackGroup: 'capture',
  };
}
