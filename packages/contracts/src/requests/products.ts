/**
 * Validation of the product-service request body: `POST /api/products`.
 *
 * Why it exists: same contract as the order requests — parsed body in, a typed command or the SPEC's
 * `<field>: <message>` details out — for the product fields; `stockQuantity` is 0 when absent, as the
 * original's primitive `int` was.
 */
import type { Decimal } from '../decimal.ts';
import {
  asBody,
  BODY_NOT_AN_OBJECT,
  Details,
  nonNegativeIntOrZero,
  RequestLimits,
  requiredAmount,
  requiredText,
  type ValidationResult,
} from './rules.ts';

export interface CreateProductCommand {
  readonly productName: string;
  readonly price: Decimal;
  readonly currency: string;
  readonly stockQuantity: number;
}

export function validateCreateProduct(input: unknown): ValidationResult<CreateProductCommand> {
  const body = asBody(input);
  if (body === undefined) return { ok: false, details: [BODY_NOT_AN_OBJECT] };
  const details = new Details();
  const productName = requiredText(body, 'productName', RequestLimits.productName, details);
  const price = requiredAmount(body, 'price', details);
  const currency = requiredText(body, 'currency', RequestLimits.currency, details);
  const stockQuantity = nonNegativeIntOrZero(body, 'stockQuantity', details);
  if (
    productName === undefined ||
    price === undefined ||
    currency === undefined ||
    stockQuantity === undefined
  ) {
    return { ok: false, details: details.lines };
  }
  return { ok: true, value: { productName, price, currency, stockQuantity } };
}
