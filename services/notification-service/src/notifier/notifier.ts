/**
 * The notifier port: how a notification leaves the system. The handler knows only this interface;
 * the log notifier (the original's behaviour) and the webhook notifier implement it.
 */

export type NotificationKind = 'ORDER_CONFIRMATION' | 'SHIPPING_UPDATE' | 'PRODUCT_CREATED';

export interface Notification {
  kind: NotificationKind;
  /** Event type name, e.g. OrderCreated. */
  eventType: string;
  eventId: string;
  /** orderId or productId. */
  subjectId: string;
  /** Customer e-mail address, when the event has one. */
  recipient?: string | undefined;
  /** Human-readable text (e-mail addresses in it are masked). */
  message: string;
  /** The event's fields (decimals and instants as their exact text); the decoded event itself, not to be changed. */
  event: Readonly<Record<string, unknown>>;
  /**
   * The event encoded by the contracts' codec, exactly as it travels on Kafka (made on demand: only the
   * webhook notifier needs it).
   */
  eventJson(): string;
}

export interface Notifier {
  /**
   * Sends the notification: returns (or resolves) when it was accepted, throws (or rejects) when it was
   * not. A notifier that is done at once returns nothing rather than a promise (the log notifier), so the
   * record goes on without waiting for a turn of the event loop.
   */
  send(notification: Notification, signal: AbortSignal): void | Promise<void>;
}

/** The downstream refused or failed the notification. */
export class NotificationSendError extends Error {
  override name = 'NotificationSendError';
}
