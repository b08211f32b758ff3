import { join, relative } from 'node:path';
import { ensureLocalEnvironment, stopLocalEnvironment } from '../../local/environment.js';
import { localDir, localDirMarker, localDirOwnership, localEnv, processAlive, readLocalState, removeLocalDir } from '../../local/state.js';
import { ensureTools, projectRoot } from '../../local/tools.js';
import { exec } from '../../local/exec.js';
import { fileFlag, parseCommand } from '../args.js';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { seconds } from '../output.js';
import { readSpecFile } from '../read-spec.js';
import { shown } from '../../spec/quote.js';

export const help = `kfed local up [-f FILE] [--servers-only]     (npm start)
kfed local down [--purge]                  (npm stop)
kfed local status

The offline environment: a Temporal dev server with its UI, the Cloud DNS + GKE emulator whose
clusters are real local Kubernetes API servers, and a kfed worker — all under .kfed/ (override
with KFED_LOCAL_DIR). \`up\` builds the tools if needed, starts or reuses those servers, runs the
federation (default examples/federation.yaml) with live progress and writes .kfed/kubeconfig.
Ctrl-C stops watching; the run goes on, and the next \`up\` attaches to it.
\`down\` stops the servers and the emulator's clusters (state kept); --purge also deletes the
clusters and .kfed/ — only a directory kfed created and marked (.kfed/${localDirMarker}); any
other KFED_LOCAL_DIR is refused with exit 2 and nothing stopped or deleted. Files under .kfed/
are private to you (directories 0700, files 0600); a .kfed/local.json that is not (say, one
checked out from a repository) is ignored with a warning.`;

/** What Ctrl-C while following prints: the run goes on in the local worker. */
function interruptedMessage(name: string): string {
  return `\nstopped watching; the run goes on in the local worker.\n  npm start        attach to it again\n  kfed watch ${name}  follow it\n  npm stop         stop the local servers`;
}

/**
 * Runs `follow` until it ends or Ctrl-C: then it rejects with ExitError(130), so the command
 * ends through the entry like any other (the followed run is not touched).
 */
async function untilInterrupted(name: string, follow: () => Promise<void>): Promise<void> {
  let onInterrupt: (() => void) | undefined;
  const interrupted = new Promise<never>((_resolve, reject) => {
    onInterrupt = () => { reject(new ExitError(ExitCode.Interrupted, interruptedMessage(name))); };
    process.once('SIGINT', onInterrupt);
  });
  try {
    await Promise.race([follow(), interrupted]);
  } finally {
    if (onInterrupt) process.removeListener('SIGINT', onInterrupt);
  }
}

const defaultSpec = join(projectRoot, 'examples', 'federation.yaml');

async function up(argv: string[]): Promise<void> {
  const started = Date.now();
  const { values } = parseCommand(argv, { ...fileFlag, 'servers-only': { type: 'boolean' } }, 0);
  const file = values.file ?? defaultSpec;
  const spec = readSpecFile(file);
  if (spec.project !== 'local') {
    throw new ExitError(ExitCode.BadInput, `kfed: ${shown(file)} targets project ${spec.project}; the local environment runs project "local" only (use kfed up -f for real Google Cloud)`);
  }
  const toolchain = await ensureTools({ log: (line) => { if (!line.includes(': cache ') && !line.includes(': path ')) console.log(line); } });
  // Everything the environment writes from here on (database, logs, emulator state and tokens,
  // by this process and the servers it starts) is private to the user.
  process.umask(0o077);
  const { state, reused } = await ensureLocalEnvironment({ toolchain, log: (line) => { console.log(`[local] ${line}`); } });
  const parts = Object.entries(reused).map(([name, r]) => `${name} ${r ? 'reused' : 'started'}`).join(', ');
  console.log(`[local] ready in ${seconds(Date.now() - started)} (${parts})`);
  console.log(`[local] Temporal UI: ${state.temporal.uiUrl}`);
  // This command drives the local servers, whatever TEMPORAL_* the shell has.
  Object.assign(process.env, localEnv(state));
  if (values['servers-only']) return;

  const runStarted = Date.now();
  const upCommand = await import('./up.js');
  await untilInterrupted(spec.name, () => upCommand.run(['-f', file, '--wait']));
  const runTime = Date.now() - runStarted;

  const kubeconfig = join(localDir(), 'kubeconfig');
  const kubeconfigCommand = await import('./kubeconfig.js');
  await kubeconfigCommand.run([spec.name, '--out', kubeconfig]);
  const kubeconfigPath = relative(process.cwd(), kubeconfig) || kubeconfig;
  console.log(`\nfederation run: ${seconds(runTime)} · npm start total: ${seconds(Date.now() - started)}`);
  console.log(`\nnext:
  npm run kfed -- status ${spec.name}
  kubectl --kubeconfig ${kubeconfigPath} --context ${spec.name} get kubefedclusters -n ${spec.plane.namespace}
  kubectl --kubeconfig ${kubeconfigPath} --context ${spec.clusters[0]?.context ?? spec.name} get configmap kube-dns -n kube-system -o yaml
  npm run kfed -- down ${spec.name} --wait
  npm stop`);
}

