/**
 * The notification sink of the end-to-end scenario: notification-service's webhook notifier POSTs each
 * notification here with `Idempotency-Key: <eventId>`; the sink notes the wall-clock time (µs resolution,
 * comparable with the load generator's send times) at which each key first arrived and answers 204.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class NotificationSink {
  readonly #server: Server;
  /** eventId → arrival time (wall-clock ms). */
  readonly arrivals = new Map<string, number>();
  requests = 0;

  constructor() {
    this.#server = createServer((request, response) => {
      const at = performance.timeOrigin + performance.now();
      this.requests++;
      const key = request.headers['idempotency-key'];
      if (typeof key === 'string' && !this.arrivals.has(key)) this.arrivals.set(key, at);
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    this.#server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/notifications`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
