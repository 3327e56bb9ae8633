// Coordinates of the Kafka broker and Redis server that test/support/global-setup.ts started for this
// `node --test` run. The global setup runs in the test runner's main process and sets E2E_INFRA_FILE (and
// KAFKA_BOOTSTRAP_SERVERS / REDIS_HOST / REDIS_PORT) before the test files' processes are spawned, so they
// inherit them.
import { readFileSync } from 'node:fs';

export const INFRA_FILE_ENV = 'E2E_INFRA_FILE';

export interface Infra {
  /** Comma-separated `127.0.0.1:<port>` list, for a Kafka client's bootstrap servers. */
  kafkaBootstrap: string;
  kafkaBrokerPorts: number[];
  kafkaClusterId: string;
  kafkaVersion: string;
  /** Folder with the broker logs (node-1/server.log), useful when a test fails. */
  kafkaLogDir: string;
  /** The broker jars (classpath `<dir>/*`). */
  kafkaLibsDir: string;
  redisHost: string;
  redisPort: number;
  /** `redis://127.0.0.1:<port>` */
  redisUrl: string;
  /** Temp folder of this run (Kafka data and logs, Redis data); removed by the global teardown. */
  workDir: string;
}

let cached: Infra | undefined;

/** The shared infrastructure of this e2e run. Throws when the tests were not started with the global setup. */
export function infra(): Infra {
  if (cached !== undefined) return cached;
  const file = process.env[INFRA_FILE_ENV];
  if (file === undefined || file === '') {
    throw new Error(
      `${INFRA_FILE_ENV} is not set: run end-to-end tests with \`npm run test:e2e\` ` +
        '(node --test --test-global-setup=test/support/global-setup.ts ...)',
    );
  }
  cached = JSON.parse(readFileSync(file, 'utf8')) as Infra;
  return cached;
}
