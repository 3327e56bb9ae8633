/**
 * `npm run stack:status`: what of the local stack is running. Reads the state file `npm start` writes
 * (tools/stack/state.ts); without one (or with a stale one) it says so and still probes the default
 * ports, so a stack started some other way shows up too. Exit code 0 when the stack runs, 3 when not.
 */
import { canConnect } from '../ports.ts';
import { pingRedis } from '../redis/server.ts';
import { isAlive, readState, type StackState, stackDirFrom, statePath } from './state.ts';

const DEFAULTS = {
  kafka: 'localhost:9092',
  redis: { host: '127.0.0.1', port: 6379 },
  services: [
    { name: 'order-service', port: 8081 },
    { name: 'notification-service', port: 8082 },
    { name: 'product-service', port: 8083 },
  ],
};

const stackDir = stackDirFrom();
const state = readState(stackDir);
const running = state !== undefined && isAlive(state.runnerPid);
const lines: string[] = [];

if (running) {
  lines.push(`npm start is running (pid ${state.runnerPid}) since ${state.startedAt}`);
} else if (state) {
  lines.push(`stale state file ${statePath(stackDir)}: its npm start (pid ${state.runnerPid}) is gone`);
} else {
  lines.push(`no stack started by npm start (no ${statePath(stackDir)}); probing the default ports`);
}

const known: Pick<StackState, 'kafka' | 'redis' | 'services'> = running
  ? state
  : {
      kafka: { bootstrapServers: DEFAULTS.kafka, startedByStack: false },
      redis: { ...DEFAULTS.redis, startedByStack: false },
      services: DEFAULTS.services.map((service) => ({ ...service, pid: 0 })),
    };

const [kafkaHost, kafkaPort] = known.kafka.bootstrapServers.split(',')[0]!.split(':');
const kafkaUp = await canConnect(Number(kafkaPort), kafkaHost === 'localhost' ? '127.0.0.1' : kafkaHost);
lines.push(row('kafka', known.kafka.bootstrapServers, kafkaUp ? 'up' : 'down', origin(known.kafka)));
const redisHost = known.redis.host === 'localhost' ? '127.0.0.1' : known.redis.host;
const redisUp = await pingRedis(known.redis.port, redisHost);
lines.push(
  row('redis', `${known.redis.host}:${known.redis.port}`, redisUp ? 'up' : 'down', origin(known.redis)),
);
let servicesUp = 0;
for (const service of known.services) {
  const health = await healthOf(service.port);
  if (health === 'UP') servicesUp++;
  const pid = service.pid ? `pid ${service.pid}${isAlive(service.pid) ? '' : ' (gone)'}` : '';
  lines.push(row(service.name, `http://localhost:${service.port}`, health ?? 'down', pid));
}
if (running) lines.push(`logs: ${state.logDir}/<service>/application.log; data: ${stackDir}`);
else lines.push(`data: ${stackDir}`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = running || servicesUp > 0 ? 0 : 3;

function row(name: string, where: string, status: string, detail: string): string {
  return `  ${name.padEnd(22)}${where.padEnd(28)}${status.padEnd(8)}${detail}`;
}

function origin(part: { startedByStack: boolean; pid?: number | undefined }): string {
  if (!running) return '';
  return part.startedByStack ? `started by npm start${part.pid ? ` (pid ${part.pid})` : ''}` : 'external';
}

/** `UP`/`DOWN` from /actuator/health, or undefined when nothing answers on the port. */
async function healthOf(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/actuator/health`, {
      signal: AbortSignal.timeout(2000),
    });
    const body = (await response.json().catch(() => ({}))) as { status?: string };
    return body.status ?? String(response.status);
  } catch {
    return undefined;
  }
}
