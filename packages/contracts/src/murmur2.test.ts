/** Kafka's Java partitioning, checked against Kafka's own test vectors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaPartitionFor, murmur2 } from './murmur2.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('murmur2', () => {
  it("matches Kafka's UtilsTest.testMurmur2 vectors", () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [input, expected] of vectors) assert.equal(murmur2(bytes(input)), expected, input);
  });

  it('covers every tail length (0-3 trailing bytes); values cross-checked with @platformatic/kafka', () => {
    assert.equal(murmur2(new Uint8Array(0)), 275646681);
    assert.equal(murmur2(bytes('a')), -1563381124);
    assert.equal(murmur2(bytes('ab')), 316155434);
    assert.equal(murmur2(bytes('abcd')), -1323649548);
  });

  it('treats bytes as unsigned (high bytes, multi-byte UTF-8) and returns a signed 32-bit int', () => {
    const high = new Uint8Array([0xff, 0xfe, 0x80, 0x81, 0x7f]);
    const h = murmur2(high);
    assert.equal(h, h | 0);
    assert.notEqual(murmur2(bytes('주문')), murmur2(bytes('주믄')));
  });
});

describe('javaPartitionFor', () => {
  it('is toPositive(murmur2) % n, as in the SPEC (3 partitions: 0, 0, 2, 0)', () => {
    assert.deepEqual(
      ['21', 'foobar', 'a-little-bit-long-string', 'abc'].map((key) => javaPartitionFor(bytes(key), 3)),
      [0, 0, 2, 0],
    );
  });

  it('uses the positive mask, not Math.abs (differs for negative hashes)', () => {
    const h = murmur2(bytes('foobar'));
    assert.equal(javaPartitionFor(bytes('foobar'), 50), (h & 0x7fffffff) % 50);
    assert.equal(javaPartitionFor(bytes('foobar'), 50), 16);
    assert.notEqual((h & 0x7fffffff) % 50, Math.abs(h) % 50);
  });

  it('takes strings as UTF-8 bytes', () => {
    assert.equal(javaPartitionFor('주문-1', 7), javaPartitionFor(bytes('주문-1'), 7));
  });

  it('refuses a partition count that is not a positive integer', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) assert.throws(() => javaPartitionFor('k', n), RangeError);
  });
});
