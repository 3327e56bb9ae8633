/**
 * The order status codes and the only status changes the system supports.
 *
 * Why it exists: the rule "20 → 25 (shipping), 25 → 80 (delivered), nothing else" and its exact refusal
 * message are part of the API (SPEC "HTTP API"); the order domain asks here instead of knowing the codes.
 */
export const OrderStatus = {
  COMPLETED: 20,
  SHIPPING: 25,
  DELIVERED: 80,
} as const;

export type OrderStatusCode = (typeof OrderStatus)[keyof typeof OrderStatus];

export type TransitionCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

const ALLOWED: ReadonlyMap<number, number> = new Map([
  [OrderStatus.COMPLETED, OrderStatus.SHIPPING],
  [OrderStatus.SHIPPING, OrderStatus.DELIVERED],
]);

const OK: TransitionCheck = Object.freeze({ ok: true });

/** `{ ok: true }` for 20→25 and 25→80; otherwise the SPEC's refusal message. */
export function checkTransition(previousStatus: number, currentStatus: number): TransitionCheck {
  if (ALLOWED.get(previousStatus) === currentStatus) return OK;
  return {
    ok: false,
    message:
      'Only 20->25(shipping) and 25->80(delivered) transitions are supported. ' +
      `requested=${previousStatus}->${currentStatus}`,
  };
}
