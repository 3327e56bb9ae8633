/**
 * A steady stream of orders for fault-injection tests: POSTs /api/orders at a fixed rate (bounded by a
 * count and a time), each order with its own customerId `<prefix>-<seq>` so that every record on the topic
 * can be traced back to the request that made it. Records what every request got (201 with its eventId,
 * 503, another status, a transport error) and how many requests are in flight at any moment.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface LoadOptions {
  /** order-service's base URL, e.g. http://127.0.0.1:8081 (read again before every request). */
  url: string | (() => string);
  /** Requests started per second. */
  ratePerSec: number;
  /** Most requests to start in all. */
  count: number;
  /** Stop starting requests after this long (default: no limit besides `count`). */
  durationMs?: number;
  /** Most requests in flight at once; the stream waits (falls behind its rate) beyond it. Default 512. */
  maxInFlight?: number;
  /** A request with no answer after this long is aborted and recorded as an error. Default 30 s. */
  requestTimeoutMs?: number;
  /** customerId prefix; the request's sequence number is appended. */
  customerPrefix: string;
  /** Replaces the customerId of request `seq` (e.g. to mark some orders for a failure). */
  customerIdOf?: (seq: number, defaultId: string) => string;
}

export type RequestResult =
  | { kind: 'acknowledged'; status: number; eventId: string; orderId: string }
  /** `inDoubt`: the service said the event may have been stored after all (its request went out unanswered). */
  | { kind: 'unavailable'; status: 503; inDoubt: boolean }
  | { kind: 'other-status'; status: number; body: string }
  | { kind: 'error'; message: string };

export interface LoadRequest {
  seq: number;
  customerId: string;
  /** `Date.now()` when the request was started, and when its outcome was known. */
  startedAt: number;
  endedAt?: number;
  result?: RequestResult;
}

export interface LoadSummary {
  started: number;
  acknowledged: number;
  unavailable: number;
  /** 503 answers that said the event may have been stored after all. */
  inDoubt: number;
  otherStatus: number;
  errors: number;
  /** Achieved start rate (requests per second over the time requests were being started). */
  achievedRate: number;
  maxInFlight: number;
  durationMs: number;
}

export class OrderLoad {
  readonly #options: Required<Omit<LoadOptions, 'durationMs' | 'customerIdOf'>> &
    Pick<LoadOptions, 'durationMs' | 'customerIdOf'>;
  readonly #requests: LoadRequest[] = [];
  readonly #acknowledged = new Map<string, LoadRequest>();
  readonly #inFlight = new Set<LoadRequest>();
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  #startedAt = 0;
  #lastStartAt = 0;
  #maxInFlight = 0;
  #stopped = false;
  #finished: Promise<void> | undefined;
  #settled: Array<Promise<void>> = [];

  constructor(options: LoadOptions) {
    this.#options = { maxInFlight: 512, requestTimeoutMs: 30_000, ...options };
  }

