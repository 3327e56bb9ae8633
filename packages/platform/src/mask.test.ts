import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskEmail } from './mask.ts';

describe('maskEmail', () => {
  it('keeps the first character and the domain', () => {
    assert.equal(maskEmail('user1001@example.com'), 'u***@example.com');
    assert.equal(maskEmail('  a@b.io '), 'a***@b.io');
  });

  it('masks odd inputs without leaking them', () => {
    assert.equal(maskEmail('no-at-sign'), '***');
    assert.equal(maskEmail('@example.com'), '***@example.com');
    assert.equal(maskEmail('x@'), 'x***@');
    assert.equal(maskEmail('a@b@evil.com'), 'a***@evil.com');
    assert.equal(maskEmail(''), '');
    assert.equal(maskEmail(undefined), '***');
    assert.equal(maskEmail(null), '***');
    assert.equal(maskEmail(42), '***');
    assert.equal(maskEmail({ email: 'user@example.com' }), '***');
  });

  it('does not split a surrogate pair', () => {
    assert.equal(maskEmail('😀user@example.com'), '😀***@example.com');
  });
});
