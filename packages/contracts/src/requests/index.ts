/** The HTTP request bodies' validation (SPEC "HTTP API"), one validator per endpoint. */
export { isValidEmail, MAX_EMAIL_LENGTH } from './email.ts';
export {
  type ChangeOrderStatusCommand,
  type CreateOrderCommand,
  validateChangeOrderStatus,
  validateCreateOrder,
} from './orders.ts';
export { type CreateProductCommand, validateCreateProduct } from './products.ts';
export { BODY_NOT_AN_OBJECT, RequestLimits, type ValidationResult } from './rules.ts';
