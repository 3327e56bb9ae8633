// Fetches the Apache Kafka broker jars from Maven Central (once) into <repo>/.cache/kafka/<version>/libs.
//
// The jar set is described by tools/kafka/pom.xml (broker + logging backend) and tools/kafka/perf/pom.xml
// (kafka-tools for benchmarks). A marker file is written inside a temporary folder after Maven succeeded,
// and the folder is then renamed into place, so a half-finished download is never used; a lock file makes
// concurrent callers (parallel test processes) wait for one download instead of racing.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { findExecutable, lastLines, runCommand } from '../proc.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KAFKA_TOOLS_DIR = join(REPO_ROOT, 'tools', 'kafka');
export const BROKER_POM = join(KAFKA_TOOLS_DIR, 'pom.xml');
export const PERF_POM = join(KAFKA_TOOLS_DIR, 'perf', 'pom.xml');
export const LOG4J2_CONFIG = join(KAFKA_TOOLS_DIR, 'log4j2.properties');
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';
const MARKER = '.complete.json';
const INSTALL_HINT =
  'Install them (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless maven; ' +
  'macOS: brew install openjdk@17 maven), or point KAFKA_BOOTSTRAP_SERVERS at a running broker.';
const STALE_LOCK_MS = 20 * 60_000;

export interface ProvisionOptions {
  /** Receives human-readable progress lines. */
  onProgress?: (line: string) => void;
  /** Where versioned folders go (default <repo>/.cache/kafka, or $KAFKA_CACHE_DIR). */
  cacheDir?: string;
}

/** The Kafka version pinned in tools/kafka/pom.xml (`<kafka.version>`). */
export function kafkaVersion(): string {
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(readFileSync(BROKER_POM, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no <kafka.version> property in ${BROKER_POM}`);
  return match[1];
}

function cacheRoot(opts: ProvisionOptions): string {
  return opts.cacheDir ?? process.env.KAFKA_CACHE_DIR ?? join(REPO_ROOT, '.cache', 'kafka');
}

let javaChecked: Promise<JavaInfo> | undefined;

export interface JavaInfo {
  /** The java executable to run. */
  path: string;
  /** Feature version, e.g. 17. */
  major: number;
  /** The full version string, e.g. 17.0.15. */
  version: string;
}

/** Parses the major version from `java -version` output (`openjdk version "17.0.15" ...`, `"1.8.0_392"`). */
export function parseJavaVersion(output: string): { major: number; version: string } | undefined {
  const match = /version "([^"]+)"/.exec(output);
  if (match?.[1] === undefined) return undefined;
  const version = match[1];
  const parts = version.split(/[.+_-]/);
  const first = Number(parts[0]);
  const major = first === 1 ? Number(parts[1]) : first;
  return Number.isFinite(major) ? { major, version } : undefined;
}

/**
 * Finds a Java 17+ runtime ($JAVA_HOME/bin/java first, then `java` on PATH). Throws a message saying what
 * to install when there is none.
 */
export function checkJava(): Promise<JavaInfo> {
  javaChecked ??= (async () => {
    const fromHome = process.env.JAVA_HOME
      ? findExecutable(join(process.env.JAVA_HOME, 'bin', 'java'))
      : undefined;
    const path = fromHome ?? findExecutable('java');
    if (path === undefined) {
      throw new Error(
        `Java 17 or newer is needed to run Apache Kafka, but \`java\` is not on PATH. ${INSTALL_HINT}`,
      );
    }
    const result = await runCommand(path, ['-version'], { timeoutMs: 30_000 });
    const parsed = parseJavaVersion(result.stderr + result.stdout);
    if (parsed === undefined) throw new Error(`cannot read the version of ${path}: ${result.stderr.trim()}`);
    if (parsed.major < 17) {
      throw new Error(
        `Apache Kafka 4 needs Java 17 or newer, but ${path} is Java ${parsed.version}. ${INSTALL_HINT}`,
      );
    }
    return { path, ...parsed };
  })();
  javaChecked.catch(() => {
    javaChecked = undefined;
  });
  return javaChecked;
}

function checkMaven(): string {
  const path = findExecutable('mvn');
  if (path === undefined) {
    throw new Error(
      `Maven (\`mvn\`) is needed once to download Apache Kafka from Maven Central. ${INSTALL_HINT}`,
    );
  }
  return path;
}

function pomHash(poms: readonly string[]): string {
  const hash = createHash('sha256');
  for (const pom of poms) hash.update(readFileSync(pom));
  return hash.digest('hex');
}

