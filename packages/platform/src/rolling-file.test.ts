import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DailyRollingFile, localDay } from './rolling-file.ts';

describe('DailyRollingFile', () => {
  let dir: string;
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolling-'));
    now = new Date(2024, 10, 23, 23, 59, 58).getTime();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes to application.log', async () => {
    const file = new DailyRollingFile({ dir, now: clock });
    file.write('line 1\n');
    file.write('line 2\n');
    await file.end();
    assert.equal(readFileSync(join(dir, 'application.log'), 'utf8'), 'line 1\nline 2\n');
  });

  it('renames the active file at local midnight and starts a new one', async () => {
    const file = new DailyRollingFile({ dir, now: clock });
    file.write('before midnight\n');
    now = new Date(2024, 10, 24, 0, 0, 1).getTime();
    file.write('after midnight\n');
    await file.end();
    assert.deepEqual(readdirSync(dir).sort(), ['application.2024-11-23.log', 'application.log']);
    assert.equal(readFileSync(join(dir, 'application.2024-11-23.log'), 'utf8'), 'before midnight\n');
    assert.equal(readFileSync(join(dir, 'application.log'), 'utf8'), 'after midnight\n');
  });

  it('does not roll twice on the same day, and names each archive by its own day', async () => {
    const file = new DailyRollingFile({ dir, now: clock });
    file.write('a\n');
    now = new Date(2024, 10, 24, 0, 0, 1).getTime();
    file.write('b\n');
    now = new Date(2024, 10, 24, 18, 0, 0).getTime();
    file.write('c\n');
    now = new Date(2024, 10, 26, 8, 0, 0).getTime();
    file.write('d\n');
    await file.end();
    assert.deepEqual(readdirSync(dir).sort(), [
      'application.2024-11-23.log',
      'application.2024-11-24.log',
      'application.log',
    ]);
    assert.equal(readFileSync(join(dir, 'application.2024-11-24.log'), 'utf8'), 'b\nc\n');
    assert.equal(readFileSync(join(dir, 'application.log'), 'utf8'), 'd\n');
  });

  it('archives a file left from an earlier day at start-up', async () => {
    const leftover = join(dir, 'application.log');
    writeFileSync(leftover, 'old run\n');
    const twoDaysAgo = new Date(2024, 10, 21, 12, 0, 0);
    utimesSync(leftover, twoDaysAgo, twoDaysAgo);
    const file = new DailyRollingFile({ dir, now: clock });
    file.write('new run\n');
    await file.end();
    assert.equal(readFileSync(join(dir, 'application.2024-11-21.log'), 'utf8'), 'old run\n');
    assert.equal(readFileSync(leftover, 'utf8'), 'new run\n');
  });

  it('keeps appending to a file from the same day', async () => {
    writeFileSync(join(dir, 'application.log'), 'earlier today\n');
    const today = new Date(now - 1000);
    utimesSync(join(dir, 'application.log'), today, today);
    const file = new DailyRollingFile({ dir, now: clock });
    file.write('later\n');
    await file.end();
    assert.equal(readFileSync(join(dir, 'application.log'), 'utf8'), 'earlier today\nlater\n');
  });

  it('never overwrites an existing archive of the same day', async () => {
    writeFileSync(join(dir, 'application.2024-11-23.log'), 'first\n');
    const file = new DailyRollingFile({ dir, now: clock });
    file.write('second\n');
    now += 10_000;
    file.write('x\n');
    await file.end();
    assert.equal(readFileSync(join(dir, 'application.2024-11-23.log'), 'utf8'), 'first\n');
    assert.equal(readFileSync(join(dir, 'application.2024-11-23.1.log'), 'utf8'), 'second\n');
  });

  it('keeps only the newest 30 archives and leaves other files alone', async () => {
    for (let i = 0; i < 35; i++) {
      writeFileSync(join(dir, `application.${localDay(new Date(2024, 9, i + 1).getTime())}.log`), `${i}\n`);
    }
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const file = new DailyRollingFile({ dir, now: clock });
    await file.maintenance;
    let archives = readdirSync(dir)
      .filter((n) => /^application\.\d/.test(n))
      .sort();
    assert.equal(archives.length, 30);
    assert.equal(archives[0], 'application.2024-10-06.log');
    assert.equal(archives.at(-1), 'application.2024-11-04.log');

    file.write('roll me\n');
    now += 10_000; // past midnight
    file.write('new day\n');
    await file.end();
    archives = readdirSync(dir)
      .filter((n) => /^application\.\d/.test(n))
      .sort();
    assert.equal(archives.length, 30);
    assert.equal(archives[0], 'application.2024-10-07.log');
    assert.equal(archives.at(-1), 'application.2024-11-23.log');
    assert.ok(readdirSync(dir).includes('notes.txt'));
  });

  it('honours a smaller maxArchives', async () => {
    for (const day of ['2024-11-01', '2024-11-02', '2024-11-03']) {
      writeFileSync(join(dir, `application.${day}.log`), day);
    }
    const file = new DailyRollingFile({ dir, now: clock, maxArchives: 1 });
    await file.end();
    assert.deepEqual(
      readdirSync(dir).filter((n) => n !== 'application.log'),
      ['application.2024-11-03.log'],
    );
  });
});
