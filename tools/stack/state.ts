/**
 * The local stack's state file, `<stack dir>/state.json`: written by `npm start` once everything is
 * healthy, removed when it stops. `npm run stack:status` and `npm run stack:reset` read it. A state file
 * whose runner is gone (the machine rebooted, the runner was SIGKILLed) is stale and treated as absent.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../kafka/provision.ts';

export interface StackState {
  /** pid of the `npm start` runner (tools/stack/start.ts). */
  runnerPid: number;
  startedAt: string;
  kafka: { bootstrapServers: string; startedByStack: boolean; pid?: number | undefined };
  redis: { host: string; port: number; startedByStack: boolean; pid?: number | undefined };
  services: Array<{ name: string; port: number; pid: number }>;
  logDir: string;
}

/** The folder that holds the broker's and Redis's data (`STACK_DIR`, default `.stack/`). */
export function stackDirFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.STACK_DIR || join(REPO_ROOT, '.stack');
}

export const statePath = (stackDir: string) => join(stackDir, 'state.json');

export function writeState(stackDir: string, state: StackState): void {
  writeFileSync(statePath(stackDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeState(stackDir: string): void {
  rmSync(statePath(stackDir), { force: true });
}

/** The state file, or undefined when there is none or it cannot be read. */
export function readState(stackDir: string): StackState | undefined {
  const path = statePath(stackDir);
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as StackState;
    return Number.isInteger(state.runnerPid) && Array.isArray(state.services) ? state : undefined;
  } catch {
    return undefined;
  }
}

/** True while a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number | undefined): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids of the state that are still running: the runner and every process it started. */
export function livePids(state: StackState): number[] {
  const pids = [
    state.runnerPid,
    ...state.services.map((service) => service.pid),
    state.kafka.startedByStack ? state.kafka.pid : undefined,
    state.redis.startedByStack ? state.redis.pid : undefined,
  ];
  return pids.filter((pid): pid is number => isAlive(pid));
}

/** True when `npm install` must run first: no installed dependencies next to package.json. */
export function needsInstall(root: string = REPO_ROOT): boolean {
  return !existsSync(join(root, 'node_modules', '.package-lock.json'));
}
