/**
 * The partition hash of the Java client's default partitioner (and kafkajs' DefaultPartitioner):
 * murmur2 of the key's bytes, made positive; the client takes it modulo the partition count. Any
 * client the publisher uses must place a key where the others do, or an aggregate's events would
 * spread over partitions when the client changes.
 */
export function javaPartition(key: Buffer): number {
  return murmur2(key) & 0x7fffffff;
}

/** Kafka's `Utils.murmur2` (seed 0x9747b28c), in 32-bit integer arithmetic. */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= (data[whole + 2] ?? 0) << 16;
    if (rest >= 2) h ^= (data[whole + 1] ?? 0) << 8;
    h ^= data[whole] ?? 0;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
