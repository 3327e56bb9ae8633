import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  isAlive,
  livePids,
  needsInstall,
  readState,
  removeState,
  type StackState,
  writeState,
} from './state.ts';

const deadPid = () => {
  const child = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  return child.pid!;
};

const state = (pids: { runner: number; service: number; kafka?: number }): StackState => ({
  runnerPid: pids.runner,
  startedAt: new Date().toISOString(),
  kafka: { bootstrapServers: '127.0.0.1:9092', startedByStack: true, pid: pids.kafka },
  redis: { host: '127.0.0.1', port: 6379, startedByStack: false, pid: process.pid },
  services: [{ name: 'order-service', port: 8081, pid: pids.service }],
  logDir: '/tmp/logs',
});

test('npm install is needed exactly when node_modules holds no installed tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'stack-root-'));
  assert.equal(needsInstall(root), true, 'no node_modules');
  mkdirSync(join(root, 'node_modules'));
  assert.equal(needsInstall(root), true, 'an empty node_modules (an interrupted install)');
  writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{}');
  assert.equal(needsInstall(root), false);
});

test('the state file round-trips; garbage or a missing file reads as no state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-state-'));
  assert.equal(readState(dir), undefined);
  const written = state({ runner: process.pid, service: process.pid, kafka: process.pid });
  writeState(dir, written);
  assert.deepEqual(readState(dir), written);
  writeFileSync(join(dir, 'state.json'), '{not json');
  assert.equal(readState(dir), undefined);
  writeFileSync(join(dir, 'state.json'), '{"runnerPid":"x"}');
  assert.equal(readState(dir), undefined);
  removeState(dir);
  assert.equal(readState(dir), undefined);
});

test('live pids: the runner and what it started, not external infrastructure, not the dead', () => {
  const gone = deadPid();
  assert.equal(isAlive(gone), false);
  assert.equal(isAlive(process.pid), true);
  assert.equal(isAlive(0), false);
  assert.deepEqual(livePids(state({ runner: gone, service: gone, kafka: gone })), [], 'a stale state');
  // Redis is external in this state (startedByStack false), so its pid is not the stack's to report.
  assert.deepEqual(livePids(state({ runner: gone, service: process.pid })), [process.pid]);
});
