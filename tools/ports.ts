// Loopback port helpers shared by the Kafka/Redis provisioning, tests and benchmarks.
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const LOOPBACK = '127.0.0.1';

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The range the kernel takes the local ports of outgoing connections from (Linux's setting, or its default
 * where it cannot be read). A port picked for a server to listen on later must lie outside it: picked
 * inside (as binding port 0 does), any connection opened meanwhile, a broker's to another or a client's,
 * can be given that very port, and the server then fails with EADDRINUSE.
 */
export function ephemeralPortRange(): readonly [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const range = [Number(low), Number(high)] as const;
    if (Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] <= range[1]) return range;
  } catch {
    // not Linux
  }
  return [32768, 60999];
}

/**
 * Where free ports are picked: the wider of 10000–65535's stretches below and above the ephemeral range;
 * undefined (the kernel picks) when the ephemeral range leaves less than 1,000 ports out.
 */
function pickableRange(): readonly [number, number] | undefined {
  const [low, high] = ephemeralPortRange();
  const below = [10_000, low - 1] as const;
  const above = [high + 1, 65_535] as const;
  const size = ([from, to]: readonly [number, number]) => to - from;
  const wider = size(below) >= size(above) ? below : above;
  return size(wider) >= 1000 ? wider : undefined;
}

/** A port that is free on `host` right now, outside the ephemeral range (see `ephemeralPortRange`). */
export async function getFreePort(host = LOOPBACK): Promise<number> {
  const [port] = await getFreePorts(1, host);
  return port!;
}

/** `count` distinct free ports: all are held open together while picking, so none repeats. */
export async function getFreePorts(count: number, host = LOOPBACK): Promise<number[]> {
  const range = pickableRange();
  const servers: Server[] = [];
  try {
    for (let attempts = 0; servers.length < count; attempts++) {
      if (attempts > 100 * count) throw new Error(`no ${count} free ports in ${range?.join('-')}`);
      const candidate = range ? range[0] + Math.floor(Math.random() * (range[1] - range[0] + 1)) : 0;
      try {
        servers.push(await listen(candidate, host));
      } catch {
        // taken: try another
      }
    }
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('unexpected server address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** True when nothing listens on `port` at `host` (checked by binding it briefly). */
export async function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  try {
    await close(await listen(port, host));
    return true;
  } catch {
    return false;
  }
}

/** True when a TCP connection to host:port succeeds within `timeoutMs`. */
export function canConnect(port: number, host = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitForPortOptions {
  host?: string;
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Delay between attempts (default 100 ms). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Resolves once a TCP connection to host:port succeeds; rejects after `timeoutMs`. */
export async function waitForPort(port: number, opts: WaitForPortOptions = {}): Promise<void> {
  const host = opts.host ?? LOOPBACK;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    opts.signal?.throwIfAborted();
    if (await canConnect(port, host, Math.max(100, Math.min(1000, deadline - Date.now())))) return;
    if (Date.now() >= deadline)
      throw new Error(`nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
    await sleep(opts.intervalMs ?? 100);
  }
}
