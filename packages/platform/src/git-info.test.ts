import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readGitInfo } from './git-info.ts';

const SHA = 'a'.repeat(40);

describe('readGitInfo', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'git-info-'));
    mkdirSync(join(root, '.git', 'refs', 'heads'), { recursive: true });
    mkdirSync(join(root, 'services', 'x'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the branch and its commit from a loose ref, from a subfolder', () => {
    writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(root, '.git', 'refs', 'heads', 'main'), `${SHA}\n`);
    assert.deepEqual(readGitInfo(join(root, 'services', 'x')), {
      branch: 'main',
      commit: { id: SHA, short: 'aaaaaaa' },
    });
  });

  it('reads packed refs and detached heads', () => {
    writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/release\n');
    writeFileSync(join(root, '.git', 'packed-refs'), `# pack-refs\n${'b'.repeat(40)} refs/heads/release\n`);
    assert.equal(readGitInfo(root)?.commit.id, 'b'.repeat(40));
    writeFileSync(join(root, '.git', 'HEAD'), `${'c'.repeat(40)}\n`);
    assert.deepEqual(readGitInfo(root), { commit: { id: 'c'.repeat(40), short: 'ccccccc' } });
  });

  it('returns undefined for an unborn branch', () => {
    writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/none\n');
    assert.equal(readGitInfo(root), undefined);
  });
});
