/**
 * Kafka's Java partitioner for keyed records: `toPositive(murmur2(keyBytes)) % numPartitions`.
 *
 * Why it exists: an order's events must land on the partition a Java producer would pick for the same
 * key, or a mixed deployment loses per-order ordering; tests also use it to know where a record went.
 * This is `org.apache.kafka.common.utils.Utils.murmur2` (seed 0x9747b28c), with `Math.imul` standing in
 * for Java's wrapping 32-bit multiplication and `>>>` for its unsigned shift.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's `Utils.murmur2`: a signed 32-bit hash of the bytes. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length & ~3;
  for (let i = 0; i < length4; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24) | 0;
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // Java's switch falls through from case 3 to case 1.
  const rest = length & 3;
  if (rest === 3) h ^= data[length4 + 2]! << 16;
  if (rest >= 2) h ^= data[length4 + 1]! << 8;
  if (rest >= 1) {
    h ^= data[length4]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's Java producer picks for a record with this key (strings are taken as UTF-8). */
export function javaPartitionFor(key: Uint8Array | string, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return (murmur2(bytes) & 0x7fffffff) % numPartitions;
}
