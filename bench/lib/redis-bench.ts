/**
 * The Redis ceiling of the consume path: `redis-benchmark` running the idempotency gate's own Lua
 * scripts (EVALSHA of `begin`, which takes the lease, and `complete`, which writes the done mark) on
 * random event keys, against the benchmark's Redis. Each handled event costs one of each, so the
 * per-event ceiling is 1 / (1/begin + 1/complete).
 */
import { Redis } from 'ioredis';
import { beginScript, completeScript } from '../../packages/messaging/src/idempotency.ts';
import { findExecutable, runCommand } from '../../tools/proc.ts';

export interface RedisBenchResult {
  beginOpsPerSec: number;
  completeOpsPerSec: number;
  /** Events per second the two scripts allow together. */
  eventsPerSec: number;
  clients: number;
  requests: number;
}

async function loadScripts(host: string, port: number): Promise<{ begin: string; complete: string }> {
  const redis = new Redis({ host, port, lazyConnect: true });
  await redis.connect();
  try {
    const begin = (await redis.script('LOAD', beginScript)) as string;
    const complete = (await redis.script('LOAD', completeScript)) as string;
    return { begin, complete };
  } finally {
    redis.disconnect();
  }
}

async function opsPerSec(
  bin: string,
  host: string,
  port: number,
  requests: number,
  clients: number,
  command: string[],
): Promise<number> {
  const result = await runCommand(
    bin,
    [
      '-h',
      host,
      '-p',
      String(port),
      '-n',
      String(requests),
      '-c',
      String(clients),
      '-r',
      '100000000',
      '--csv',
      ...command,
    ],
    { timeoutMs: 5 * 60_000 },
  );
  if (result.code !== 0) throw new Error(`redis-benchmark failed: ${result.stderr || result.stdout}`);
  // "test","rps","avg_latency_ms",...  then  "EVALSHA ...","123456.79",...
  const row = result.stdout.split('\n').find((line) => line.startsWith('"') && !line.startsWith('"test"'));
  const rps = Number(row?.split('","')[1]?.replace(/"/g, ''));
  if (!Number.isFinite(rps)) throw new Error(`cannot read redis-benchmark output:\n${result.stdout}`);
  return rps;
}

export async function redisGateBenchmark(
  host: string,
  port: number,
  requests: number,
  clients = 50,
): Promise<RedisBenchResult> {
  const bin = findExecutable('redis-benchmark');
  if (bin === undefined) throw new Error('redis-benchmark is not on PATH (apt-get install redis-tools)');
  const sha = await loadScripts(host, port);
  const key = 'notification:processed:event:bench-__rand_int__';
  const begin = await opsPerSec(bin, host, port, requests, clients, [
    'EVALSHA',
    sha.begin,
    '1',
    key,
    'lease:bench:1',
    '30000',
  ]);
  const complete = await opsPerSec(bin, host, port, requests, clients, [
    'EVALSHA',
    sha.complete,
    '1',
    key,
    'lease:bench:1',
    '604800',
  ]);
  return {
    beginOpsPerSec: begin,
    completeOpsPerSec: complete,
    eventsPerSec: 1 / (1 / begin + 1 / complete),
    clients,
    requests,
  };
}
