// Starts a real Apache Kafka cluster (KRaft, combined broker+controller nodes) from the jars that
// provision.ts fetched, for end-to-end tests, `npm start` and benchmarks. Everything listens on 127.0.0.1.
//
// Layout under `dataDir` (kept between runs: starting again on the same folder keeps topics and records):
//   cluster.json                    cluster id and ports (reused on the next start when still free)
//   node-<id>/server.properties     rendered on every start
//   node-<id>/data/                 log.dirs (formatted once; meta.properties marks it formatted)
// Logs under `logDir` (default <dataDir>/logs): node-<id>/server.log (log4j, INFO), stdout.log, stderr.log.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { canConnect, getFreePorts, isPortFree, LOOPBACK } from '../ports.ts';
import { lastLines, type ManagedProcess, runCommand, spawnManaged } from '../proc.ts';
import { checkJava, ensureKafkaLibs, kafkaVersion, LOG4J2_CONFIG } from './provision.ts';

export const KAFKA_STARTED_MESSAGE = 'Kafka Server started';

export interface StartKafkaOptions {
  /** Folder for the cluster's data; created when missing, reused (not re-formatted) when it exists. */
  dataDir: string;
  /** 1 (default) or 3 nodes, each a combined broker + controller. */
  nodes?: 1 | 3;
  /** Broker (client) ports, one per node; free ports are picked when absent. */
  brokerPorts?: number[];
  /** Controller (KRaft quorum) ports, one per node; free ports are picked when absent. */
  controllerPorts?: number[];
  /** JVM heap per node in MB (default 512). */
  heapMb?: number;
  /** Receives human-readable progress lines (download, format, start). */
  onProgress?: (line: string) => void;
  /** Where node logs go (default <dataDir>/logs); each node writes to <logDir>/node-<id>/. */
  logDir?: string;
  /** How long to wait for each node to be ready (default 90 s). */
  readyTimeoutMs?: number;
  /** Extra or overriding broker settings, applied to every node. */
  extraProperties?: Record<string, string | number | boolean>;
  /** Extra JVM arguments (e.g. for profiling in benchmarks). */
  jvmArgs?: string[];
  /**
   * Extra `kafka-storage format` arguments, used when a node's storage is first formatted: e.g.
   * `['--add-scram', 'SCRAM-SHA-256=[name=svc,password=secret]']` to create SCRAM users in KRaft mode.
   */
  formatArgs?: string[];
  /** Jars to use instead of ensureKafkaLibs()'s. */
  libsDir?: string;
}

export interface KafkaNode {
  /** Position in `cluster.nodes`. */
  readonly index: number;
  /** node.id (1-based). */
  readonly id: number;
  /** Broker (client) port on 127.0.0.1. */
  readonly port: number;
  readonly controllerPort: number;
  /** The JVM's pid while running. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** log.dirs of this node. */
  readonly dataDir: string;
  /** Folder with server.log, stdout.log and stderr.log of this node. */
  readonly logDir: string;
  /** The broker's log4j log (INFO and above). */
  readonly logFile: string;
  /** SIGTERM (controlled shutdown) and wait; SIGKILL if it has not exited after 30 s. */
  stop(): Promise<void>;
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>;
  /** Starts the node again with the same id, ports and data; resolves when it is ready. No-op if running. */
  start(): Promise<void>;
}

export interface KafkaCluster {
  /** `127.0.0.1:<port>` per node, comma-separated. */
  readonly bootstrapServers: string;
  readonly clusterId: string;
  readonly version: string;
  readonly dataDir: string;
  readonly logDir: string;
  readonly libsDir: string;
  readonly nodes: readonly KafkaNode[];
  /** Stops every node (SIGTERM, in parallel; SIGKILL for any still alive after 30 s). Data is kept. */
  stop(): Promise<void>;
  stopNode(index: number): Promise<void>;
  killNode(index: number): Promise<void>;
  startNode(index: number): Promise<void>;
}

export interface NodeAddress {
  id: number;
  brokerPort: number;
  controllerPort: number;
}

interface ClusterState {
  version: string;
  clusterId: string;
  nodes: NodeAddress[];
}

