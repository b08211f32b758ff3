/**
 * Peak memory of everything a measurement runs: this process (which hosts the emulator), its
 * descendants (Temporal dev server, workers, CLI processes) and every process whose command line
 * names the environment's directory (the kwok clusters' etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok, which kwokctl starts detached). Sum of RSS
 * from /proc, sampled every second.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly rssKiB: number;
  readonly cmd: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: parse after the last ')'.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(after[1]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid, rssKiB: rss ? Number(rss[1]) : 0, cmd };
  } catch {
    return undefined; // exited meanwhile
  }
}

export interface MemorySample {
  /** Sum of RSS of the measured processes, MiB. */
  readonly rssMiB: number;
  readonly processes: number;
  /** Processes by kind (etcd, kube-apiserver, …, node, temporal). */
  readonly byKind: Readonly<Record<string, number>>;
  /** Machine-wide memory in use (MemTotal − MemAvailable), MiB. */
  readonly machineUsedMiB: number;
  /** RSS of each KubeFed controller-manager process (the real controller the pods run), MiB, by pid. */
  readonly controllersMiB: Readonly<Record<number, number>>;
}

function kindOf(cmd: string): string {
  const exe = cmd.split(' ')[0] ?? '';
  const base = exe.split('/').pop() ?? exe;
  if (base === 'node') return cmd.includes('worker.ts') ? 'worker' : cmd.includes('cli/main.ts') ? 'cli' : 'node';
  return base;
}

function machineUsedMiB(): number {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const total = Number(/MemTotal:\s+(\d+)/.exec(info)?.[1] ?? 0);
  const available = Number(/MemAvailable:\s+(\d+)/.exec(info)?.[1] ?? 0);
  return Math.round((total - available) / 1024);
}

/** One sample of the processes that belong to `root` (this process) or mention `dir`. */
export function sampleMemory(dir: string, root = process.pid): MemorySample {
  const procs: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) procs.push(p);
  }
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const descends = (p: Proc): boolean => {
    let current: Proc | undefined = p;
    for (let depth = 0; current && depth < 50; depth++) {
      if (current.pid === root) return true;
      current = byPid.get(current.ppid);
    }
    return false;
  };
  const mine = procs.filter((p) => descends(p) || p.cmd.includes(dir));
  const byKind: Record<string, number> = {};
  // A process that has exited but is not yet reaped has no command line: not counted by kind.
  for (const p of mine) if (p.cmd) byKind[kindOf(p.cmd)] = (byKind[kindOf(p.cmd)] ?? 0) + 1;
  const rssKiB = mine.reduce((sum, p) => sum + p.rssKiB, 0);
  const controllersMiB = Object.fromEntries(mine.filter((p) => kindOf(p.cmd) === 'kubefed-controller-manager').map((p) => [p.pid, Math.round(p.rssKiB / 1024)]));
  return { rssMiB: Math.round(rssKiB / 1024), processes: mine.length, byKind, machineUsedMiB: machineUsedMiB(), controllersMiB };
}

/** Samples every `intervalMs` until stopped; keeps the sample with the highest RSS sum. */
export class MemoryPeak {
  private peak: MemorySample | undefined;
  private peakMachine = 0;
  /** The largest RSS seen of each KubeFed controller process (by pid), MiB. */
  private readonly peakControllers = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => {
      this.sample();
    }, intervalMs);
    this.sample();
  }

  private sample(): void {
    const s = sampleMemory(this.dir);
    if (!this.peak || s.rssMiB > this.peak.rssMiB) this.peak = s;
    this.peakMachine = Math.max(this.peakMachine, s.machineUsedMiB);
    for (const [pid, mib] of Object.entries(s.controllersMiB)) this.peakControllers.set(Number(pid), Math.max(this.peakControllers.get(Number(pid)) ?? 0, mib));
  }

  /**
   * The sample with the highest RSS sum, the machine's peak, and each KubeFed controller
   * process's own peak (largest first): the controllers start late, after the clusters that
   * make the sum's peak.
   */
  stop(): { peak: MemorySample | undefined; machinePeakMiB: number; controllerPeaksMiB: number[] } {
    clearInterval(this.timer);
    this.sample();
    return { peak: this.peak, machinePeakMiB: this.peakMachine, controllerPeaksMiB: [...this.peakControllers.values()].sort((a, b) => b - a) };
  }
}
