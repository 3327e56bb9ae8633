/**
 * The commit a service runs from, for `/actuator/info` (Spring's `git.properties` equivalent).
 *
 * Read straight from `.git` (HEAD, the loose ref or `packed-refs`) once at start-up: no `git` binary,
 * no child process. Where there is no repository (a container image), there is simply no git section.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GitInfo {
  branch?: string;
  commit: { id: string; short: string };
}

function findGitDir(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git', 'HEAD'))) return join(dir, '.git');
    if (dirname(dir) === dir) return undefined;
  }
}

function resolveRef(gitDir: string, ref: string): string | undefined {
  const loose = join(gitDir, ref);
  if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
  const packed = join(gitDir, 'packed-refs');
  if (!existsSync(packed)) return undefined;
  for (const line of readFileSync(packed, 'utf8').split('\n')) {
    const [id, name] = line.trim().split(' ');
    if (name === ref && id) return id;
  }
  return undefined;
}

/** Branch and commit of the repository containing `startDir`, or undefined. Never throws. */
export function readGitInfo(startDir: string = process.cwd()): GitInfo | undefined {
  try {
    const gitDir = findGitDir(startDir);
    if (!gitDir) return undefined;
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    const id = ref ? resolveRef(gitDir, ref) : head;
    if (!id || !/^[0-9a-f]{40,64}$/.test(id)) return undefined;
    const commit = { id, short: id.slice(0, 7) };
    return ref ? { branch: ref.replace(/^refs\/heads\//, ''), commit } : { commit };
  } catch {
    return undefined;
  }
}
