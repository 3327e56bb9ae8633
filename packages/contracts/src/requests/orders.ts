/**
 * Validation of the order-service request bodies: `POST /api/orders` and
 * `POST /api/orders/{orderId}/status`.
 *
 * Why it exists: the HTTP layer hands over the parsed body (`unknown`, numbers as `JsonNumber`) and gets
 * back either a typed command or the SPEC's `<field>: <message>` details, one per failing field, in the
 * SPEC's field order. Unknown fields are ignored.
 */
import type { Decimal } from '../decimal.ts';
import {
  asBody,
  BODY_NOT_AN_OBJECT,
  Details,
  RequestLimits,
  requiredAmount,
  requiredEmail,
  requiredInt,
  requiredText,
  type ValidationResult,
} from './rules.ts';

export interface CreateOrderCommand {
  readonly customerId: string;
  readonly customerEmail: string;
  readonly totalAmount: Decimal;
  readonly currency: string;
}

export interface ChangeOrderStatusCommand {
  readonly customerId: string;
  readonly customerEmail: string;
  readonly previousStatus: number;
  readonly currentStatus: number;
}

export function validateCreateOrder(input: unknown): ValidationResult<CreateOrderCommand> {
  const body = asBody(input);
  if (body === undefined) return { ok: false, details: [BODY_NOT_AN_OBJECT] };
  const details = new Details();
  const customerId = requiredText(body, 'customerId', RequestLimits.customerId, details);
  const customerEmail = requiredEmail(body, 'customerEmail', details);
  const totalAmount = requiredAmount(body, 'totalAmount', details);
  const currency = requiredText(body, 'currency', RequestLimits.currency, details);
  if (
    customerId === undefined ||
    customerEmail === undefined ||
    totalAmount === undefined ||
    currency === undefined
  ) {
    return { ok: false, details: details.lines };
  }
  return { ok: true, value: { customerId, customerEmail, totalAmount, currency } };
}

/** Only the shape of the request; whether the transition is allowed is `checkTransition`'s call. */
export function validateChangeOrderStatus(input: unknown): ValidationResult<ChangeOrderStatusCommand> {
  const body = asBody(input);
  if (body === undefined) return { ok: false, details: [BODY_NOT_AN_OBJECT] };
  const details = new Details();
  const customerId = requiredText(body, 'customerId', RequestLimits.customerId, details);
  const customerEmail = requiredEmail(body, 'customerEmail', details);
  const previousStatus = requiredInt(body, 'previousStatus', details);
  const currentStatus = requiredInt(body, 'currentStatus', details);
  if (
    customerId === undefined ||
    customerEmail === undefined ||
    previousStatus === undefined ||
    currentStatus === undefined
  ) {
    return { ok: false, details: details.lines };
  }
  return { ok: true, value: { customerId, customerEmail, previousStatus, currentStatus } };
}
