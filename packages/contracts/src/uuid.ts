/**
 * UUID text, the form of every `eventId`, `orderId` and `productId`.
 *
 * Why it exists: ids are record keys and idempotency keys, so both the HTTP route (`/api/orders/{id}`)
 * and the record decoder must agree on what an id is: the 36-character 8-4-4-4-12 hexadecimal form that
 * Java's `UUID.toString()` writes and Jackson's `UUIDDeserializer` reads (either case). It runs twice per
 * decoded record, hence a loop rather than a regular expression.
 */
export function isUuid(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45 /* - */) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}
