import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { FederationHealth } from '../../src/contract.js';
import { execOk } from '../../src/local/exec.js';
import { LocalCluster } from '../../src/local/local-cluster.js';
import type { Toolchain } from '../../src/local/tools.js';
import { waitFor } from '../../src/local/wait.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import type { KubeFedClusterObject } from '../../src/providers/kube/objects.js';
import { clusterLeftovers, type Leftovers } from '../support/cluster-leftovers.js';
import { controllerLogFiles, controllerLogProblems, controllerProcesses, harnessPodLogsDir } from '../support/controller-logs.js';
import { startHarness, stopHarness, type Harness } from '../support/harness.js';
import { testToolchain } from '../support/substrate.js';

const ns = 'kube-federation-system';

const secondsSince = (t: number): string => `${((Date.now() - t) / 1000).toFixed(1)}s`;

/**
 * The member's kube-apiserver process, from the pid file kwokctl's binary runtime keeps for each
 * component. Stopped by hand, nothing restarts it: no emulator supervises an existing cluster.
 */
function apiserverPid(cluster: LocalCluster, workdir: string): number {
  return Number(readFileSync(join(workdir, 'clusters', cluster.name, 'pids', 'kube-apiserver.pid'), 'utf8').trim());
}

/**
 * Restarts whatever of the cluster's components stopped, for `forMs`, as a node's init system
 * would. An existing cluster has no supervisor here (the emulator restarts only its own backing
 * clusters), and a kube-controller-manager that lost its API server exits when it cannot renew
 * its leader lease — possibly after the API server came back — leaving no namespace controller
 * to finish a namespace's deletion.
 */
