import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackingClusters } from '../../src/emulator/backing-clusters.js';
import { execOk } from '../../src/local/exec.js';
import type { LocalClusterInfo } from '../../src/local/local-cluster.js';
import { processAlive } from '../../src/local/state.js';
import type { Toolchain } from '../../src/local/tools.js';
import { waitFor } from '../../src/local/wait.js';
import { controllerRbac, kubeFedConfig, releaseCrds } from '../../src/providers/kube/kubefed-release/index.js';
import { controllerDeployment } from '../../src/providers/kube/plane/manifests.js';
import type { KubeObject } from '../../src/providers/kube/resources.js';
import { scratchDir, testToolchain } from '../support/substrate.js';

const ns = 'kube-federation-system';
const name = 'backing-pods';
const spec = { name, nodes: 1, scheduler: true };

describe('BackingClusters with podLogsDir: the emulator\'s clusters run their controller pods', () => {
  const dir = scratchDir('backing-pods');
  const logsDir = join(dir.path, 'logs');
  let tools: Toolchain;
  let backing!: BackingClusters;
  let info!: LocalClusterInfo;

  const running = (): number[] => backing.podContainers(name).flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  const apply = async (file: string, objects: readonly KubeObject[]): Promise<void> => {
    const path = join(dir.path, file);
    writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    await execOk(tools.kubectl, ['--kubeconfig', info.kubeconfigPath, 'apply', '--server-side', '-f', path], { timeoutMs: 60_000 });
  };

  beforeAll(async () => {
    tools = await testToolchain();
    backing = new BackingClusters(join(dir.path, 'kwok'), () => Promise.resolve(tools), 'backing-pods-token', { podLogsDir: logsDir });
    info = await backing.ensureRunning(spec);
    await apply('crds.json', releaseCrds());
    await execOk(tools.kubectl, ['--kubeconfig', info.kubeconfigPath, 'wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all'], { timeoutMs: 90_000 });
    await apply('plane.json', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, ...controllerRbac(ns, 'Cluster'), kubeFedConfig(ns, 'Cluster'), controllerDeployment(ns, 'Cluster')]);
  });

  afterAll(async () => {
    await backing.delete(name);
    dir.remove();
  });

  it('runs both replicas, logging under <podLogsDir>/<cluster>/', async () => {
    await waitFor('two controller processes', async () => Promise.resolve(running().length === 2), { timeoutMs: 60_000, intervalMs: 250 });
    await waitFor('both to read the KubeFedConfig', async () => Promise.resolve(backing.podContainers(name).every((c) => readFileSync(c.logPath, 'utf8').includes('Using valid KubeFedConfig'))), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    for (const c of backing.podContainers(name)) expect(c.logPath.startsWith(join(logsDir, name, `${ns}_`))).toBe(true);
  });

  it('stops them when the emulator lets go (release) and runs them again when it re-attaches', async () => {
    const before = running();
    await backing.release();
    expect(before.every((pid) => !processAlive(pid))).toBe(true);
    // What a restarted emulator does for each cluster it had: the pods are still there.
    await backing.ensureRunning(spec);
    await waitFor('the controllers to run again', async () => Promise.resolve(running().length === 2), { timeoutMs: 60_000, intervalMs: 250 });
    expect(running().some((pid) => before.includes(pid))).toBe(false);
  });

  it('does not start a second set for a cluster already in use', async () => {
    const now = running();
    await backing.ensureRunning(spec);
    await new Promise((r) => setTimeout(r, 1500));
    expect(running()).toEqual(now);
    expect(now.every((pid) => processAlive(pid))).toBe(true);
  });

  it('stops them before deleting the cluster', async () => {
    const pids = running();
    await backing.delete(name);
    expect(pids.every((pid) => !processAlive(pid))).toBe(true);
    expect(backing.podContainers(name)).toEqual([]);
  });
});
