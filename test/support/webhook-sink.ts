/**
 * A local webhook receiver for fault-injection tests: notification-service's webhook notifier POSTs every
 * notification here with `Idempotency-Key: <eventId>`. The sink counts what arrives per key, and can be
 * told to hang (never answer) or to fail (HTTP 500) for the bodies a predicate picks; a key picked once
 * stays picked, so its retries and redeliveries hang or fail too.
 *
 * Vocabulary: an *attempt* is any request that arrived; a *delivery* is a request the sink answered with
 * 200. Like a receiver that deduplicates by the key, the sink answers 200 to a repeated key as well, and
 * reports it: keys delivered more than once are exactly the copies such a receiver drops.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface WebhookBody {
  eventType?: string;
  eventId?: string;
  kind?: string;
  message?: string;
  event?: Record<string, unknown>;
}

export interface SinkRequest {
  key: string;
  /** `Date.now()` when the request's body was read. */
  at: number;
  body: WebhookBody;
  /** What the sink did with it. */
  answer: 'delivered' | 'failed' | 'hung' | 'rejected';
}

export type BodyPredicate = (body: WebhookBody, key: string) => boolean;

export interface SinkReport {
  /** Keys answered 200 exactly once. */
  deliveredOnce: number;
  /** Keys answered 200 more than once, with how many times. */
  deliveredMoreThanOnce: Map<string, number>;
  /** Distinct keys answered 200 at least once. */
  distinctDelivered: number;
  /** Every request answered 200. */
  totalDeliveries: number;
  /** Every request that arrived (delivered, failed, hung, rejected). */
  totalAttempts: number;
}

export class WebhookSink {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #hung = new Set<ServerResponse>();
  readonly #deliveries = new Map<string, number[]>();
  readonly #attempts = new Map<string, SinkRequest[]>();
  readonly #hangKeys = new Set<string>();
  readonly #failKeys = new Set<string>();
  readonly #waiters = new Set<() => void>();
  #hangWhen: BodyPredicate | undefined;
  #failWhen: BodyPredicate | undefined;
  #totalDeliveries = 0;
  #totalAttempts = 0;
  #url = '';
  readonly #keepBodies: boolean;

  private constructor(keepBodies: boolean) {
    this.#keepBodies = keepBodies;
    this.#server = createServer((request, response) => this.#onRequest(request, response));
    this.#server.keepAliveTimeout = 30_000;
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /**
   * Starts a sink on 127.0.0.1 on a free port. `keepBodies: false` keeps only keys and times (long soaks);
   * the predicates still see every body.
   */
  static async start(options: { keepBodies?: boolean } = {}): Promise<WebhookSink> {
    const sink = new WebhookSink(options.keepBodies ?? true);
    await new Promise<void>((resolve, reject) => {
      sink.#server.once('error', reject);
      sink.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = sink.#server.address() as AddressInfo;
    sink.#url = `http://127.0.0.1:${port}/notifications`;
    return sink;
  }

  /** The URL to put in NOTIFICATION_WEBHOOK_URL. */
  get url(): string {
    return this.#url;
  }

  /** From now on, never answer requests whose body the predicate picks (and every later one of that key). */
  hangWhen(predicate: BodyPredicate | undefined): void {
    this.#hangWhen = predicate;
  }

  /** From now on, answer 500 to requests whose body the predicate picks (and every later one of that key). */
  failWhen(predicate: BodyPredicate | undefined): void {
    this.#failWhen = predicate;
  }

  /** Keys the sink decided to hang for. */
  get hungKeys(): ReadonlySet<string> {
    return this.#hangKeys;
  }

  /** Keys the sink decided to fail for. */
  get failedKeys(): ReadonlySet<string> {
    return this.#failKeys;
  }

  /** Requests currently held open without an answer. */
  get hangingNow(): number {
    return this.#hung.size;
  }

  /** Times (Date.now()) at which `key` was answered 200. */
  deliveriesOf(key: string): readonly number[] {
    return this.#deliveries.get(key) ?? [];
  }

  /** Every request of `key`, in arrival order. */
  attemptsOf(key: string): readonly SinkRequest[] {
    return this.#attempts.get(key) ?? [];
  }

  /** Every key that was answered 200 at least once. */
  deliveredKeys(): IterableIterator<string> {
    return this.#deliveries.keys();
  }

  /** Every request that arrived, in arrival order across keys. */
  allAttempts(): SinkRequest[] {
    return [...this.#attempts.values()].flat().sort((a, b) => a.at - b.at);
  }

  report(): SinkReport {
    let once = 0;
    const more = new Map<string, number>();
    for (const [key, times] of this.#deliveries) {
      if (times.length === 1) once++;
      else more.set(key, times.length);
    }
    return {
      deliveredOnce: once,
      deliveredMoreThanOnce: more,
      distinctDelivered: this.#deliveries.size,
      totalDeliveries: this.#totalDeliveries,
      totalAttempts: this.#totalAttempts,
    };
  }

  /**
   * Resolves once `done()` is true, re-checked after every request the sink receives (and every 200 ms,
   * for conditions that depend on time); resolves false when `timeoutMs` passes first.
   */
  async waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 200));
        this.#waiters.add(wake);
      });
    }
    return true;
  }

  /** Waits until every key of `keys` was delivered at least once; returns the keys still missing. */
  async waitForDeliveries(keys: Iterable<string>, timeoutMs: number): Promise<Set<string>> {
    const missing = new Set(keys);
    const update = () => {
      for (const key of missing) if (this.#deliveries.has(key)) missing.delete(key);
      return missing.size === 0;
    };
    await this.waitUntil(update, timeoutMs);
    update();
    return missing;
  }

  /** Drops the hanging requests, stops listening and closes every connection. */
  async close(): Promise<void> {
    for (const response of this.#hung) response.destroy();
    this.#hung.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #onRequest(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      const header = request.headers['idempotency-key'];
      const key = Array.isArray(header) ? (header[0] ?? '') : (header ?? '');
      let body: WebhookBody = {};
      let parsed = true;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookBody;
      } catch {
        parsed = false;
      }
      const answer = this.#decide(request, key, body, parsed);
      const entry: SinkRequest = { key, at: Date.now(), body: this.#keepBodies ? body : {}, answer };
      this.#totalAttempts++;
      let list = this.#attempts.get(key);
      if (!list) {
        list = [];
        this.#attempts.set(key, list);
      }
      list.push(entry);
      switch (answer) {
        case 'rejected':
          response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
          break;
        case 'hung':
          this.#hung.add(response);
          response.once('close', () => this.#hung.delete(response));
          break;
        case 'failed':
          response.writeHead(500, { 'content-type': 'text/plain' }).end('simulated failure');
          break;
        case 'delivered': {
          this.#totalDeliveries++;
          const times = this.#deliveries.get(key);
          if (times) times.push(entry.at);
          else this.#deliveries.set(key, [entry.at]);
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
          break;
        }
      }
      for (const wake of [...this.#waiters]) wake();
    });
  }

  #decide(request: IncomingMessage, key: string, body: WebhookBody, parsed: boolean): SinkRequest['answer'] {
    if (request.method !== 'POST' || key === '' || !parsed) return 'rejected';
    if (this.#hangKeys.has(key)) return 'hung';
    if (this.#failKeys.has(key)) return 'failed';
    if (this.#hangWhen?.(body, key)) {
      this.#hangKeys.add(key);
      return 'hung';
    }
    if (this.#failWhen?.(body, key)) {
      this.#failKeys.add(key);
      return 'failed';
    }
    return 'delivered';
  }
}
