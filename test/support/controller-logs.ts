import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The KubeFed controller-manager processes the local substrate runs for the plane's pods
 * (src/local/pod-runner.ts): their logs, one file per container under
 * `<logsDir>/<cluster>/<namespace>_<pod>_<container>.log`, and the process behind each. Every
 * end-to-end test that federates checks the logs with {@link controllerLogProblems}.
 */

/** Where the harness's clusters log their pods (`startHarness` passes it as podLogsDir). */
export function harnessPodLogsDir(h: { readonly dir: string }): string {
  return join(h.dir, 'logs', 'pods');
}

/** Every controller-manager log file under `logsDir`. */
export function controllerLogFiles(logsDir: string): string[] {
  if (!existsSync(logsDir)) return [];
  return readdirSync(logsDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('_controller-manager.log'))
    .map((f) => join(logsDir, f))
    .sort();
}

/**
 * A fatal klog line, a Go panic or runtime fatal error, or any request the API server refused as
 * forbidden — except the NamespaceLifecycle refusal to create an object (an Event, typically) in a
 * namespace being deleted: a 403 too, but it says nothing about the controller's RBAC, and it is
 * what the canary's removal makes KubeFed log when it reports on a namespace going away.
 */
const problem = /^(F\d{4} .*|panic: .*|fatal error: .*|(?!.*because it is being terminated).*forbidden.*)$/gim;

/**
 * The lines of the controller logs under `logsDir` that show a fatal error or a forbidden
 * request, each as `<file>: <line>`; empty when the controllers ran clean (or none ran).
 */
export function controllerLogProblems(logsDir: string): string[] {
  return controllerLogFiles(logsDir).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(problem)].map((m) => `${file}: ${m[0].slice(0, 300)}`));
}

/** One controller process, as its log and /proc show it. */
export interface ControllerProcess {
  readonly logPath: string;
  /** The pid running now; undefined between a crash and its restart. */
  readonly pid: number | undefined;
  /** How often the pod runner started it (its `start N:` lines). */
  readonly starts: number;
  /** The current run won the leader election. */
  readonly leader: boolean;
}

/** The pod runner's line before each run of the process, with the command line of that run. */
const startLine = /^--- kfed pod-runner \S+ start (\d+): (.*)$/gm;

/** The pid of the process whose command line holds `arg`, if one runs. */
function pidWith(arg: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string[];
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.includes(arg)) return Number(entry);
  }
  return undefined;
}

/**
 * The controller processes logging under `logsDir`: each found by its current run's
 * `--kubeconfig=` argument (a directory of its own per pod), so processes of other tests on
 * the machine never match.
 */
export function controllerProcesses(logsDir: string): ControllerProcess[] {
  return controllerLogFiles(logsDir).map((logPath) => {
    const log = readFileSync(logPath, 'utf8');
    const starts = [...log.matchAll(startLine)];
    const last = starts.at(-1);
    const kubeconfigArg = last?.[2]?.split(' ').find((a) => a.startsWith('--kubeconfig='));
    const currentRun = last ? log.slice(last.index) : '';
    return {
      logPath,
      pid: kubeconfigArg ? pidWith(kubeconfigArg) : undefined,
      starts: starts.length,
      leader: currentRun.includes('promoted as leader'),
    };
  });
}
