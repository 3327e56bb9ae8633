/**
 * A minimal HTTP/1.1 client connection for the load generator: one keep-alive TCP socket, one request at
 * a time, requests pre-serialised as bytes, responses parsed just enough (status line, Content-Length or
 * chunked body, `Connection: close`). Node's own `http.request` spends more CPU per request than the
 * servers under test do, which would make the generator, not the server, the bottleneck being measured.
 */
import { connect, type Socket } from 'node:net';

export interface Reply {
  status: number;
  /** The body, only when asked for (`wantBody`). */
  body: string | undefined;
}

type Done = (error: Error | undefined, reply: Reply | undefined) => void;

const CRLFCRLF = Buffer.from('\r\n\r\n');

export class HttpConnection {
  readonly #host: string;
  readonly #port: number;
  #socket: Socket | undefined;
  #connected = false;
  #buffer: Buffer = Buffer.alloc(0);
  #done: Done | undefined;
  #wantBody = false;
  #pendingWrite: Buffer | undefined;
  /** `performance.now()` when the request in flight was written; undefined when idle. */
  startedAt: number | undefined;

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
  }

  get busy(): boolean {
    return this.#done !== undefined;
  }

  /** Sends one request; `done` is called exactly once. */
  request(bytes: Buffer, wantBody: boolean, done: Done): void {
    this.#done = done;
    this.#wantBody = wantBody;
    this.startedAt = performance.now();
    const socket = this.#socket ?? this.#open();
    if (this.#connected) socket.write(bytes);
    else this.#pendingWrite = bytes;
  }

  /** Fails the request in flight (timeouts) and drops the socket. */
  abort(error: Error): void {
    this.#fail(error);
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #open(): Socket {
    const socket = connect({ host: this.#host, port: this.#port, noDelay: true });
    this.#socket = socket;
    this.#connected = false;
    this.#buffer = Buffer.alloc(0);
    socket.on('connect', () => {
      this.#connected = true;
      const pending = this.#pendingWrite;
      this.#pendingWrite = undefined;
      if (pending) socket.write(pending);
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => {
      if (this.#socket === socket) this.#fail(error);
    });
    socket.on('close', () => {
      if (this.#socket === socket) this.#fail(new Error('connection closed'));
    });
    return socket;
  }

  #fail(error: Error): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#pendingWrite = undefined;
    socket?.destroy();
    this.#finish(error, undefined);
  }

  #finish(error: Error | undefined, reply: Reply | undefined): void {
    const done = this.#done;
    this.#done = undefined;
    this.startedAt = undefined;
    done?.(error, reply);
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const buffer = this.#buffer;
    const headerEnd = buffer.indexOf(CRLFCRLF);
    if (headerEnd < 0) return;
    const head = buffer.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    const bodyStart = headerEnd + 4;
    let bodyEnd: number;
    let body: string | undefined;
    const lengthMatch = /\r\ncontent-length:\s*(\d+)/.exec(lower);
    if (lengthMatch) {
      bodyEnd = bodyStart + Number(lengthMatch[1]);
      if (buffer.length < bodyEnd) return;
      if (this.#wantBody) body = buffer.toString('utf8', bodyStart, bodyEnd);
    } else if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
      const parsed = parseChunked(buffer, bodyStart);
      if (parsed === undefined) return;
      bodyEnd = parsed.end;
      if (this.#wantBody) body = parsed.body;
    } else {
      bodyEnd = bodyStart; // 204 / 304 or a body ended by close: not used by the servers measured
    }
    this.#buffer = buffer.length > bodyEnd ? buffer.subarray(bodyEnd) : Buffer.alloc(0);
    if (/\r\nconnection:\s*close/.test(lower)) {
      const socket = this.#socket;
      this.#socket = undefined;
      socket?.destroy();
    }
    this.#finish(undefined, { status, body });
  }
}

function parseChunked(buffer: Buffer, from: number): { end: number; body: string } | undefined {
  let at = from;
  const parts: string[] = [];
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buffer.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) return undefined;
    const dataStart = lineEnd + 2;
    if (size === 0) {
      const end = buffer.indexOf(CRLFCRLF, lineEnd);
      return end < 0 ? undefined : { end: end + 4, body: parts.join('') };
    }
    if (buffer.length < dataStart + size + 2) return undefined;
    parts.push(buffer.toString('utf8', dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

/** The bytes of one request. */
export function serializeRequest(method: string, url: URL, body: string | undefined): Buffer {
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  const head =
    `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n` +
    (payload ? `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n` : '') +
    '\r\n';
  return payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1');
}
