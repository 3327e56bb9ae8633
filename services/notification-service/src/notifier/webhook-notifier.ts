/**
 * Sends each notification as a JSON POST to a webhook, with `Idempotency-Key: <eventId>`: a receiver
 * that deduplicates by that key sees every event at most once, even when a crash between the send and
 * the done mark makes us send it again. A non-2xx answer or no answer in time is a send failure
 * (retried, then dead-lettered).
 */
import { type Notification, NotificationSendError, type Notifier } from './notifier.ts';

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
}

export class WebhookNotifier implements Notifier {
  readonly #options: WebhookOptions;

  constructor(options: WebhookOptions) {
    this.#options = options;
  }

  async send(notification: Notification, signal: AbortSignal): Promise<void> {
    // The event goes in as the exact text the codec wrote (decimals keep their scale). JSON.rawJSON
    // accepts primitives only, so the object text is spliced in as the last member.
    const head = JSON.stringify({
      eventType: notification.eventType,
      eventId: notification.eventId,
      kind: notification.kind,
      message: notification.message,
    });
    const body = `${head.slice(0, -1)},"event":${notification.eventJson}}`;
    let response: Response;
    try {
      response = await fetch(this.#options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': notification.eventId },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.#options.timeoutMs)]),
      });
    } catch (error) {
      throw new NotificationSendError(`webhook did not answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) {
      throw new NotificationSendError(`webhook answered HTTP ${response.status}`);
    }
  }
}