function isComplete(dir: string, hash: string): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as { pomSha256?: unknown };
    return marker.pomSha256 === hash;
  } catch {
    return false;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<path>` as an exclusive lock file; waits while a live process holds it. Returns the release function. */
async function acquireLock(path: string, onWait: (holder: string) => void): Promise<() => Promise<void>> {
  let announced = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number.parseInt(await readFile(path, 'utf8'), 10);
      age = Date.now() - (await stat(path)).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    if (
      (Number.isFinite(holder) && !pidAlive(holder)) ||
      age > STALE_LOCK_MS ||
      (!Number.isFinite(holder) && age > 5000)
    ) {
      await rm(path, { force: true });
      continue;
    }
    if (!announced) {
      announced = true;
      onWait(String(holder));
    }
    await sleep(250);
  }
}

async function ensureLibs(
  kind: 'libs' | 'perf-libs',
  poms: readonly string[],
  description: string,
  opts: ProvisionOptions,
): Promise<string> {
  const version = kafkaVersion();
  const versionDir = join(cacheRoot(opts), version);
  const target = join(versionDir, kind);
  const hash = pomHash(poms);
  if (isComplete(target, hash)) return target;

  const progress = opts.onProgress ?? (() => {});
  await mkdir(versionDir, { recursive: true });
  const release = await acquireLock(join(versionDir, `${kind}.lock`), (holder) =>
    progress(`Waiting for another process (pid ${holder}) that is downloading ${description} ...`),
  );
  try {
    if (isComplete(target, hash)) return target;
    const mvn = checkMaven();
    const temp = join(versionDir, `${kind}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await rm(temp, { recursive: true, force: true });
    progress(`Downloading ${description} ${version} from Maven Central (first run only, ~1 min) ...`);
    const started = Date.now();
    const heartbeat = setInterval(
      () => progress(`... still downloading ${description} (${Math.round((Date.now() - started) / 1000)} s)`),
      15_000,
    );
    heartbeat.unref();
    try {
      const pom = poms.at(-1)!;
      const result = await runCommand(
        mvn,
        ['-B', '-q', '-f', pom, DEPENDENCY_PLUGIN, '-DincludeScope=runtime', `-DoutputDirectory=${temp}`],
        { cwd: dirname(pom), timeoutMs: 20 * 60_000 },
      );
      if (result.code !== 0) {
        const output = lastLines(`${result.stdout}\n${result.stderr}`.trim(), 30).join('\n');
        throw new Error(
          `Maven could not fetch ${description} ${version} (exit ${result.code ?? result.signal}). ` +
            `Maven Central must be reachable.\n${output}`,
        );
      }
      const jars = existsSync(temp) ? readdirSync(temp).filter((f) => f.endsWith('.jar')) : [];
      const expected = kind === 'libs' ? `kafka_2.13-${version}.jar` : `kafka-tools-${version}.jar`;
      if (!jars.includes(expected)) throw new Error(`Maven finished but ${expected} is missing in ${temp}`);
      await writeFile(
        join(temp, MARKER),
        `${JSON.stringify({ version, pomSha256: hash, jars: jars.length, createdAt: new Date().toISOString() }, null, 2)}\n`,
      );
      if (existsSync(target)) {
        // Outdated (the pom changed): move it aside first, a rename cannot replace a non-empty folder.
        const old = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
        await rename(target, old);
        await rm(old, { recursive: true, force: true });
      }
      await rename(temp, target);
      progress(
        `Downloaded ${description} ${version}: ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      return target;
    } finally {
      clearInterval(heartbeat);
      await rm(temp, { recursive: true, force: true });
    }
  } finally {
    await release();
  }
}

/**
 * The folder with the Kafka broker's runtime jars (classpath `<dir>/*`), downloading them with Maven on the
 * first call. Safe to call from several processes at once.
 */
export async function ensureKafkaLibs(opts: ProvisionOptions = {}): Promise<string> {
  await checkJava();
  return ensureLibs('libs', [BROKER_POM], 'Apache Kafka', opts);
}

/**
 * The folder with kafka-tools' runtime jars (ProducerPerformance, ConsumerPerformance; classpath `<dir>/*`),
 * for benchmarks. Heavy (Connect, Jetty); downloaded on the first call only.
 */
export async function ensureKafkaPerfLibs(opts: ProvisionOptions = {}): Promise<string> {
  await checkJava();
  return ensureLibs('perf-libs', [BROKER_POM, PERF_POM], 'Apache Kafka tools', opts);
}
