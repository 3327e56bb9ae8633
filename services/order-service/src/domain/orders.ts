/**
 * The order decisions: a new order gets fresh ids and its creation time; a status change is allowed
 * only along 20 -> 25 (shipping) and 25 -> 80 (delivered). Pure functions: no I/O, the clock and the id
 * source are passed in.
 */
import {
  type ChangeOrderStatusCommand,
  type CreateOrderCommand,
  checkTransition,
  type Instant,
  type OrderCreatedEvent,
  type OrderShippedEvent,
} from '@commerce/contracts';

export interface Sources {
  newId(): string;
  now(): Instant;
}

export function createOrder(command: CreateOrderCommand, sources: Sources): OrderCreatedEvent {
  return {
    eventId: sources.newId(),
    orderId: sources.newId(),
    customerId: command.customerId,
    customerEmail: command.customerEmail,
    totalAmount: command.totalAmount,
    currency: command.currency,
    createdAt: sources.now(),
  };
}

/** The requested status change is not one of the supported transitions. */
export class UnsupportedTransitionError extends Error {
  override name = 'UnsupportedTransitionError';
}

export function changeOrderStatus(
  orderId: string,
  command: ChangeOrderStatusCommand,
  sources: Sources,
): OrderShippedEvent {
  const check = checkTransition(command.previousStatus, command.currentStatus);
  if (!check.ok) throw new UnsupportedTransitionError(check.message);
  return {
    eventId: sources.newId(),
    orderId,
    customerId: command.customerId,
    customerEmail: command.customerEmail,
    previousStatus: command.previousStatus,
    currentStatus: command.currentStatus,
    changedAt: sources.now(),
  };
}