/** A new cluster id the way Kafka makes one: 16 random bytes, URL-safe base64 without padding, no leading '-'. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}

/** The broker settings of node `nodeId` in a cluster of `nodes` (pure, for tests). */
export function renderServerProperties(input: {
  nodeId: number;
  nodes: readonly NodeAddress[];
  logDirs: string;
  extra?: Record<string, string | number | boolean>;
}): string {
  const self = input.nodes.find((n) => n.id === input.nodeId);
  if (self === undefined) throw new Error(`node ${input.nodeId} is not in the node list`);
  const multi = input.nodes.length > 1;
  const replication = multi ? 3 : 1;
  const minIsr = multi ? 2 : 1;
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': self.id,
    // Static voters: the quorum is defined by configuration (not stored at format time), so ports can change
    // between whole-cluster restarts. Format without --standalone / --initial-controllers.
    'controller.quorum.voters': input.nodes.map((n) => `${n.id}@${LOOPBACK}:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${LOOPBACK}:${self.brokerPort},CONTROLLER://${LOOPBACK}:${self.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${LOOPBACK}:${self.brokerPort},CONTROLLER://${LOOPBACK}:${self.controllerPort}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': input.logDirs,
    // Small machine: fewer threads and a small log-cleaner buffer (its default, 128 MB, is allocated on the heap).
    'num.network.threads': 2,
    'num.io.threads': 4,
    'background.threads': 4,
    'num.replica.fetchers': 1,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
    // Tuned for tests.
    'auto.create.topics.enable': false,
    'group.initial.rebalance.delay.ms': 0,
    'num.partitions': 1,
    'default.replication.factor': replication,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': replication,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': minIsr,
    'share.coordinator.state.topic.num.partitions': 10,
  };
  if (multi) {
    // Faster failover after a SIGKILL (defaults: 2000 / 9000 ms).
    props['broker.heartbeat.interval.ms'] = 500;
    props['broker.session.timeout.ms'] = 3000;
  }
  Object.assign(props, input.extra ?? {});
  const lines = ['# Rendered by tools/kafka/cluster.ts on every start; edits are overwritten.'];
  for (const [key, value] of Object.entries(props)) lines.push(`${key}=${escapeProperty(String(value))}`);
  return `${lines.join('\n')}\n`;
}

function escapeProperty(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** JVM arguments for a broker node (pure, for tests). */
export function brokerJvmArgs(input: {
  heapMb: number;
  logDir: string;
  libsDir: string;
  extra?: string[];
}): string[] {
  return [
    `-Xms${input.heapMb}m`,
    `-Xmx${input.heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    // Keep logging during Kafka's own shutdown hook (log4j's hook would stop the appenders first).
    '-Dlog4j2.shutdownHookEnabled=false',
    `-Dlog4j2.configurationFile=${LOG4J2_CONFIG}`,
    `-Dkafka.logs.dir=${input.logDir}`,
    ...(input.extra ?? []),
    '-cp',
    `${input.libsDir}/*`,
  ];
}

async function readState(file: string): Promise<ClusterState | undefined> {
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as ClusterState;
}

function readMetaClusterId(dataDir: string): string | undefined {
  const file = join(dataDir, 'meta.properties');
  if (!existsSync(file)) return undefined;
  return /^cluster\.id=(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function readFrom(file: string, offset: number): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const size = (await handle.stat()).size;
    if (size <= offset) return '';
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

async function tail(file: string, count: number): Promise<string[]> {
  const size = await fileSize(file);
  return lastLines(await readFrom(file, Math.max(0, size - 256 * 1024)), count);
}

async function choosePorts(
  count: number,
  given: number[] | undefined,
  stored: number[] | undefined,
  avoid: Set<number>,
): Promise<number[]> {
  if (given !== undefined) {
    if (given.length !== count) throw new Error(`expected ${count} ports, got ${given.length}`);
    return given;
  }
  if (stored?.length === count) {
    const free = await Promise.all(stored.map((p) => isPortFree(p)));
    if (free.every(Boolean) && stored.every((p) => !avoid.has(p))) return stored;
  }
  for (;;) {
    const ports = await getFreePorts(count);
    if (ports.every((p) => !avoid.has(p))) return ports;
  }
}

/**
 * Starts a Kafka cluster (downloading the jars on the first run) and resolves when every node is ready: its
 * log says "Kafka Server started" and its broker port accepts TCP connections.
 */
export async function startKafka(opts: StartKafkaOptions): Promise<KafkaCluster> {
  const progress = opts.onProgress ?? (() => {});
  const count = opts.nodes ?? 1;
  if (count !== 1 && count !== 3) throw new Error(`nodes must be 1 or 3, got ${String(count)}`);
  const heapMb = opts.heapMb ?? 512;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const dataDir = resolve(opts.dataDir);
  const logRoot = resolve(opts.logDir ?? join(dataDir, 'logs'));
  const libsDir = opts.libsDir ?? (await ensureKafkaLibs({ onProgress: progress }));
  const java = (await checkJava()).path;
  const version = kafkaVersion();

  await mkdir(dataDir, { recursive: true });
  const stateFile = join(dataDir, 'cluster.json');
  const state = await readState(stateFile);
  if (state !== undefined && state.nodes.length !== count) {
    throw new Error(
      `${dataDir} holds a ${state.nodes.length}-node cluster; cannot start it with ${count} nodes`,
    );
  }
  const brokerPorts = await choosePorts(
    count,
    opts.brokerPorts,
    state?.nodes.map((n) => n.brokerPort),
    new Set(opts.controllerPorts ?? []),
  );
  const controllerPorts = await choosePorts(
    count,
    opts.controllerPorts,
    state?.nodes.map((n) => n.controllerPort),
    new Set(brokerPorts),
  );
  const addresses: NodeAddress[] = brokerPorts.map((brokerPort, i) => ({
    id: i + 1,
    brokerPort,
    controllerPort: controllerPorts[i]!,
  }));
  const nodeDir = (id: number) => join(dataDir, `node-${id}`);
  const clusterId =
    state?.clusterId ??
    addresses.map((a) => readMetaClusterId(join(nodeDir(a.id), 'data'))).find((id) => id !== undefined) ??
    newClusterId();
  const newState: ClusterState = { version, clusterId, nodes: addresses };
  await writeFile(stateFile, `${JSON.stringify(newState, null, 2)}\n`);

  // Render configs and format storage where needed (in parallel: each format is a short JVM run).
  await Promise.all(
    addresses.map(async (address) => {
      const dir = nodeDir(address.id);
      const logs = join(dir, 'data');
      const nodeLogDir = join(logRoot, `node-${address.id}`);
      await mkdir(logs, { recursive: true });
      await mkdir(nodeLogDir, { recursive: true });
      const propsFile = join(dir, 'server.properties');
      await writeFile(
        propsFile,
        renderServerProperties({
          nodeId: address.id,
          nodes: addresses,
          logDirs: logs,
          extra: opts.extraProperties,
        }),
      );
      const existing = readMetaClusterId(logs);
      if (existing !== undefined) {
        if (existing !== clusterId) {
          throw new Error(`${logs} belongs to cluster ${existing}, expected ${clusterId}`);
        }
        return;
      }
      progress(`Formatting Kafka storage of node ${address.id} (cluster ${clusterId}) ...`);
      const result = await runCommand(
        java,
        [
          '-Xmx256m',
          '-XX:+UseSerialGC',
          '-XX:TieredStopAtLevel=1',
          `-Dlog4j2.configurationFile=${LOG4J2_CONFIG}`,
          `-Dkafka.logs.dir=${nodeLogDir}`,
          '-cp',
          `${libsDir}/*`,
          'kafka.tools.StorageTool',
          'format',
          '--cluster-id',
          clusterId,
          '--config',
          propsFile,
          '--ignore-formatted',
          ...(opts.formatArgs ?? []),
        ],
        { cwd: dir, timeoutMs: 120_000 },
      );
      if (result.code !== 0 || readMetaClusterId(logs) === undefined) {
        throw new Error(
          `formatting Kafka storage of node ${address.id} failed (exit ${result.code ?? result.signal}):\n` +
            `${result.stdout}\n${result.stderr}`.trim(),
        );
      }
    }),
  );

  const nodes: KafkaNode[] = addresses.map((address, index) => {
    const dir = nodeDir(address.id);
    const nodeLogDir = join(logRoot, `node-${address.id}`);
    const logFile = join(nodeLogDir, 'server.log');
    const stdoutFile = join(nodeLogDir, 'stdout.log');
    const stderrFile = join(nodeLogDir, 'stderr.log');
    let proc: ManagedProcess | undefined;
    let starting: Promise<void> | undefined;

    const failure = async (reason: string): Promise<Error> => {
      const log = await tail(logFile, 40);
      const out = [...(await tail(stdoutFile, 15)), ...(await tail(stderrFile, 15))];
      return new Error(
        `Kafka node ${address.id} (127.0.0.1:${address.brokerPort}) ${reason}.\n` +
          `--- last lines of ${logFile} ---\n${log.join('\n')}\n` +
          `--- last lines of ${stdoutFile} / ${stderrFile} ---\n${out.join('\n')}`,
      );
    };

    const doStart = async (): Promise<void> => {
      const offset = await fileSize(logFile);
      const started = Date.now();
      progress(`Starting Kafka node ${address.id} on 127.0.0.1:${address.brokerPort} ...`);
      const current = await spawnManaged(
        java,
        [
          ...brokerJvmArgs({ heapMb, logDir: nodeLogDir, libsDir, extra: opts.jvmArgs }),
          'kafka.Kafka',
          join(dir, 'server.properties'),
        ],
        { name: `kafka-node-${address.id}`, cwd: dir, stdoutFile, stderrFile },
      );
      proc = current;
      const deadline = started + readyTimeoutMs;
      let sawStarted = false;
      let scanned = offset;
      let carry = '';
      for (;;) {
        if (!current.running) {
          const info = current.exitInfo;
          throw await failure(`exited during start-up (${info?.code ?? info?.signal})`);
        }
        if (!sawStarted) {
          const text = await readFrom(logFile, scanned);
          scanned += Buffer.byteLength(text);
          if (scanned < offset) scanned = 0; // rolled over
          sawStarted = (carry + text).includes(KAFKA_STARTED_MESSAGE);
          carry = text.slice(-KAFKA_STARTED_MESSAGE.length);
        }
        if (sawStarted && (await canConnect(address.brokerPort, LOOPBACK, 1000))) break;
        if (Date.now() > deadline) {
          const error = await failure(
            `was not ready within ${readyTimeoutMs / 1000} s (${sawStarted ? 'broker port closed' : `no "${KAFKA_STARTED_MESSAGE}" in the log`})`,
          );
          await current.kill();
          throw error;
        }
        await sleep(150);
      }
      progress(
        `Kafka node ${address.id} ready on 127.0.0.1:${address.brokerPort} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    };

    const node: KafkaNode = {
      index,
      id: address.id,
      port: address.brokerPort,
      controllerPort: address.controllerPort,
      get pid() {
        return proc?.running ? proc.pid : undefined;
      },
      get running() {
        return proc?.running ?? false;
      },
      dataDir: join(dir, 'data'),
      logDir: nodeLogDir,
      logFile,
      async start() {
        if (starting !== undefined) return starting;
        if (proc?.running) return;
        starting = doStart().finally(() => {
          starting = undefined;
        });
        return starting;
      },
      async stop() {
        await starting?.catch(() => {});
        await proc?.stop({ timeoutMs: 30_000 });
      },
      async kill() {
        await proc?.kill();
      },
    };
    return node;
  });

  const results = await Promise.allSettled(nodes.map((n) => n.start()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(nodes.map((n) => n.kill()));
    throw failed.reason;
  }

  const at = (index: number): KafkaNode => {
    const node = nodes[index];
    if (node === undefined) throw new Error(`no Kafka node at index ${index} (cluster has ${nodes.length})`);
    return node;
  };
  return {
    bootstrapServers: addresses.map((a) => `${LOOPBACK}:${a.brokerPort}`).join(','),
    clusterId,
    version,
    dataDir,
    logDir: logRoot,
    libsDir,
    nodes,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
    stopNode: (index) => at(index).stop(),
    killNode: (index) => at(index).kill(),
    startNode: (index) => at(index).start(),
  };
}
