import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FdWriter } from './fd-writer.ts';

describe('FdWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fd-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const chunkOf = (index: number) => Buffer.from(`${'x'.repeat(index % 97)}${index}\n`);

  test('writes every chunk, in order, while one write is in flight at a time', async () => {
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'a');
    const writer = new FdWriter(fd);
    const expected: Buffer[] = [];
    for (let index = 0; index < 5000; index++) {
      const chunk = chunkOf(index);
      expected.push(chunk);
      writer.write(chunk);
    }
    assert.ok(writer.pendingBytes > 0, 'nothing was written synchronously');
    await writer.idle();
    assert.equal(writer.pendingBytes, 0);
    closeSync(fd);
    assert.deepEqual(readFileSync(path), Buffer.concat(expected));
  });

  test('flushSync writes what is queued at once (at exit nothing asynchronous runs any more)', async () => {
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'a');
    const writer = new FdWriter(fd);
    const lines = Array.from({ length: 100 }, (_, index) => chunkOf(index));
    for (const line of lines) writer.write(line);
    writer.flushSync();
    // The first chunk was in flight on a thread-pool thread; everything after it is on disk already.
    const written = readFileSync(path, 'utf8');
    for (const line of lines.slice(1)) assert.ok(written.includes(line.toString()), `missing ${line}`);
    await writer.idle();
    closeSync(fd);
    assert.equal(readFileSync(path).length, Buffer.concat(lines).length);
  });

  test('a full non-blocking pipe is waited out: every byte arrives, in order', async () => {
    const fifo = join(dir, 'pipe');
    const out = join(dir, 'read.out');
    execFileSync('mkfifo', [fifo]);
    // Read and write ends in this process keep the pipe open without a reader; the pipe fills at 64 KiB.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const errors: Error[] = [];
    const writer = new FdWriter(fd, (error) => errors.push(error));
    const expected: Buffer[] = [];
    for (let index = 0; index < 20_000; index++) {
      const chunk = chunkOf(index);
      expected.push(chunk);
      writer.write(chunk);
    }
    const total = Buffer.concat(expected).length;
    assert.ok(total > 1024 * 1024, 'far more than the pipe holds');
    // The reader starts late, while the writer keeps finding the pipe full (EAGAIN).
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(writer.pendingBytes > 0, 'the writer is still waiting for room');
    const reader = spawn('sh', ['-c', `head -c ${total} "${fifo}" > "${out}"`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => reader.once('exit', resolve));
    await writer.idle();
    await exited;
    closeSync(fd);
    assert.deepEqual(errors, []);
    assert.deepEqual(readFileSync(out), Buffer.concat(expected));
  });

  test('a chunk that cannot be written is reported and dropped; the writer goes on', async () => {
    const errors: NodeJS.ErrnoException[] = [];
    const path = join(dir, 'read-only.log');
    closeSync(openSync(path, 'w'));
    const fd = openSync(path, 'r'); // opened for reading: a write fails with EBADF
    const writer = new FdWriter(fd, (error) => errors.push(error));
    writer.write(Buffer.from('lost\n'));
    await writer.idle();
    writer.write(Buffer.from('lost too\n'));
    await writer.idle();
    closeSync(fd);
    assert.deepEqual(
      errors.map((error) => error.code),
      ['EBADF', 'EBADF'],
    );
    assert.equal(writer.pendingBytes, 0);
    assert.equal(readFileSync(path, 'utf8'), '');
  });
});
