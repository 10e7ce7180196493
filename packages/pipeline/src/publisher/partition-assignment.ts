import { fnv1a } from '@outbox/queue';

/**
 * The partitions `self` works on, given the live publishers. Every publisher computes the same
 * answer from the same member list, with no coordinator (see {@link partitionOwners}).
 */
export function assignPartitions(partitions: number, members: readonly string[], self: string): number[] {
  const owned: number[] = [];
  for (const [p, owner] of partitionOwners(partitions, members).entries()) if (owner === self) owned.push(p);
  return owned;
}

/**
 * The owner of each partition: rendezvous hashing with bounded loads. Every (publisher, partition)
 * pair has a score; taken from the highest score down, a pair makes its publisher the partition's
 * owner if the partition has none yet and the publisher still has room. Room is ⌊P/N⌋ partitions,
 * and ⌈P/N⌉ for the first P mod N publishers to reach ⌊P/N⌋, so every publisher owns one of the
 * two: rendezvous hashing alone gave two publishers 4 and 12 of 16 partitions, the busiest 3× the
 * CPU of the other. Each partition still goes, as far as room allows, to the publisher that scores
 * it highest, so a publisher joining or leaving moves mostly its own share, not the others'.
 */
export function partitionOwners(partitions: number, members: readonly string[]): string[] {
  const owners = new Array<string>(partitions);
  if (members.length === 0) return owners;
  const pairs: { member: string; partition: number; score: number }[] = [];
  for (const member of members)
    for (let partition = 0; partition < partitions; partition++)
      pairs.push({ member, partition, score: mix(fnv1a(`${member}/${partition}`)) });
  pairs.sort((a, b) => b.score - a.score || compare(a.member, b.member) || a.partition - b.partition);

  const base = Math.floor(partitions / members.length);
  let roomForOneMore = partitions % members.length;
  const counts = new Map<string, number>();
  for (const { member, partition } of pairs) {
    if (owners[partition] !== undefined) continue;
    const count = counts.get(member) ?? 0;
    if (count === base) {
      if (roomForOneMore === 0) continue;
      roomForOneMore -= 1;
    } else if (count > base) continue;
    owners[partition] = member;
    counts.set(member, count + 1);
  }
  return owners;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Murmur3's finalizer: FNV-1a alone scores similar short names too much alike for rendezvous. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
