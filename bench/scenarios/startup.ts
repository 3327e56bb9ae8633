/**
 * Footprint at rest: start-up time of each service (spawn → first 200 from /actuator/health, with the
 * broker and Redis already up and the topics already created, as on any restart), then resident memory
 * and CPU of all three services idling side by side. Ceiling: a bare Fastify process (spawn → first
 * answer, and its idle RSS).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getFreePort } from '../../tools/ports.ts';
import { type ManagedProcess, spawnManaged } from '../../tools/proc.ts';
import type { Context, StartupReport } from '../lib/context.ts';
import { Sampler } from '../lib/proc-stats.ts';
import { type ServiceName, startService } from '../lib/stack.ts';

const SERVICES: ServiceName[] = ['order-service', 'product-service', 'notification-service'];

export interface BareServer {
  url: string;
  process: ManagedProcess;
  startupMs: number;
}

export async function startBareServer(ctx: Context): Promise<BareServer> {
  const port = await getFreePort();
  const started = performance.now();
  const proc = await spawnManaged(
    process.execPath,
    [join(import.meta.dirname, '..', 'lib', 'bare-server.ts'), String(port)],
    {
      name: 'bare-fastify',
      stdoutFile: join(ctx.workDir, 'bare-fastify.log'),
      stderrFile: join(ctx.workDir, 'bare-fastify.log'),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      if (!proc.running) throw new Error('the bare Fastify server exited');
    }
    await sleep(10);
  }
  return { url, process: proc, startupMs: performance.now() - started };
}

export async function runStartup(ctx: Context, bare: BareServer): Promise<StartupReport> {
  const times: Record<string, number[]> = {};
  for (const name of SERVICES) {
    times[name] = [];
    for (let run = 0; run < ctx.settings.startupRuns; run++) {
      const last = run === ctx.settings.startupRuns - 1;
      const service = await startService(name, ctx.infra);
      times[name].push(service.startupMs);
      ctx.log(`  ${name} healthy in ${Math.round(service.startupMs)} ms`);
      if (last) ctx.services.set(name, service);
      else await service.stop();
    }
  }
  ctx.log(`  bare Fastify answering in ${Math.round(bare.startupMs)} ms`);
  await sleep(1000); // let start-up work (JIT, first health checks) settle
  const sampler = new Sampler([
    ...SERVICES.map((name) => ({ name, pid: ctx.services.get(name)?.process.pid })),
    { name: 'bare Fastify', pid: bare.process.pid },
  ]).start();
  await sleep(ctx.settings.idleSeconds * 1000);
  const idle = sampler.stop();
  for (const [name, usage] of Object.entries(idle)) {
    ctx.log(`  idle ${name}: RSS ${usage.rssMeanMb.toFixed(1)} MB, CPU ${usage.cpuMeanPct.toFixed(1)} %`);
  }
  return { services: times, bareFastifyMs: bare.startupMs, idle };
}
