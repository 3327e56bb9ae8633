/** What counts as an id on both the HTTP and the Kafka side. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUuid } from './uuid.ts';

describe('isUuid', () => {
  it('accepts the 8-4-4-4-12 hexadecimal form in either case', () => {
    assert.equal(isUuid('6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b11'), true);
    assert.equal(isUuid('6F1C1A52-3A0E-4D8E-9A53-0D1C5F0A4B11'), true);
    assert.equal(isUuid('00000000-0000-0000-0000-000000000000'), true);
    assert.equal(isUuid(crypto.randomUUID()), true);
  });

  it('refuses anything else', () => {
    for (const value of [
      '',
      '6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b1',
      '6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b111',
      '6f1c1a523a0e-4d8e-9a53-0d1c5f0a4b11-',
      '6f1c1a52-3a0e-4d8e-9a53_0d1c5f0a4b11',
      '6g1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b11',
      '{6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b1}',
      '1-1-1-1-1',
      42,
      null,
      undefined,
    ])
      assert.equal(isUuid(value), false, String(value));
  });
});
