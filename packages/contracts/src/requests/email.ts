/**
 * A pragmatic e-mail address check for `customerEmail`.
 *
 * Why it exists: the original validated with Hibernate's `@Email`, a permissive syntax check (it even
 * takes `user@localhost`); clients that worked against it must keep working, so this follows the same
 * shape — dot-atom local part of at most 64 characters, `@`, host name labels of at most 63 characters —
 * and leaves out what no real mailbox needs: quoted local parts, IP-literal domains, control characters.
 * Non-ASCII letters are allowed on both sides (internationalized addresses), as in Hibernate.
 */

/** RFC 5321's limit for a forward path, minus the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;

const LOCAL_PART =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a0-\u{10ffff}-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a0-\u{10ffff}-]+)*$/u;
const DOMAIN_LABEL =
  /^[A-Za-z0-9\u00a0-\u{10ffff}](?:[A-Za-z0-9\u00a0-\u{10ffff}-]*[A-Za-z0-9\u00a0-\u{10ffff}])?$/u;

export function isValidEmail(address: string): boolean {
  if (address.length > MAX_EMAIL_LENGTH || !address.isWellFormed()) return false;
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  if (domain.length > 253) return false;
  for (const label of domain.split('.')) {
    if (label.length > 63 || !DOMAIN_LABEL.test(label)) return false;
  }
  return true;
}
