/**
 * The benchmark's local stack, built from the same parts as `npm start` (tools/stack/start.ts): one Kafka
 * broker from `tools/kafka/cluster.ts` and one Redis from `tools/redis/server.ts` with the same settings,
 * on free ports and in the benchmark's own data folder, and the services started the same way
 * (`node <flags> dist/<name>.mjs`, the bundle, with KAFKA_BOOTSTRAP_SERVERS, REDIS_HOST/PORT and SERVER_PORT).
 * tools/stack/start.ts is a whole-stack command, not a library; the benchmark needs each service's pid
 * (for /proc sampling), its own start-up time, and restarts with other settings (a webhook, a consumer
 * group), so it starts them itself. Differences: service output goes to files (not the terminal), and
 * the console lines stay JSON (`npm start` sets LOG_FORMAT=pretty for people).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundlePath } from '../../tools/build/services.ts';
import { type KafkaCluster, startKafka } from '../../tools/kafka/cluster.ts';
import { getFreePort } from '../../tools/ports.ts';
import { type ManagedProcess, spawnManaged } from '../../tools/proc.ts';
import { type RedisServer, startRedis } from '../../tools/redis/server.ts';
import { SERVICE_NODE_FLAGS } from '../../tools/service-node-flags.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Where the services are started from: this checkout, or another copy of the repository given with
 * `--services-root` (to compare two versions of the services on the same machine in the same hour).
 */
export const servicesRoot = { path: REPO_ROOT };

export type ServiceName = 'order-service' | 'product-service' | 'notification-service';

export interface Infra {
  kafka: KafkaCluster;
  redis: RedisServer;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startInfra(dataDir: string, onProgress: (line: string) => void): Promise<Infra> {
  mkdirSync(dataDir, { recursive: true });
  const [kafka, redis] = await Promise.all([
    // The settings `npm start` (tools/stack/start.ts) uses: one broker with the default heap, Redis with
    // its append-only file.
    startKafka({ nodes: 1, dataDir: join(dataDir, 'kafka'), onProgress }),
    startRedis({ dataDir: join(dataDir, 'redis'), persist: true }),
  ]);
  return {
    kafka,
    redis,
    dataDir,
    async stop() {
      await Promise.allSettled([kafka.stop(), redis.stop()]);
    },
  };
}

export interface RunningService {
  name: ServiceName;
  port: number;
  url: string;
  process: ManagedProcess;
  /** Milliseconds from spawn to the first 200 from /actuator/health. */
  startupMs: number;
  stop(): Promise<void>;
}

const defaultPorts = new Map<ServiceName, number>();

/** Extra Node arguments for every service started from now on (`--profile` sets `--cpu-prof`). */
export const serviceNodeArgs: string[] = [...SERVICE_NODE_FLAGS];
let profileCount = 0;

/**
 * Starts a service and waits until `/actuator/health` answers 200 (polled every 10 ms). The same service
 * keeps its port across restarts within one run.
 */
export async function startService(
  name: ServiceName,
  infra: Infra,
  env: Record<string, string> = {},
  opts: { nodeArgs?: string[] } = {},
): Promise<RunningService> {
  let port = defaultPorts.get(name);
  if (port === undefined) {
    port = await getFreePort();
    defaultPorts.set(name, port);
  }
  const logDir = join(infra.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const profileName = serviceNodeArgs.includes('--cpu-prof')
    ? [`--cpu-prof-name=${name}-${++profileCount}.cpuprofile`]
    : [];
  const spawnedAt = performance.now();
  const proc = await spawnManaged(
    process.execPath,
    [...serviceNodeArgs, ...profileName, ...(opts.nodeArgs ?? []), bundlePath(name, servicesRoot.path)],
    {
      name,
      cwd: servicesRoot.path,
      env: {
        ...process.env,
        KAFKA_BOOTSTRAP_SERVERS: infra.kafka.bootstrapServers,
        REDIS_HOST: infra.redis.host,
        REDIS_PORT: String(infra.redis.port),
        LOG_DIR: logDir,
        ...env,
        SERVER_PORT: String(port),
      },
      stdoutFile: join(logDir, `${name}.stdout`),
      stderrFile: join(logDir, `${name}.stderr`),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!proc.running) throw new Error(`${name} exited during start-up; see ${logDir}/${name}.stderr`);
    try {
      const response = await fetch(`${url}/actuator/health`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`${name} was not healthy within 60 s`);
    }
    await sleep(10);
  }
  const startupMs = performance.now() - spawnedAt;
  return {
    name,
    port,
    url,
    process: proc,
    startupMs,
    async stop() {
      await proc.stop({ signal: 'SIGTERM', timeoutMs: 30_000 });
    },
  };
}
