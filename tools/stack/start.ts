/**
 * `npm start`: the whole system on this machine, in one command. Uses the Kafka and Redis named by
 * KAFKA_BOOTSTRAP_SERVERS / REDIS_HOST+REDIS_PORT when they answer; otherwise starts them (Kafka from
 * Maven Central's Apache Kafka artifacts, data under .stack/ so a restart keeps topics and records).
 * Then starts the three services as separate processes, prefixes their output with their names, and on
 * Ctrl-C stops everything it started: services first, gracefully, then Redis and Kafka.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { buildServices, bundlePath } from '../build/services.ts';
import { type KafkaCluster, startKafka } from '../kafka/cluster.ts';
import { REPO_ROOT } from '../kafka/provision.ts';
import { canConnect, isPortFree } from '../ports.ts';
import { pingRedis, type RedisServer, startRedis } from '../redis/server.ts';
import { SERVICE_NODE_FLAGS } from '../service-node-flags.ts';
import { isAlive, needsInstall, readState, removeState, stackDirFrom, writeState } from './state.ts';

const stackDir = stackDirFrom();
const kafkaPort = Number(process.env.STACK_KAFKA_PORT ?? 9092);
/** 1 (default) or 3: a 3-node KRaft cluster, topics with replication factor 3 and min.insync.replicas 2. */
const kafkaNodes = Number(process.env.STACK_KAFKA_NODES ?? 1);
const services = [
  { name: 'order-service', port: Number(process.env.ORDER_SERVICE_PORT ?? 8081), color: 36 },
  { name: 'notification-service', port: Number(process.env.NOTIFICATION_SERVICE_PORT ?? 8082), color: 35 },
  { name: 'product-service', port: Number(process.env.PRODUCT_SERVICE_PORT ?? 8083), color: 33 },
] as const;

const say = (line: string) => process.stdout.write(`[stack] ${line}\n`);
const started = Date.now();
let kafka: KafkaCluster | undefined;
let redis: RedisServer | undefined;
const children: ChildProcess[] = [];
let stopping = false;

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  await main();
} catch (error) {
  process.stderr.write(`[stack] cannot start: ${(error as Error).message}\n`);
  await stop(1);
}

async function main(): Promise<void> {
  if (kafkaNodes !== 1 && kafkaNodes !== 3)
    throw new Error(`STACK_KAFKA_NODES must be 1 or 3, got ${kafkaNodes}`);
  const previous = readState(stackDir);
  if (previous && isAlive(previous.runnerPid)) {
    throw new Error(
      `the stack is already running (npm start, pid ${previous.runnerPid}); see npm run stack:status`,
    );
  }
  if (needsInstall()) {
    // This runner needs nothing from node_modules; the services do.
    say('node_modules is missing: running npm install first ...');
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    if (install.status !== 0)
      throw new Error('npm install failed; run it yourself to see why, then npm start');
  }
  say('building the services (dist/<service>.mjs) ...');
  const built = await buildServices();
  say(`  built in ${(built.ms / 1000).toFixed(1)} s`);
  for (const service of services) {
    if (!(await isPortFree(service.port))) {
      throw new Error(
        `port ${service.port} (${service.name}) is already in use: stop what listens there, or set ` +
          `${service.name.split('-')[0]!.toUpperCase()}_SERVICE_PORT to another port`,
      );
    }
  }
  mkdirSync(stackDir, { recursive: true });
  const bootstrap = await kafkaBootstrap();
  const { host: redisHost, port: redisPort } = await redisServer();
  say('starting order-service, notification-service and product-service ...');
  // On the 3-node cluster the services create their topics replicated (unless told otherwise).
  const replication: Record<string, string> =
    kafka && kafkaNodes === 3
      ? {
          KAFKA_TOPIC_REPLICATION_FACTOR: process.env.KAFKA_TOPIC_REPLICATION_FACTOR || '3',
          KAFKA_TOPIC_MIN_INSYNC_REPLICAS: process.env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS || '2',
        }
      : {};
  for (const service of services) {
    children.push(
      startService(service, {
        ...replication,
        KAFKA_BOOTSTRAP_SERVERS: bootstrap,
        REDIS_HOST: redisHost,
        REDIS_PORT: String(redisPort),
        SERVER_PORT: String(service.port),
        LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
      }),
    );
  }
  await Promise.all(services.map((service) => waitHealthy(service.name, service.port)));
  writeState(stackDir, {
    runnerPid: process.pid,
    startedAt: new Date(started).toISOString(),
    kafka: { bootstrapServers: bootstrap, startedByStack: kafka !== undefined, pid: kafka?.nodes[0]?.pid },
    redis: { host: redisHost, port: redisPort, startedByStack: redis !== undefined, pid: redis?.pid },
    services: services.map((service, index) => ({
      name: service.name,
      port: service.port,
      pid: children[index]?.pid ?? 0,
    })),
    logDir: resolve(REPO_ROOT, process.env.LOG_DIR || 'logs'),
  });
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const service of services) say(`  ${service.name.padEnd(21)} http://localhost:${service.port}`);
  say(`  Kafka ${bootstrap}, Redis ${redisHost}:${redisPort}`);
  say('  logs: logs/<service>/application.log (./scripts/tail-<service>-log.sh)');
  say('  npm run stack:status shows what runs; stop with Ctrl-C');
}

