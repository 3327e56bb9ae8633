/**
 * `npm run stack:reset [-- --yes] [-- --logs]`: deletes the local stack's data (the Kafka broker's log
 * directories and Redis's files under `.stack/`, or STACK_DIR), so the next `npm start` begins with empty
 * topics and no idempotency marks. `--logs` also deletes the services' log files (`logs/`, or LOG_DIR).
 * Asks first unless `--yes`; without a terminal to ask on, it refuses. Refuses while the stack runs.
 */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../kafka/provision.ts';
import { livePids, readState, stackDirFrom } from './state.ts';

const { values } = parseArgs({
  options: { yes: { type: 'boolean', default: false }, logs: { type: 'boolean', default: false } },
});
const stackDir = stackDirFrom();
const logDir = resolve(REPO_ROOT, process.env.LOG_DIR || 'logs');
const fail = (message: string): never => {
  process.stderr.write(`[stack:reset] ${message}\n`);
  process.exit(1);
};

const state = readState(stackDir);
const live = state ? livePids(state) : [];
if (live.length > 0) {
  fail(`the stack is running (pids ${live.join(', ')}): stop npm start (Ctrl-C) first, then reset`);
}
const targets = [stackDir, ...(values.logs ? [logDir] : [])].filter((path) => existsSync(path));
if (targets.length === 0) {
  process.stdout.write(`[stack:reset] nothing to delete (${stackDir} does not exist)\n`);
  process.exit(0);
}
if (!values.yes) {
  if (!process.stdin.isTTY) fail(`would delete ${targets.join(' and ')}; run with --yes to confirm`);
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(
    `Delete ${targets.join(' and ')} (Kafka topics and records, Redis data${values.logs ? ', logs' : ''})? [y/N] `,
  );
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim())) {
    process.stdout.write('[stack:reset] nothing deleted\n');
    process.exit(0);
  }
}
for (const path of targets) rmSync(path, { recursive: true, force: true });
process.stdout.write(`[stack:reset] deleted ${targets.join(' and ')}\n`);
