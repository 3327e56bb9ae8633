/**
 * The partition the Java client's default partitioner picks for a keyed record:
 * `toPositive(murmur2(keyBytes)) % numPartitions`. The murmur2 itself is the Kafka client library's
 * `compatibilityPartitioner` (checked against Kafka's own vectors and our contracts' murmur2 in tests).
 */
import { compatibilityPartitioner } from '@platformatic/kafka';

export function javaKeyPartition(key: Buffer, partitionCount: number): number {
  return compatibilityPartitioner({ topic: '' }, key) % partitionCount;
}
