/**
 * Turns a decoded event into the notification the original sent: an order confirmation, a shipping
 * update, a product creation notice. The customer's e-mail address appears masked in the text.
 */
import {
  decimalToPlainString,
  encodeEvent,
  type OrderCreatedEvent,
  type OrderShippedEvent,
  type ProductCreatedEvent,
} from '@commerce/contracts';
import { maskEmail } from '@commerce/platform';
import type { Notification } from '../notifier/notifier.ts';

export type DecodedEvent =
  | { type: 'OrderCreated'; event: OrderCreatedEvent }
  | { type: 'OrderShipped'; event: OrderShippedEvent }
  | { type: 'ProductCreated'; event: ProductCreatedEvent };

const statusNames: Record<number, string> = { 20: 'order completed', 25: 'shipping', 80: 'delivered' };

export function notificationFor(decoded: DecodedEvent): Notification {
  switch (decoded.type) {
    case 'OrderCreated': {
      const e = decoded.event;
      return {
        kind: 'ORDER_CONFIRMATION',
        eventType: decoded.type,
        eventId: e.eventId,
        subjectId: e.orderId,
        recipient: e.customerEmail,
        message:
          `Order confirmation: eventId=${e.eventId}, orderId=${e.orderId}, email=${maskEmail(e.customerEmail)}, ` +
          `amount=${decimalToPlainString(e.totalAmount)} ${e.currency}`,
        event: e,
        eventJson: () => encodeEvent(decoded.type, e).toString('utf8'),
      };
    }
    case 'OrderShipped': {
      const e = decoded.event;
      return {
        kind: 'SHIPPING_UPDATE',
        eventType: decoded.type,
        eventId: e.eventId,
        subjectId: e.orderId,
        recipient: e.customerEmail,
        message:
          `Shipping update: eventId=${e.eventId}, orderId=${e.orderId}, email=${maskEmail(e.customerEmail)}, ` +
          `status ${e.previousStatus} (${statusNames[e.previousStatus] ?? 'unknown'}) -> ` +
          `${e.currentStatus} (${statusNames[e.currentStatus] ?? 'unknown'})`,
        event: e,
        eventJson: () => encodeEvent(decoded.type, e).toString('utf8'),
      };
    }
    case 'ProductCreated': {
      const e = decoded.event;
      return {
        kind: 'PRODUCT_CREATED',
        eventType: decoded.type,
        eventId: e.eventId,
        subjectId: e.productId,
        message:
          `Product created: eventId=${e.eventId}, productId=${e.productId}, name=${e.productName}, ` +
          `price=${decimalToPlainString(e.price)} ${e.currency}, stock=${e.stockQuantity}`,
        event: e,
        eventJson: () => encodeEvent(decoded.type, e).toString('utf8'),
      };
    }
  }
}