  /** Starts the stream; `finished()` resolves when it has started its last request and all have ended. */
  start(): this {
    if (this.#finished) return this;
    this.#startedAt = Date.now();
    this.#finished = new Promise<void>((resolve) => {
      const tick = () => {
        if (this.#stopped || this.#exhausted()) {
          this.#stopped = true;
          void Promise.all(this.#settled).then(() => {
            this.#agent.destroy();
            resolve();
          });
          return;
        }
        const due = Math.floor(((Date.now() - this.#startedAt) * this.#options.ratePerSec) / 1000) + 1;
        while (
          this.#requests.length < Math.min(due, this.#options.count) &&
          this.#inFlight.size < this.#options.maxInFlight
        ) {
          this.#fire();
        }
        setTimeout(tick, 5);
      };
      tick();
    });
    return this;
  }

  /** Stops starting requests (those in flight still end); resolves like `finished()`. */
  stop(): Promise<void> {
    this.#stopped = true;
    return this.finished();
  }

  finished(): Promise<void> {
    if (!this.#finished) throw new Error('the load was not started');
    return this.#finished;
  }

  /** Requests started so far, in order. */
  get requests(): readonly LoadRequest[] {
    return this.#requests;
  }

  /** Requests whose answer has not arrived yet. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The requests in flight right now (a copy). */
  inFlightNow(): LoadRequest[] {
    return [...this.#inFlight];
  }

  /** eventId -> request, for every 201. */
  get acknowledged(): ReadonlyMap<string, LoadRequest> {
    return this.#acknowledged;
  }

  /** customerId -> request. */
  byCustomerId(): Map<string, LoadRequest> {
    return new Map(this.#requests.map((r) => [r.customerId, r]));
  }

  summary(): LoadSummary {
    let unavailable = 0;
    let inDoubt = 0;
    let otherStatus = 0;
    let errors = 0;
    for (const request of this.#requests) {
      if (request.result?.kind === 'unavailable') {
        unavailable++;
        if (request.result.inDoubt) inDoubt++;
      } else if (request.result?.kind === 'other-status') otherStatus++;
      else if (request.result?.kind === 'error') errors++;
    }
    const startWindowMs = Math.max(1, this.#lastStartAt - this.#startedAt);
    return {
      started: this.#requests.length,
      acknowledged: this.#acknowledged.size,
      unavailable,
      inDoubt,
      otherStatus,
      errors,
      achievedRate: Math.round((this.#requests.length * 1000) / startWindowMs),
      maxInFlight: this.#maxInFlight,
      durationMs: (this.#requests.at(-1)?.endedAt ?? Date.now()) - this.#startedAt,
    };
  }

  #exhausted(): boolean {
    if (this.#requests.length >= this.#options.count) return true;
    const limit = this.#options.durationMs;
    return limit !== undefined && Date.now() - this.#startedAt >= limit;
  }

  #fire(): void {
    const seq = this.#requests.length;
    const defaultId = `${this.#options.customerPrefix}-${String(seq).padStart(6, '0')}`;
    const customerId = this.#options.customerIdOf?.(seq, defaultId) ?? defaultId;
    const request: LoadRequest = { seq, customerId, startedAt: Date.now() };
    this.#lastStartAt = request.startedAt;
    this.#requests.push(request);
    this.#inFlight.add(request);
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight.size);
    const url = typeof this.#options.url === 'string' ? this.#options.url : this.#options.url();
    this.#settled.push(
      post(`${url}/api/orders`, this.#agent, this.#options.requestTimeoutMs, {
        customerId,
        customerEmail: `${customerId}@example.com`,
        totalAmount: 1000 + (seq % 1000),
        currency: 'KRW',
      }).then((result) => {
        request.endedAt = Date.now();
        request.result = result;
        this.#inFlight.delete(request);
        if (result.kind === 'acknowledged') this.#acknowledged.set(result.eventId, request);
      }),
    );
  }
}

/**
 * One POST over node:http (not fetch): a request refused or reset by a killed server fails at once,
 * without a pool-level retry.
 */
async function post(url: string, agent: Agent, timeoutMs: number, body: unknown) {
  const payload = JSON.stringify(body);
  try {
    const { status, text } = await httpPost(url, agent, timeoutMs, payload);
    if (status === 201) {
      const parsed = JSON.parse(text) as { eventId?: unknown; orderId?: unknown };
      if (typeof parsed.eventId !== 'string' || typeof parsed.orderId !== 'string') {
        return { kind: 'other-status', status, body: text } as const;
      }
      return { kind: 'acknowledged', status, eventId: parsed.eventId, orderId: parsed.orderId } as const;
    }
    if (status === 503) {
      const message = (JSON.parse(text) as { message?: unknown }).message;
      const inDoubt = typeof message === 'string' && message.includes('may still have been stored');
      return { kind: 'unavailable', status, inDoubt } as const;
    }
    return { kind: 'other-status', status, body: text.slice(0, 500) } as const;
  } catch (error) {
    return { kind: 'error', message: (error as Error).message } as const;
  }
}

function httpPost(
  url: string,
  agent: Agent,
  timeoutMs: number,
  payload: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
