/**
 * The default notifier, as in the original: the notification is written to the log (at info level,
 * with the customer's e-mail address masked).
 */
import type { Logger } from 'pino';
import type { Notification, Notifier } from './notifier.ts';

export class LogNotifier implements Notifier {
  readonly #log: Logger;

  constructor(logger: Logger) {
    this.#log = logger.child({ notifier: 'log' });
  }

  async send(notification: Notification): Promise<void> {
    this.#log.info(
      { kind: notification.kind, eventId: notification.eventId, subjectId: notification.subjectId },
      notification.message,
    );
  }
}
