/** The e-mail check accepts what Hibernate @Email accepted, minus the exotic forms. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidEmail, MAX_EMAIL_LENGTH } from './email.ts';

describe('isValidEmail', () => {
  it('accepts ordinary and less ordinary valid addresses (as Hibernate @Email does)', () => {
    for (const address of [
      'user1001@example.com',
      'c1@example.com',
      'first.last+tag@sub.example.co.kr',
      "o'brien@example.ie",
      'a!#$%&*/=?^_`{|}~-@example.com',
      'user@localhost',
      'x@a-b.c',
      '사용자@예시.한국',
      'user@123.example',
    ])
      assert.equal(isValidEmail(address), true, address);
  });

  it('refuses what is not an address', () => {
    for (const address of [
      'nope',
      '@example.com',
      'user@',
      'user@@example.com',
      'a@b@example.com',
      '.user@example.com',
      'user.@example.com',
      'us..er@example.com',
      'user@example..com',
      'user@.example.com',
      'user@example.com.',
      'user@-example.com',
      'user@example-.com',
      'user name@example.com',
      ' user@example.com',
      'user@example.com ',
      'user@exa mple.com',
      'user@exam_ple.com',
      '"quoted"@example.com',
      'user@[127.0.0.1]',
      'user\n@example.com',
      'user@example.com\u0000',
      'user\u0085@example.com',
      'user\ud800@example.com',
    ])
      assert.equal(isValidEmail(address), false, JSON.stringify(address));
  });

  it('enforces the length limits: 64 for the local part, 63 per label, 254 in all', () => {
    assert.equal(isValidEmail(`${'a'.repeat(64)}@example.com`), true);
    assert.equal(isValidEmail(`${'a'.repeat(65)}@example.com`), false);
    assert.equal(isValidEmail(`a@${'b'.repeat(63)}.com`), true);
    assert.equal(isValidEmail(`a@${'b'.repeat(64)}.com`), false);
    const longest = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    assert.equal(longest.length, MAX_EMAIL_LENGTH);
    assert.equal(isValidEmail(longest), true);
    assert.equal(isValidEmail(`a${longest}`), false);
  });
});
