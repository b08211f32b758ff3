import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureLocalEnvironment, stopLocalEnvironment } from '../../local/environment.js';
import { localDir, localEnv, processAlive, readLocalState } from '../../local/state.js';
import { ensureTools, projectRoot } from '../../local/tools.js';
import { exec } from '../../local/exec.js';
import { fileFlag, parseCommand } from '../args.js';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { seconds } from '../output.js';
import { readSpecFile } from '../read-spec.js';

export const help = `kfed local up [-f FILE] [--servers-only]     (npm start)
kfed local down [--purge]                  (npm stop)
kfed local status

The offline environment: a Temporal dev server with its UI, the Cloud DNS + GKE emulator whose
clusters are real local Kubernetes API servers, and a kfed worker — all under .kfed/ (override
with KFED_LOCAL_DIR). \`up\` builds the tools if needed, starts or reuses those servers, runs the
federation (default examples/federation.yaml) with live progress and writes .kfed/kubeconfig.
Ctrl-C stops watching; the run goes on, and the next \`up\` attaches to it.
\`down\` stops the servers and the emulator's clusters (state kept); --purge also deletes the
clusters and .kfed/.`;

const defaultSpec = join(projectRoot, 'examples', 'federation.yaml');

async function up(argv: string[]): Promise<void> {
  const started = Date.now();
  const { values } = parseCommand(argv, { ...fileFlag, 'servers-only': { type: 'boolean' } }, 0);
  const file = values.file ?? defaultSpec;
  const spec = readSpecFile(file);
  if (spec.project !== 'local') {
    console.error(`kfed: ${file} targets project ${spec.project}; the local environment runs project "local" only (use kfed up -f for real Google Cloud)`);
    throw new ExitError(ExitCode.BadInput);
  }
  const toolchain = await ensureTools({ log: (line) => { if (!line.includes(': cache ') && !line.includes(': path ')) console.log(line); } });
  const { state, reused } = await ensureLocalEnvironment({ toolchain, log: (line) => { console.log(`[local] ${line}`); } });
  const parts = Object.entries(reused).map(([name, r]) => `${name} ${r ? 'reused' : 'started'}`).join(', ');
  console.log(`[local] ready in ${seconds(Date.now() - started)} (${parts})`);
  console.log(`[local] Temporal UI: ${state.temporal.uiUrl}`);
  // This command drives the local servers, whatever TEMPORAL_* the shell has.
  Object.assign(process.env, localEnv(state));
  if (values['servers-only']) return;

  const onInterrupt = (): void => {
    console.log(`\nstopped watching; the run goes on in the local worker.\n  npm start        attach to it again\n  kfed watch ${spec.name}  follow it\n  npm stop         stop the local servers`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  const runStarted = Date.now();
  try {
    const upCommand = await import('./up.js');
    await upCommand.run(['-f', file, '--wait']);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  const runTime = Date.now() - runStarted;

  const kubeconfig = join(localDir(), 'kubeconfig');
  const kubeconfigCommand = await import('./kubeconfig.js');
  await kubeconfigCommand.run([spec.name, '--out', kubeconfig]);
  const shown = relative(process.cwd(), kubeconfig) || kubeconfig;
  console.log(`\nfederation run: ${seconds(runTime)} · npm start total: ${seconds(Date.now() - started)}`);
  console.log(`\nnext:
  npm run kfed -- status ${spec.name}
  kubectl --kubeconfig ${shown} --context ${spec.name} get kubefedclusters -n ${spec.plane.namespace}
  kubectl --kubeconfig ${shown} --context ${spec.clusters[0]?.context ?? spec.name} get configmap kube-dns -n kube-system -o yaml
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
  if (values.purge && existsSync(localDir())) {
    rmSync(localDir(), { recursive: true, force: true });
    console.log(`removed ${localDir()}`);
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
