// Global setup for end-to-end tests (`node --test --test-global-setup=test/support/global-setup.ts`).
// Runs once, in the test runner's main process: starts one Kafka broker and one Redis server in a fresh temp
// folder, writes their coordinates to <temp>/infra.json and points E2E_INFRA_FILE at it (the test files run
// in child processes spawned afterwards and inherit the variable; read it with infra() from ./infra.ts).
// KAFKA_BOOTSTRAP_SERVERS, REDIS_HOST and REDIS_PORT are set as well, so services started by tests find them.
//
// Teardown stops both and removes the folder, also when tests fail or the run is interrupted (node --test
// runs globalTeardown on SIGINT/SIGTERM); if the runner itself is killed, tools/proc.ts's watchdog kills
// the servers. Set E2E_KEEP=1 to keep the folder (logs) after the run.
import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServices } from '../../tools/build/services.ts';
import { type KafkaCluster, startKafka } from '../../tools/kafka/cluster.ts';
import { removeOnExit } from '../../tools/proc.ts';
import { type RedisServer, startRedis } from '../../tools/redis/server.ts';
import { INFRA_FILE_ENV, type Infra } from './infra.ts';

let kafka: KafkaCluster | undefined;
let redis: RedisServer | undefined;
let workDir: string | undefined;
const keep = process.env.E2E_KEEP === '1';

const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);

export async function globalSetup(): Promise<void> {
  const started = Date.now();
  workDir = mkdtempSync(join(tmpdir(), 'kafka-commerce-e2e-'));
  if (!keep) removeOnExit(workDir);
  try {
    // The services run as `npm start` runs them: from their bundles, built here from the sources (while
    // the broker starts).
    const built = buildServices().then(({ ms }) => log(`services built in ${ms} ms`));
    [kafka, redis] = await Promise.all([
      startKafka({ nodes: 1, dataDir: join(workDir, 'kafka'), onProgress: log }),
      startRedis({ dataDir: join(workDir, 'redis') }),
      built,
    ]);
  } catch (error) {
    await globalTeardown();
    throw error;
  }
  const info: Infra = {
    kafkaBootstrap: kafka.bootstrapServers,
    kafkaBrokerPorts: kafka.nodes.map((n) => n.port),
    kafkaClusterId: kafka.clusterId,
    kafkaVersion: kafka.version,
    kafkaLogDir: kafka.logDir,
    kafkaLibsDir: kafka.libsDir,
    redisHost: redis.host,
    redisPort: redis.port,
    redisUrl: redis.url,
    workDir,
  };
  const file = join(workDir, 'infra.json');
  await writeFile(file, `${JSON.stringify(info, null, 2)}\n`);
  process.env[INFRA_FILE_ENV] = file;
  process.env.KAFKA_BOOTSTRAP_SERVERS = info.kafkaBootstrap;
  process.env.REDIS_HOST = info.redisHost;
  process.env.REDIS_PORT = String(info.redisPort);
  log(
    `Kafka ${info.kafkaVersion} at ${info.kafkaBootstrap}, Redis at ${info.redisHost}:${info.redisPort} ` +
      `(ready in ${((Date.now() - started) / 1000).toFixed(1)} s; work dir ${workDir})`,
  );
}

export async function globalTeardown(): Promise<void> {
  const results = await Promise.allSettled([kafka?.stop(), redis?.stop()]);
  kafka = undefined;
  redis = undefined;
  if (workDir !== undefined) {
    if (keep) log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
    workDir = undefined;
  }
  for (const result of results) {
    if (result.status === 'rejected') log(`teardown: ${String(result.reason)}`);
  }
}
