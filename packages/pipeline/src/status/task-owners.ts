import { assignPartitions } from '../publisher/partition-assignment.ts';

/** A live publisher and the partition count it works with (`null`: it did not say). */
export interface LiveMember {
  name: string;
  partitions: number | null;
}

/**
 * Which publisher runs each partition, computed as each publisher computes its own share: over
 * the partition count *it* works with. A publisher that runs fewer partitions than the connector
 * has owns none of the rest, even where the assignment over the connector's count would give
 * them to it, so those show as unassigned instead of RUNNING under a publisher that never runs them.
 */
export function taskOwners(partitions: number, live: readonly LiveMember[]): Map<number, string> {
  const names = live.map((m) => m.name);
  const owners = new Map<number, string>();
  for (const member of live) {
    for (const p of assignPartitions(member.partitions ?? partitions, names, member.name)) {
      if (p < partitions) owners.set(p, member.name);
    }
  }
  return owners;
}
