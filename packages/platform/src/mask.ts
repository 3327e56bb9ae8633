/**
 * Masking of personal data before it reaches a log line.
 *
 * The original wrote customer e-mail addresses to its logs in full (SPEC "Fixes"). Logs are copied,
 * shipped and kept for 30 days, so an address is reduced to its first character and its domain:
 * enough to correlate a complaint, not enough to harvest.
 */

const MASK = '***';

/** `user1001@example.com` → `u***@example.com`; anything that is not an address → `***`. */
export function maskEmail(email: unknown): string {
  if (typeof email !== 'string') return MASK;
  const text = email.trim();
  if (text === '') return '';
  const at = text.lastIndexOf('@');
  if (at < 0) return MASK;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  const first = local.length > 0 ? String.fromCodePoint(local.codePointAt(0) ?? 0x2a) : '';
  return `${first}${MASK}@${domain}`;
}