async function superviseFor(cluster: LocalCluster, workdir: string, forMs: number): Promise<void> {
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    if (LocalCluster.stoppedComponents(cluster.name, workdir).length > 0) await cluster.start();
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('a federation of existing clusters while KubeFed runs: Offline and back, then kfed down leaves nothing stuck', () => {
  let h: Harness;
  let tools: Toolchain;
  let workdir: string;
  let hub!: LocalCluster;
  let spoke!: LocalCluster;
  let specFile: string;

  const hubClient = (): KubeClient => new KubeClient(hub.kubeConfig());
  const kubectl = async (cluster: LocalCluster, args: readonly string[]): Promise<string> => (await execOk(tools.kubectl, ['--kubeconfig', cluster.info.kubeconfigPath, ...args], { timeoutMs: 60_000 })).stdout;
  const kubeFedCluster = async (name: string): Promise<KubeFedClusterObject | undefined> =>
    hubClient().get<KubeFedClusterObject>({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster', namespace: ns, name });
  const condition = async (member: string, type: string): Promise<string | undefined> => (await kubeFedCluster(member))?.status?.conditions?.find((c) => c.type === type)?.status;
  const health = async (): Promise<FederationHealth> => (JSON.parse((await h.cli(['status', 'byo', '-o', 'json'])).stdout) as { health: FederationHealth }).health;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    tools = await testToolchain();
    workdir = join(h.dir, 'kwok');
    // The platform team's own clusters. The hub runs its pods for real (the KubeFed controller),
    // as the emulator's clusters do; one after another, as kwokctl needs in one work directory.
    hub = await LocalCluster.create('ux-hub', { toolchain: tools, workdir, nodes: 1, runPods: { logsDir: harnessPodLogsDir(h), pollIntervalMs: 500 } });
    spoke = await LocalCluster.create('ux-spoke', { toolchain: tools, workdir, nodes: 1, scheduler: false });
    const existing = (c: LocalCluster) => ({ context: c.kubeConfig().getCurrentContext(), kubeconfig: c.info.kubeconfigPath });
    specFile = join(h.dir, 'byo.yaml');
    writeFileSync(
      specFile,
      stringify({
        apiVersion: 'kfed.dev/v1alpha1',
        kind: 'Federation',
        metadata: { name: 'byo' },
        spec: {
          project: 'local',
          dns: { zone: 'byo', domain: 'byo.example.com.' },
          host: 'hub',
          clusters: [
            { name: 'hub', context: 'hub', existing: existing(hub) },
            { name: 'spoke', context: 'spoke', existing: existing(spoke) },
          ],
        },
      }),
    );
  });

  afterAll(async () => {
    await hub.delete();
    await spoke.delete();
    await stopHarness(h);
  });

  it('federates both and kfed status shows them READY True', async () => {
    const started = Date.now();
    const up = await h.cli(['up', '-f', specFile, '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    console.log(`[existing] kfed up: usable ${secondsSince(started)} after the CLI started; ${/KubeFed Ready after [\d.]+s/.exec(up.stdout)?.[0] ?? ''}`);
    expect((await health()).members.map((m) => [m.member, m.ready, m.offline])).toEqual([
      ['hub', 'True', false],
      ['spoke', 'True', false],
    ]);
  });

  it('federates a namespace with its contents (kubefedctl federate namespace --contents --enable-type)', async () => {
    await kubectl(hub, ['create', 'namespace', 'shop']);
    await kubectl(hub, ['-n', 'shop', 'create', 'configmap', 'prices', '--from-literal=apple=1']);
    await kubectl(hub, ['-n', 'shop', 'create', 'deployment', 'till', '--image=nginx:1.27']);
    await waitFor('the till pod on the hub', async () => (await kubectl(hub, ['-n', 'shop', 'get', 'pods', '-o', 'name'])).includes('pod/till-'), { timeoutMs: 60_000, intervalMs: 250 });
    // The command as KubeFed's guide gives it: everything in the namespace, pods and replica sets
    // included, and --enable-type makes a FederatedTypeConfig for pods that kfed did not install.
    const context = hub.kubeConfig().getCurrentContext();
    await execOk(tools.kubefedctl, ['federate', 'namespace', 'shop', '--contents', '--enable-type', '--host-cluster-context', context, '--kubefed-namespace', ns, '--kubeconfig', hub.info.kubeconfigPath], { timeoutMs: 90_000 });
    const started = Date.now();
    const spokeClient = new KubeClient(spoke.kubeConfig());
    await waitFor('shop/prices and shop/till on the spoke', async () => {
      const cm = await spokeClient.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'prices' });
      return cm !== undefined && (await spokeClient.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'till' })) !== undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    console.log(`[existing] shop on the spoke ${secondsSince(started)} after kubefedctl returned`);
  });

  it('shows the spoke Offline in kfed status while its kube-apiserver is stopped, and Ready again once it runs', async () => {
    // SIGKILL: on SIGTERM kube-apiserver drains for about a minute, still running, and kwokctl's
    // start would find it alive and leave it to exit.
    const pid = apiserverPid(spoke, workdir);
    process.kill(pid, 'SIGKILL');
    const stoppedAt = Date.now();
    let offlineAfter: string;
    try {
      await waitFor('KubeFed to mark the spoke Offline', async () => (await condition('spoke', 'Offline')) === 'True', { timeoutMs: 90_000, intervalMs: 250 });
      offlineAfter = secondsSince(stoppedAt);
      const table = await h.cli(['status', 'byo']);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toMatch(/spoke\s+Unknown\s+True\s+\d+s\s+ClusterNotReachable: cluster is not reachable: .*connection refused\n/);
      expect(table.stdout).toMatch(/hub\s+True\s+False\s+v1\.36\.3\s+\d+s\n/);
    } finally {
      // Whatever failed above, the rest of the file needs the spoke running.
      await waitFor('the killed kube-apiserver to be gone', () => Promise.resolve(LocalCluster.stoppedComponents(spoke.name, workdir).includes('kube-apiserver')), { timeoutMs: 30_000, intervalMs: 100 });
      await spoke.start();
    }
    const startedAt = Date.now();
    await waitFor('the spoke kube-apiserver', () => spoke.isReady(), { timeoutMs: 60_000, intervalMs: 250 });
    await waitFor('KubeFed to mark the spoke Ready again', async () => (await condition('spoke', 'Ready')) === 'True', { timeoutMs: 90_000, intervalMs: 250 });
    // Past the controller-manager's lease renew deadline (10 s), so one that exits is back.
    await superviseFor(spoke, workdir, 15_000);
    expect(LocalCluster.stoppedComponents(spoke.name, workdir)).toEqual([]);
    console.log(`[existing] spoke kube-apiserver stopped: Offline after ${offlineAfter}; started again: Ready after ${secondsSince(startedAt)}`);
    const spokeHealth = (await health()).members.find((m) => m.member === 'spoke');
    expect([spokeHealth?.ready, spokeHealth?.offline, spokeHealth?.kubernetesVersion]).toEqual(['True', false, 'v1.36.3']);
  }, 240_000);

  it('kfed down leaves no namespace Terminating, no KubeFed finalizer and no kfed object, and keeps the propagated objects', async () => {
    const down = await h.cli(['down', 'byo', '--wait']);
    console.log(down.stdout, down.stderr);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('federation byo torn down: clusters hub kept, spoke kept; zone deleted');
    expect(down.stdout).toMatch(/release .*Succeeded \(\d+ user object\(s\) released \(member copies kept\), 0 of kfed's removed\)/);

    const none: Leftovers = { deleting: [], kubefedFinalizers: [], kfedObjects: [] };
    for (const cluster of [hub, spoke]) {
      // Deletions the teardown started may take a while to finish (a CRD removes its objects first; a member's
      // namespace controller, restarted with its kube-apiserver above, rebuilds its discovery); stuck ones never do.
      let left = await clusterLeftovers(tools.kubectl, cluster.info.kubeconfigPath);
      await waitFor(`nothing left deleting on ${cluster.name}`, async () => {
        left = await clusterLeftovers(tools.kubectl, cluster.info.kubeconfigPath);
        return left.deleting.length === 0 && left.kubefedFinalizers.length === 0;
      }, { timeoutMs: 120_000, intervalMs: 1000 }).catch(() => undefined);
      expect(left, `what kfed down left on ${cluster.name}`).toEqual(none);
    }
    // The users' objects stay where KubeFed put them (teardown orphans them, README).
    for (const cluster of [hub, spoke]) {
      expect(await kubectl(cluster, ['-n', 'shop', 'get', 'configmap/prices', 'deployment/till', '-o', 'name'])).toBe('configmap/prices\ndeployment.apps/till\n');
    }
    expect(controllerProcesses(harnessPodLogsDir(h)).filter((p) => p.pid !== undefined)).toEqual([]);
  }, 400_000);

  it('ran the controllers without a fatal error or a forbidden request', () => {
    expect(controllerLogFiles(harnessPodLogsDir(h))).toHaveLength(2);
    expect(controllerLogProblems(harnessPodLogsDir(h))).toEqual([]);
  });
});
