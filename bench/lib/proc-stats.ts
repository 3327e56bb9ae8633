/**
 * Resident memory and CPU of processes, read from /proc (Linux): `VmRSS` from /proc/<pid>/status and
 * utime + stime (clock ticks) from /proc/<pid>/stat. A `Sampler` reads them every `intervalMs` while a
 * scenario runs and reports mean and peak per process; CPU is in % of one core (200 % = both cores).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcSnapshot {
  rssBytes: number;
  /** CPU time used so far (user + system), in seconds. */
  cpuSeconds: number;
  /** The system (kernel) part of it. */
  systemSeconds: number;
}

/** One reading, or undefined when the process is gone. */
export function readProc(pid: number): ProcSnapshot | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return {
      rssBytes: rssKb * 1024,
      cpuSeconds: ticks / clockTicks(),
      systemSeconds: Number(fields[12]) / clockTicks(),
    };
  } catch {
    return undefined;
  }
}

export interface ProcUsage {
  rssMeanMb: number;
  rssPeakMb: number;
  /** Mean CPU over the whole window, % of one core. */
  cpuMeanPct: number;
  /** Highest CPU over one sampling interval. */
  cpuPeakPct: number;
  /** The kernel's share of the mean (system time: syscalls, network stack). */
  cpuSystemPct: number;
}

interface Track {
  name: string;
  pid: number;
  first?: { at: number; cpu: number; sys: number };
  last?: { at: number; cpu: number; sys: number };
  rssSum: number;
  rssPeak: number;
  samples: number;
  cpuPeak: number;
}

export class Sampler {
  readonly #tracks: Track[];
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #loadSamples: number[] = [];

  constructor(targets: ReadonlyArray<{ name: string; pid: number | undefined }>, intervalMs = 250) {
    this.#tracks = targets
      .filter((t): t is { name: string; pid: number } => t.pid !== undefined)
      .map((t) => ({ name: t.name, pid: t.pid, rssSum: 0, rssPeak: 0, samples: 0, cpuPeak: 0 }));
    this.#intervalMs = intervalMs;
  }

  start(): this {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.#intervalMs);
    return this;
  }

  #sample(): void {
    const at = performance.now();
    this.#loadSamples.push(loadavg()[0] ?? 0);
    for (const track of this.#tracks) {
      const snap = readProc(track.pid);
      if (!snap) continue;
      track.samples++;
      track.rssSum += snap.rssBytes;
      track.rssPeak = Math.max(track.rssPeak, snap.rssBytes);
      if (track.last) {
        const seconds = (at - track.last.at) / 1000;
        if (seconds > 0.05)
          track.cpuPeak = Math.max(track.cpuPeak, ((snap.cpuSeconds - track.last.cpu) / seconds) * 100);
      }
      track.first ??= { at, cpu: snap.cpuSeconds, sys: snap.systemSeconds };
      track.last = { at, cpu: snap.cpuSeconds, sys: snap.systemSeconds };
    }
  }

  /** Stops sampling; usage per process name. */
  stop(): Record<string, ProcUsage> {
    if (this.#timer) clearInterval(this.#timer);
    this.#sample();
    const usage: Record<string, ProcUsage> = {};
    const mb = (bytes: number) => bytes / (1024 * 1024);
    for (const track of this.#tracks) {
      if (track.samples === 0 || !track.first || !track.last) continue;
      const seconds = (track.last.at - track.first.at) / 1000;
      usage[track.name] = {
        rssMeanMb: mb(track.rssSum / track.samples),
        rssPeakMb: mb(track.rssPeak),
        cpuMeanPct: seconds > 0 ? ((track.last.cpu - track.first.cpu) / seconds) * 100 : 0,
        cpuPeakPct: track.cpuPeak,
        cpuSystemPct: seconds > 0 ? ((track.last.sys - track.first.sys) / seconds) * 100 : 0,
      };
    }
    return usage;
  }

  /** The highest 1-minute load average seen while sampling. */
  get peakLoad(): number {
    return Math.max(0, ...this.#loadSamples);
  }
}
