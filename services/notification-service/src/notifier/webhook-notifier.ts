/**
 * Sends each notification as a JSON POST to a webhook, with `Idempotency-Key: <eventId>`: a receiver
 * that deduplicates by that key sees every event at most once, even when a crash between the send and
 * the done mark makes us send it again. A non-2xx answer or no answer in time is a send failure
 * (retried, then dead-lettered).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type Notification, NotificationSendError, type Notifier } from './notifier.ts';

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
}

/**
 * Uses `node:http` with a keep-alive agent rather than `fetch`: at a thousand notifications a second,
 * fetch's machinery (and `AbortSignal.any` per call) cost more CPU than everything else the consumer
 * does for a record.
 */
export class WebhookNotifier implements Notifier {
  readonly #options: WebhookOptions;
  readonly #url: URL;
  readonly #request: typeof httpRequest;
  readonly #agent: HttpAgent;

  constructor(options: WebhookOptions) {
    this.#options = options;
    this.#url = new URL(options.url);
    const https = this.#url.protocol === 'https:';
    this.#request = https ? (httpsRequest as unknown as typeof httpRequest) : httpRequest;
    this.#agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  send(notification: Notification, signal: AbortSignal): Promise<void> {
    // The event goes in as the exact text the codec wrote (decimals keep their scale). JSON.rawJSON
    // accepts primitives only, so the object text is spliced in as the last member.
    const head = JSON.stringify({
      eventType: notification.eventType,
      eventId: notification.eventId,
      kind: notification.kind,
      message: notification.message,
    });
    const body = Buffer.from(`${head.slice(0, -1)},"event":${notification.eventJson()}}`, 'utf8');
    return new Promise<void>((resolve, reject) => {
      const noAnswer = (reason: unknown) => {
        const message = reason instanceof Error ? reason.message : String(reason);
        return new NotificationSendError(`webhook did not answer: ${message}`, { cause: reason });
      };
      if (signal.aborted) {
        reject(noAnswer(signal.reason ?? new Error('aborted')));
        return;
      }
      const request = this.#request(this.#url, {
        method: 'POST',
        agent: this.#agent,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'idempotency-key': notification.eventId,
        },
      });
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.#options.timeoutMs} ms`)),
        this.#options.timeoutMs,
      );
      const onAbort = () =>
        request.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      request.once('response', (response: IncomingMessage) => {
        settle();
        response.on('error', () => {}); // a body cut short does not matter: the status decided
        response.resume();
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299)
          reject(new NotificationSendError(`webhook answered HTTP ${status}`));
        else resolve();
      });
      request.on('error', (error) => {
        if (settled) return;
        settle();
        reject(noAnswer(error));
      });
      request.end(body);
    });
  }
}
