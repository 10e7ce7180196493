/** FNV-1a, 32 bit, of a string's UTF-8 bytes: small, fast and the same in every process. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The partition of an aggregate: FNV-1a of its id, modulo the partition count. Stable across
 * processes, hosts and releases — changing it would split an aggregate's events across two
 * queues and break their order.
 */
export function partitionOf(aggregateId: string, partitions: number): number {
  return fnv1a(aggregateId) % partitions;
}