/** The emulator's kwok clusters (`kwokctl get clusters`), which outlive the emulator process. */
async function emulatorClusters(kwokctl: string, workdir: string): Promise<string[]> {
  const result = await exec(kwokctl, ['get', 'clusters'], { env: { ...process.env, KWOK_WORKDIR: workdir } });
  return result.code === 0 ? result.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : [];
}

async function down(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { purge: { type: 'boolean' } }, 0);
  // Decided before anything is stopped: a refused purge changes nothing.
  const ownership = values.purge ? localDirOwnership() : undefined;
  if (ownership?.kind === 'foreign') {
    throw new ExitError(
      ExitCode.BadInput,
      `kfed: refusing to purge ${shown(localDir())}: ${ownership.reason}. kfed deletes only a directory it created and marked as its own; nothing was stopped or deleted (if it is yours to delete, delete it yourself)`,
    );
  }
  const state = readLocalState();
  const stopped = await stopLocalEnvironment();
  console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'no local servers running');
  if (state) {
    const toolchain = await ensureTools({ build: false });
    const workdir = join(state.emulator.stateDir, 'kwok');
    for (const cluster of await emulatorClusters(toolchain.kwokctl, workdir)) {
      const verb = values.purge ? 'delete' : 'stop';
      await exec(toolchain.kwokctl, [verb, 'cluster', '--name', cluster], { env: { ...process.env, KWOK_WORKDIR: workdir } });
      console.log(`${verb === 'delete' ? 'deleted' : 'stopped'} local cluster ${cluster}`);
    }
  }
  if (ownership?.kind === 'kfed') {
    removeLocalDir();
    console.log(`removed ${shown(localDir())}`);
  }
}

function status(argv: string[]): Promise<void> {
  parseCommand(argv, {}, 0);
  const state = readLocalState();
  if (!state) {
    console.log('no local environment; start one with: npm start');
    return Promise.resolve();
  }
  const alive = (pid: number): string => (pid && processAlive(pid) ? `running (pid ${pid})` : 'stopped');
  console.log(`temporal   ${alive(state.temporal.pid)}  ${state.temporal.address}  UI ${state.temporal.uiUrl}`);
  console.log(`emulator   ${alive(state.emulator.pid)}  ${state.emulator.dnsEndpoint}  ${state.emulator.gkeEndpoint}`);
  console.log(`worker     ${alive(state.worker.pid)}  log ${state.worker.logFile}`);
  return Promise.resolve();
}

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'up':
      return up(rest);
    case 'down':
      return down(rest);
    case 'status':
      return status(rest);
    default:
      throw new UsageError(sub ? `unknown local command "${sub}"` : 'missing local command (up, down, status)');
  }
}
