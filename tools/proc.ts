// Child-process helpers: spawn long-running servers whose output goes to files, and make sure none of them
// outlives this process.
//
// Three layers keep children from leaking:
//  1. stop()/kill() on each ManagedProcess (what callers should use);
//  2. a process.on('exit') hook that SIGKILLs whatever is still running and removes registered temp paths;
//  3. a tiny detached watchdog shell that holds the read end of a pipe from this process: when this process
//     dies in any way (even SIGKILL, where no JavaScript runs), the pipe closes and the watchdog SIGKILLs
//     the registered children and removes the registered paths.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { delimiter, join } from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** False once the process has exited. */
  readonly running: boolean;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Set once the process has exited. */
  readonly exitInfo: ExitInfo | undefined;
  /** Sends `signal` (default SIGTERM) and waits; SIGKILL after `timeoutMs` (default 30 s). */
  stop(opts?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<ExitInfo>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<ExitInfo>;
}

export interface SpawnManagedOptions {
  /** Used in messages, e.g. `kafka-1`. */
  name: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** File the child's stdout is appended to (discarded when absent). */
  stdoutFile?: string;
  /** File the child's stderr is appended to (discarded when absent). */
  stderrFile?: string;
}

const running = new Set<ManagedProcess>();
const pathsToRemove = new Set<string>();
let exitHookInstalled = false;
let watchdog: ChildProcess | undefined;

const WATCHDOG_SCRIPT = `
pids=''
paths=''
while IFS= read -r line; do
  op=\${line%% *}
  arg=\${line#* }
  case "$op" in
    add) pids="$pids $arg" ;;
    del) n=''; for p in $pids; do [ "$p" = "$arg" ] || n="$n $p"; done; pids=$n ;;
    rm) paths="$paths$arg
" ;;
    keep) n=''; while IFS= read -r p; do [ -z "$p" ] || [ "$p" = "$arg" ] || n="$n$p
"; done <<EOF
$paths
EOF
      paths=$n ;;
  esac
done
for p in $pids; do kill -9 "$p" 2>/dev/null; done
[ -n "$pids" ] && sleep 0.5
printf '%s' "$paths" | while IFS= read -r p; do [ -n "$p" ] && rm -rf -- "$p"; done
exit 0
`;

function tellWatchdog(line: string): void {
  if (line.includes('\n')) return;
  if (watchdog === undefined) {
    try {
      watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT], {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      watchdog.on('error', () => {});
      watchdog.unref();
      const stdin = watchdog.stdin as Socket | null;
      stdin?.on('error', () => {});
      stdin?.unref();
    } catch {
      return;
    }
  }
  watchdog.stdin?.write(`${line}\n`);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    killAllSync();
    for (const path of pathsToRemove) {
      try {
        rmSync(path, { recursive: true, force: true });
      } catch {
        // best effort at exit
      }
    }
  });
}

/** SIGKILLs every child started through spawnManaged that is still running (synchronous, for exit paths). */
export function killAllSync(): void {
  for (const proc of running) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Children started through spawnManaged that are still running. */
export function runningProcesses(): ManagedProcess[] {
  return [...running];
}

/**
 * Removes `path` (recursively) when this process exits, however it exits. Returns a function that cancels it.
 */
export function removeOnExit(path: string): () => void {
  installExitHook();
  pathsToRemove.add(path);
  tellWatchdog(`rm ${path}`);
  return () => {
    pathsToRemove.delete(path);
    tellWatchdog(`keep ${path}`);
  };
}

/** The absolute path of `name` found on PATH (or `name` itself when it contains a slash and is executable). */
export function findExecutable(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : pathEnv.split(delimiter).map((dir) => join(dir || '.', name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function openOut(file: string | undefined): number | 'ignore' {
  return file === undefined ? 'ignore' : openSync(file, 'a');
}

/**
 * Spawns a long-running child with stdin closed and stdout/stderr appended to files, tracked so that it is
 * killed when this process exits. Rejects when the command cannot be started (e.g. ENOENT).
 */
export async function spawnManaged(
  command: string,
  args: readonly string[],
  opts: SpawnManagedOptions,
): Promise<ManagedProcess> {
  installExitHook();
  const out = openOut(opts.stdoutFile);
  const err = opts.stderrFile === opts.stdoutFile && typeof out === 'number' ? out : openOut(opts.stderrFile);
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', out, err],
    });
  } finally {
    if (typeof out === 'number') closeSync(out);
    if (typeof err === 'number' && err !== out) closeSync(err);
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) => reject(new Error(`cannot start ${opts.name} (${command}): ${e.message}`)));
  });
  const pid = child.pid!;
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      running.delete(proc);
      tellWatchdog(`del ${pid}`);
      resolve(exitInfo);
    });
  });
  const signalAndWait = async (signal: NodeJS.Signals, timeoutMs: number): Promise<ExitInfo> => {
    if (exitInfo !== undefined) return exitInfo;
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (result !== 'timeout') return result;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
    return exited;
  };
  const proc: ManagedProcess = {
    name: opts.name,
    pid,
    get running() {
      return exitInfo === undefined;
    },
    exited,
    get exitInfo() {
      return exitInfo;
    },
    stop: (o) => signalAndWait(o?.signal ?? 'SIGTERM', o?.timeoutMs ?? 30_000),
    kill: () => signalAndWait('SIGKILL', 60_000),
  };
  running.add(proc);
  tellWatchdog(`add ${pid}`);
  return proc;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a short-lived command to completion and captures its output (the child is killed if it outlives
 * `timeoutMs`, default 10 min). Rejects only when the command cannot be started.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 600_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const onData = (chunk: Buffer, isErr: boolean) => {
      const text = chunk.toString('utf8');
      if (isErr) stderr += text;
      else stdout += text;
      if (opts.onLine === undefined) return;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') opts.onLine(line);
    };
    child.stdout?.on('data', (c: Buffer) => onData(c, false));
    child.stderr?.on('data', (c: Buffer) => onData(c, true));
    child.once('error', (e) => reject(new Error(`cannot run ${command}: ${e.message}`)));
    if (child.pid !== undefined) {
      const pid = child.pid;
      // Track short-lived commands too, so a Ctrl-C during a long Maven download leaves nothing behind.
      installExitHook();
      tellWatchdog(`add ${pid}`);
      const killer = () => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      };
      process.on('exit', killer);
      child.once('exit', () => {
        process.off('exit', killer);
        tellWatchdog(`del ${pid}`);
      });
    }
    child.once('close', (code, signal) => {
      if (partial.trim() !== '' && opts.onLine !== undefined) opts.onLine(partial);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last `count` lines of `text` (trailing empty line ignored). */
export function lastLines(text: string, count: number): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}
