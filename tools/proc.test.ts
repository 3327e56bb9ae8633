import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { findExecutable, lastLines, runCommand, runningProcesses, spawnManaged } from './proc.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('spawnManaged writes output to files; stop() uses SIGTERM, kill() SIGKILL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'proc-test-'));
  const out = join(dir, 'out.log');
  const proc = await spawnManaged('/bin/sh', ['-c', 'echo hello; echo oops >&2; exec sleep 30'], {
    name: 'sleeper',
    stdoutFile: out,
    stderrFile: out,
  });
  assert.equal(proc.running, true);
  assert.ok(runningProcesses().includes(proc));
  await sleep(200);
  assert.deepEqual(readFileSync(out, 'utf8').split('\n').sort(), ['', 'hello', 'oops']);
  assert.deepEqual(await proc.stop(), { code: null, signal: 'SIGTERM' });
  assert.equal(proc.running, false);
  assert.ok(!runningProcesses().includes(proc));

  const stubborn = await spawnManaged('/bin/sh', ['-c', "trap '' TERM; sleep 30 & wait"], {
    name: 'stubborn',
  });
  await sleep(100);
  const info = await stubborn.stop({ timeoutMs: 300 });
  assert.equal(info.signal, 'SIGKILL');
  const again = await spawnManaged('sleep', ['30'], { name: 'sleep' });
  assert.equal((await again.kill()).signal, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('spawnManaged rejects with a clear message when the command is missing', async () => {
  await assert.rejects(spawnManaged('no-such-command-xyz', [], { name: 'ghost' }), /cannot start ghost/);
  assert.equal(findExecutable('no-such-command-xyz'), undefined);
  assert.ok(findExecutable('sh')?.endsWith('/sh'));
});

test('children and temp paths do not outlive a parent that is SIGKILLed (watchdog)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'proc-watchdog-'));
  const procModule = fileURLToPath(new URL('./proc.ts', import.meta.url));
  const script = `
    import { spawnManaged, removeOnExit } from ${JSON.stringify(procModule)};
    const child = await spawnManaged('sleep', ['300'], { name: 'orphan' });
    removeOnExit(${JSON.stringify(dir)});
    console.log(child.pid);
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const childPid = await new Promise<number>((resolve) =>
    parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  assert.ok(alive(childPid));
  parent.kill('SIGKILL');
  let gone = false;
  for (let i = 0; i < 50 && !gone; i++) {
    await sleep(100);
    gone = !alive(childPid) && !existsSync(dir);
  }
  assert.ok(gone, 'child killed and temp dir removed after the parent died');
});

test('runCommand captures output and exit code', async () => {
  const lines: string[] = [];
  const result = await runCommand('/bin/sh', ['-c', 'echo a; echo b >&2; exit 3'], {
    onLine: (l) => lines.push(l),
  });
  assert.equal(result.code, 3);
  assert.equal(result.stdout, 'a\n');
  assert.equal(result.stderr, 'b\n');
  assert.deepEqual(lines.sort(), ['a', 'b']);
  assert.deepEqual(lastLines('1\n2\n3\n', 2), ['2', '3']);
});
