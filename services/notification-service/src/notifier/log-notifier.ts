/**
 * The default notifier, as in the original: the notification is written to the log (at info level,
 * with the customer's e-mail address masked).
 */
import { type LineValue, type Logger, lineWriter } from '@commerce/platform';
import type { Notification, Notifier } from './notifier.ts';

export class LogNotifier implements Notifier {
  readonly #line: (values: readonly LineValue[], msg: string) => void;

  constructor(logger: Logger) {
    this.#line = lineWriter(logger.child({ notifier: 'log' }), 'info', ['kind', 'eventId', 'subjectId']);
  }

  send(notification: Notification): void {
    this.#line([notification.kind, notification.eventId, notification.subjectId], notification.message);
  }
}
