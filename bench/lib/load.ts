/**
 * Runs the HTTP load generator in its own process (`load-worker.ts`), so that the generator and the
 * benchmark's own work (the webhook sink, samplers) never share an event loop.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { LoadResult, LoadSpec } from './load-worker.ts';

export type { LoadResult, LoadSpec } from './load-worker.ts';

const WORKER = join(import.meta.dirname, 'load-worker.ts');

export interface RunningLoad {
  /** The generator's pid (for CPU sampling). */
  pid: number;
  result: Promise<LoadResult>;
}

export function startLoad(spec: LoadSpec): RunningLoad {
  const child = fork(WORKER, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const result = new Promise<LoadResult>((resolve, reject) => {
    let answered = false;
    child.once('message', (message: { ok: boolean; result?: LoadResult; error?: string }) => {
      answered = true;
      if (message.ok && message.result) resolve(message.result);
      else reject(new Error(`load generator failed: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`load generator exited (${code ?? signal}) without a result`));
    });
    child.once('error', reject);
  });
  child.send(spec);
  return { pid: child.pid!, result };
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return startLoad(spec).result;
}