async function kafkaBootstrap(): Promise<string> {
  const configured = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (configured) {
    const [host, port] = configured.split(',')[0]!.split(':');
    if (await canConnect(Number(port), host)) {
      say(`using Kafka at ${configured}`);
      return configured;
    }
    say(`KAFKA_BOOTSTRAP_SERVERS=${configured} does not answer; starting a local broker instead`);
  }
  const brokerPorts = Array.from({ length: kafkaNodes }, (_, i) => kafkaPort + i);
  for (const port of brokerPorts) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `port ${port} is taken but no KAFKA_BOOTSTRAP_SERVERS was given: set KAFKA_BOOTSTRAP_SERVERS=localhost:${port} to use that broker, or STACK_KAFKA_PORT to start ours elsewhere`,
      );
    }
  }
  say(
    `starting Apache Kafka${kafkaNodes === 3 ? ' (3 nodes)' : ''} (the first run downloads it from Maven Central: 10 s to 1 min) ...`,
  );
  kafka = await startKafka({
    // A data folder holds a cluster of one size: the 3-node cluster keeps its own.
    dataDir: join(stackDir, kafkaNodes === 3 ? 'kafka-3-nodes' : 'kafka'),
    nodes: kafkaNodes as 1 | 3,
    brokerPorts,
    onProgress: (line) => say(`  ${line}`),
  });
  return kafka.bootstrapServers;
}

async function redisServer(): Promise<{ host: string; port: number }> {
  const host = process.env.REDIS_HOST ?? '127.0.0.1';
  const port = Number(process.env.REDIS_PORT ?? 6379);
  if (await pingRedis(port, host === 'localhost' ? '127.0.0.1' : host)) {
    say(`using Redis at ${host}:${port}`);
    return { host, port };
  }
  say(`starting redis-server on ${port} ...`);
  redis = await startRedis({ port, dataDir: join(stackDir, 'redis'), persist: true });
  return { host: redis.host, port: redis.port };
}

function startService(service: (typeof services)[number], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, bundlePath(service.name)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C reaches only this runner, which then stops each service once.
    detached: true,
  });
  const prefix = process.stdout.isTTY
    ? `\u001b[${service.color}m${service.name.padEnd(21)}\u001b[0m| `
    : `${service.name.padEnd(21)}| `;
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${service.name} exited (${signal ?? code}); stopping the stack`);
      void stop(1);
    }
  });
  return child;
}

async function waitHealthy(name: string, port: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/actuator/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become healthy within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping ...');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  await redis?.stop().catch(() => undefined);
  await kafka?.stop().catch(() => undefined);
  const state = readState(stackDir);
  if (state?.runnerPid === process.pid) removeState(stackDir);
  say('stopped');
  process.exit(code);
}
