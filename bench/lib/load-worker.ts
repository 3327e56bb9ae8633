/**
 * The HTTP load generator's process (started by `load.ts` with an IPC channel; never imported). It
 * receives one `LoadSpec`, runs it, sends back one `LoadResult` and exits.
 *
 * - `closed` (max throughput): `connections` loops, each sending its next request as soon as the
 *   previous answer arrived. Latency is send → last byte of the answer.
 * - `open` (fixed rate): request i is due at t0 + i / rate whatever happened to the earlier ones; latency
 *   is measured from the *due* time, so a stalled server shows up as latency instead of silently lowering
 *   the rate (no coordinated omission). At most `connections` requests are on the wire; the rest wait.
 *
 * Requests go over `HttpConnection`s (raw keep-alive sockets, requests pre-serialised), one request at
 * a time per connection.
 *
 * Times that leave the process (the per-event send times of the end-to-end scenario) are wall-clock
 * milliseconds with microsecond resolution (`performance.timeOrigin + performance.now()`), comparable
 * across processes of the same machine.
 */
import { Histogram, type HistogramJson } from './histogram.ts';
import { HttpConnection, serializeRequest } from './http-conn.ts';

export interface LoadSpec {
  /** e.g. http://127.0.0.1:8081 */
  baseUrl: string;
  path: string;
  method: 'GET' | 'POST';
  /** Request bodies, used in turn (JSON text); none for GET. */
  bodies?: string[];
  mode: 'closed' | 'open';
  connections: number;
  /** Requests per second (open mode). */
  rate?: number;
  durationMs: number;
  /**
   * Requests sent (closed mode) or due (open mode) before this much time has passed are not recorded.
   * In open mode the rate holds from the start: the measured window begins with the connections open and
   * the code paths warm, and a stall inside the window still counts in full.
   */
  warmupMs?: number;
  /** A request without an answer after this long counts as an error. */
  timeoutMs?: number;
  /** Parse `eventId` from each 2xx answer and return its send time. */
  collectEventIds?: boolean;
}

export interface LoadResult {
  mode: 'closed' | 'open';
  connections: number;
  targetRate: number | undefined;
  /** Requests completed (any status) in the measured window. */
  completed: number;
  /** Transport errors and timeouts. */
  errors: number;
  /** Answers that were not 2xx. */
  non2xx: number;
  statuses: Record<string, number>;
  /** Length of the measured window. */
  elapsedMs: number;
  /** Completed requests per second over the measured window. */
  throughput: number;
  latency: HistogramJson;
  /** Open mode: the largest delay between a request's due time and its actual send. */
  maxSendLagMs: number;
  /** [eventId, wall-clock send time in ms] per 2xx answer, when asked. */
  eventIds?: Array<[string, number]>;
}

const wallNow = (): number => performance.timeOrigin + performance.now();

async function run(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.path, spec.baseUrl);
  const requests = (spec.bodies && spec.bodies.length > 0 ? spec.bodies : [undefined]).map((body) =>
    serializeRequest(spec.method, url, body),
  );
  const timeoutMs = spec.timeoutMs ?? 30_000;
  const wantBody = spec.collectEventIds === true;
  const histogram = new Histogram();
  const statuses: Record<string, number> = {};
  const eventIds: Array<[string, number]> = [];
  let errors = 0;
  let non2xx = 0;
  let completed = 0;
  let seq = 0;
  const connections = Array.from(
    { length: spec.connections },
    () => new HttpConnection(url.hostname, Number(url.port || 80)),
  );
  // Requests without an answer in time are failed by a sweep (a timer per request would cost more).
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const connection of connections) {
      if (connection.startedAt !== undefined && now - connection.startedAt > timeoutMs) {
        connection.abort(new Error('timeout'));
      }
    }
  }, 250);

  /** Sends the next request on `connection`; `dueAt` is when it should have been sent. */
  const send = (connection: HttpConnection, dueAt: number, record: boolean, onDone: () => void): void => {
    const bytes = requests[seq++ % requests.length]!;
    const sentWall = wallNow();
    connection.request(bytes, wantBody, (error, reply) => {
      if (record) {
        histogram.record((performance.now() - dueAt) * 1000);
        completed++;
        if (error || !reply) errors++;
        else {
          statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
          if (reply.status < 200 || reply.status > 299) non2xx++;
          else if (reply.body !== undefined) {
            const match = /"eventId":"([^"]+)"/.exec(reply.body);
            if (match?.[1]) eventIds.push([match[1], sentWall]);
          }
        }
      }
      onDone();
    });
  };

  let maxSendLagMs = 0;
  let started: number;
  let ended: number;
  if (spec.mode === 'closed') {
    const warmupMs = spec.warmupMs ?? 0;
    const t0 = performance.now();
    const measureFrom = t0 + warmupMs;
    const stopAt = measureFrom + spec.durationMs;
    await Promise.all(
      connections.map(
        (connection) =>
          new Promise<void>((resolve) => {
            const loop = () => {
              const now = performance.now();
              if (now >= stopAt) return resolve();
              send(connection, now, now >= measureFrom, loop);
            };
            loop();
          }),
      ),
    );
    started = measureFrom;
    ended = performance.now();
  } else {
    const rate = spec.rate ?? 1000;
    const warmupMs = spec.warmupMs ?? 0;
    const total = Math.round((rate * (warmupMs + spec.durationMs)) / 1000);
    const t0 = performance.now();
    const measureFrom = t0 + warmupMs;
    const idle = [...connections];
    /** Due times of requests waiting for a free connection (they count as latency). */
    const waiting: number[] = [];
    let waitingHead = 0;
    let issued = 0;
    let outstanding = 0;
    await new Promise<void>((resolve) => {
      const dispatch = (connection: HttpConnection, dueAt: number) => {
        const measured = dueAt >= measureFrom;
        if (measured) maxSendLagMs = Math.max(maxSendLagMs, performance.now() - dueAt);
        send(connection, dueAt, measured, () => {
          outstanding--;
          if (waitingHead < waiting.length) dispatch(connection, waiting[waitingHead++]!);
          else idle.push(connection);
          if (issued === total && outstanding === 0) resolve();
        });
      };
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
        while (issued < due) {
          const dueAt = t0 + (issued * 1000) / rate;
          issued++;
          outstanding++;
          const connection = idle.pop();
          if (connection) dispatch(connection, dueAt);
          else waiting.push(dueAt);
        }
        if (issued < total) {
          const next = t0 + (issued * 1000) / rate;
          setTimeout(tick, Math.max(0, next - performance.now() - 0.5));
        } else if (outstanding === 0) resolve();
      };
      tick();
    });
    started = measureFrom;
    ended = performance.now();
  }
  clearInterval(sweep);
  for (const connection of connections) connection.close();
  const elapsedMs = ended - started;
  return {
    mode: spec.mode,
    connections: spec.connections,
    targetRate: spec.rate,
    completed,
    errors,
    non2xx,
    statuses,
    elapsedMs,
    throughput: (completed / elapsedMs) * 1000,
    latency: histogram.toJSON(),
    maxSendLagMs,
    ...(spec.collectEventIds ? { eventIds } : {}),
  };
}

process.once('message', (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (error: Error) =>
      process.send?.({ ok: false, error: error.stack ?? error.message }, () => process.exit(1)),
  );
});
