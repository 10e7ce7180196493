import { fnv1a } from '@outbox/queue';

/**
 * The partitions `self` works on, given the live publishers: rendezvous hashing, so each
 * partition has exactly one owner, ownership spreads evenly, and a publisher joining or leaving
 * moves only the partitions it gains or loses. Every publisher computes the same answer from the
 * same member list, with no coordinator.
 */
export function assignPartitions(partitions: number, members: readonly string[], self: string): number[] {
  const owned: number[] = [];
  for (let p = 0; p < partitions; p++) {
    let best: string | undefined;
    let bestScore = -1;
    for (const member of members) {
      const score = mix(fnv1a(`${member}/${p}`));
      if (score > bestScore || (score === bestScore && best !== undefined && member < best)) {
        best = member;
        bestScore = score;
      }
    }
    if (best === self) owned.push(p);
  }
  return owned;
}

/** Murmur3's finalizer: FNV-1a alone scores similar short names too much alike for rendezvous. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
