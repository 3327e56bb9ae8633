/**
 * The original's way to try the retry/DLQ path by hand: an order whose customerId, or a product whose
 * productName, starts with `fail-` makes the downstream send fail every time.
 */
import { type Notification, NotificationSendError, type Notifier } from './notifier.ts';

export const simulatedFailurePrefix = 'fail-';

export class FailureSimulatingNotifier implements Notifier {
  readonly #inner: Notifier;

  constructor(inner: Notifier) {
    this.#inner = inner;
  }

  send(notification: Notification, signal: AbortSignal): void | Promise<void> {
    const trigger = notification.kind === 'PRODUCT_CREATED' ? 'productName' : 'customerId';
    const value = notification.event[trigger];
    if (typeof value === 'string' && value.startsWith(simulatedFailurePrefix)) {
      return Promise.reject(
        new NotificationSendError(
          `Simulated downstream failure: ${trigger} starts with "${simulatedFailurePrefix}"`,
        ),
      );
    }
    return this.#inner.send(notification, signal);
  }
}
