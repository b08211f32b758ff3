import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { exec, execOk } from '../../src/local/exec.js';
import { LocalCluster } from '../../src/local/local-cluster.js';
import { CoreV1Api } from '@kubernetes/client-node';
import { PodCredentials } from '../../src/local/pod-credentials.js';
import type { PodRunner, RunningContainer } from '../../src/local/pod-runner.js';
import { processAlive } from '../../src/local/state.js';
import type { Toolchain } from '../../src/local/tools.js';
import { waitFor } from '../../src/local/wait.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import { controllerRbac, federatedTypeConfigs, kubeFedConfig, releaseCrds } from '../../src/providers/kube/kubefed-release/index.js';
import { controllerDeployment, controllerDeploymentName } from '../../src/providers/kube/plane/manifests.js';
import type { KubeObject } from '../../src/providers/kube/resources.js';
import { scratchDir, testToolchain } from '../support/substrate.js';

const ns = 'kube-federation-system';
const memberName = 'member';

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly lastProbeTime?: string;
  readonly message?: string;
}

/** A kubeconfig holding both clusters' admin credentials, as `kubefedctl join` expects. */
function joinKubeconfig(path: string, clusters: Readonly<Record<string, LocalCluster>>): string {
  const b64 = (pem: string): string => Buffer.from(pem).toString('base64');
  const entries = Object.entries(clusters);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: entries.map(([name, c]) => ({ name, cluster: { server: c.info.endpoint, 'certificate-authority-data': b64(c.info.caCertificate) } })),
      users: entries.map(([name, c]) => ({ name, user: { 'client-certificate-data': b64(c.info.adminCertificate), 'client-key-data': b64(c.info.adminKey) } })),
      contexts: entries.map(([name]) => ({ name, context: { cluster: name, user: name } })),
      'current-context': entries[0]?.[0] ?? '',
    }),
    { mode: 0o600 },
  );
  return path;
}

/** Resident memory of a process in KiB, as `ps -o rss` reports it. */
function rssKiB(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
}

describe('PodRunner: the real KubeFed controller-manager in a local cluster', () => {
  const dir = scratchDir('pod-runner');
  const logsDir = join(dir.path, 'logs');
  let tools: Toolchain;
  let host!: LocalCluster;
  let member!: LocalCluster;
  let runner!: PodRunner;
  let admin!: KubeClient;

  const kubectl = (args: readonly string[]): Promise<unknown> => execOk(tools.kubectl, ['--kubeconfig', host.info.kubeconfigPath, ...args], { timeoutMs: 60_000 });
  const apply = async (file: string, objects: readonly KubeObject[]): Promise<void> => {
    const path = join(dir.path, file);
    writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    await kubectl(['apply', '--server-side', '--field-manager', 'kfed-test', '-f', path]);
  };
  const controllers = (): RunningContainer[] => runner.containers().filter((c) => c.namespace === ns);
  const logsOf = (c: RunningContainer): string => readFileSync(c.logPath, 'utf8');
  const memberConditions = async (): Promise<Condition[]> => {
    const cluster = await admin.get({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster', namespace: ns, name: memberName });
    return ((cluster?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
  };
  const readySince = async (since: number): Promise<boolean> => {
    const ready = (await memberConditions()).find((c) => c.type === 'Ready');
    return ready?.status === 'True' && Date.parse(ready.lastProbeTime ?? '') >= since;
  };
  const leaderLogs = (): RunningContainer[] => controllers().filter((c) => logsOf(c).includes('promoted as leader'));
  const seenLogPaths = new Set<string>();
  /** Who a kubeconfig authenticates as (`kubectl auth whoami`), or the error. */
  const whoami = async (kubeconfig: string): Promise<string> => {
    const result = await exec(tools.kubectl, ['--kubeconfig', kubeconfig, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { timeoutMs: 30_000 });
    return result.code === 0 ? result.stdout : `error: ${result.stderr.trim()}`;
  };
  let boundCredentials: PodCredentials | undefined;

  beforeAll(async () => {
    tools = await testToolchain();
    // One after another: kwokctl clusters created side by side in one work directory trip over
    // each other's certificates.
    host = await LocalCluster.create('pods-host', { toolchain: tools, workdir: dir.path, nodes: 1, runPods: { logsDir, pollIntervalMs: 500 } });
    member = await LocalCluster.create('pods-member', { toolchain: tools, workdir: dir.path, nodes: 1, scheduler: false });
    const pods = host.podRunner;
    if (!pods) throw new Error('runPods was set but the host has no pod runner');
    runner = pods;
    admin = new KubeClient(host.kubeConfig());

    await apply('crds.json', releaseCrds());
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...releaseCrds().map((c) => `crd/${c.metadata.name}`)]);
    await apply('plane.json', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      ...controllerRbac(ns, 'Cluster'),
      kubeFedConfig(ns, 'Cluster'),
      ...federatedTypeConfigs(ns),
      controllerDeployment(ns, 'Cluster'),
    ]);
  });

  afterAll(async () => {
    await host.delete();
    await member.delete();
    dir.remove();
  });

  it('runs one controller process per replica, under the pod ServiceAccount, with its own ports', async () => {
    await waitFor('two controller processes', async () => Promise.resolve(controllers().filter((c) => c.pid !== undefined).length === 2), { timeoutMs: 60_000, intervalMs: 250 });
    const running = controllers();
    expect(running.map((c) => c.container)).toEqual(['controller-manager', 'controller-manager']);
    expect(new Set(running.map((c) => c.pod)).size).toBe(2);
    for (const c of running) {
      expect(processAlive(c.pid ?? 0)).toBe(true);
      seenLogPaths.add(c.logPath);
      const cmdline = readFileSync(`/proc/${String(c.pid)}/cmdline`, 'utf8').split('\0');
      expect(cmdline[0]).toBe(tools.kubefedControllerManager);
      expect(cmdline).toContain('--v=2');
      expect(cmdline).toContain(`--kubefed-namespace=${ns}`);
      const kubeconfig = cmdline.find((a) => a.startsWith('--kubeconfig='))?.slice('--kubeconfig='.length) ?? '';
      // The pod's own token (a file client-go re-reads), never the admin's certificate.
      expect(readFileSync(kubeconfig, 'utf8')).toMatch(/tokenFile: .*\/token\n/);
      expect(readFileSync(kubeconfig, 'utf8')).not.toContain('client-certificate');
    }
    const ports = running.flatMap((c) => readFileSync(`/proc/${String(c.pid)}/cmdline`, 'utf8').split('\0').filter((a) => /^--(healthz|metrics)-addr=/.test(a)));
    expect(new Set(ports).size).toBe(4);
  });

  it('gives a pod a token bound to it, renewed in place after 80 % of its lifetime', async () => {
    const [pod] = controllers();
    if (!pod) throw new Error('no controller pod');
    const expirationSeconds = 600;
    boundCredentials = new PodCredentials(
      host.kubeConfig().makeApiClient(CoreV1Api),
      join(dir.path, 'credentials'),
      { namespace: pod.namespace, name: pod.pod, uid: pod.uid, serviceAccountName: 'kubefed-controller' },
      { endpoint: host.info.endpoint, caCertificate: host.info.caCertificate },
      expirationSeconds,
    );
    const tokenFile = join(dir.path, 'credentials', 'token');
    await boundCredentials.ensureFresh();
    const first = readFileSync(tokenFile, 'utf8');
    await boundCredentials.ensureFresh(Date.now() + 0.79 * expirationSeconds * 1000);
    expect(readFileSync(tokenFile, 'utf8')).toBe(first);
    await boundCredentials.ensureFresh(Date.now() + 0.81 * expirationSeconds * 1000);
    expect(readFileSync(tokenFile, 'utf8')).not.toBe(first);
    expect(await whoami(boundCredentials.kubeconfigPath)).toBe(`system:serviceaccount:${ns}:kubefed-controller`);
  });

  it('lets exactly one replica hold the leader lock', async () => {
    await waitFor('a leader', async () => Promise.resolve(leaderLogs().length > 0), { timeoutMs: 60_000, intervalMs: 250 });
    expect(leaderLogs()).toHaveLength(1);
    const lock = await admin.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'kubefed-controller-manager' });
    const record = JSON.parse(lock?.metadata.annotations?.['control-plane.alpha.kubernetes.io/leader'] ?? '{}') as { holderIdentity?: string };
    // `<hostname>_<uuid>`: both replicas share the machine's hostname, the uuid tells them apart.
    expect(record.holderIdentity).toMatch(new RegExp(`^${hostname()}_[0-9a-f-]{36}$`));
  });

  it('serves a member joined with the real kubefedctl: KubeFed reports it Ready', async () => {
    const kubeconfig = joinKubeconfig(join(dir.path, 'join-kubeconfig'), { host, [memberName]: member });
    const started = Date.now();
    await execOk(tools.kubefedctl, ['join', memberName, '--cluster-context', memberName, '--host-cluster-context', 'host', '--kubeconfig', kubeconfig, '--kubefed-namespace', ns, '--v=2'], { timeoutMs: 90_000 });
    await waitFor('the member to be Ready', () => readySince(started), { timeoutMs: 60_000, intervalMs: 500 });
    console.log(`[pod-runner] KubeFedCluster ${memberName} Ready=True ${((Date.now() - started) / 1000).toFixed(1)}s after kubefedctl join started`);
  });

  it('propagates a FederatedNamespace holding a FederatedConfigMap to the member', async () => {
    const placement = { clusters: [{ name: memberName }] };
    const started = Date.now();
    await apply('federated.json', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
      { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedNamespace', metadata: { name: 'demo', namespace: 'demo' }, spec: { placement } },
      { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedConfigMap', metadata: { name: 'canary', namespace: 'demo' }, spec: { placement, template: { data: { hello: 'world' } } } },
    ]);
    const memberClient = new KubeClient(member.kubeConfig());
    await waitFor('the ConfigMap on the member', async () => {
      const cm = await memberClient.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'canary' });
      return (cm?.data as Record<string, string> | undefined)?.hello === 'world';
    }, { timeoutMs: 60_000, intervalMs: 250 });
    console.log(`[pod-runner] FederatedConfigMap propagated in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    // KubeFed's own account of it: the sync controller's Propagation condition.
    await waitFor('the Propagation condition', async () => {
      const { stdout } = await execOk(tools.kubectl, ['--kubeconfig', host.info.kubeconfigPath, 'get', 'federatedconfigmap', 'canary', '-n', 'demo', '-o', 'json']);
      const conditions = (JSON.parse(stdout) as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
      return conditions.some((c) => c.type === 'Propagation' && c.status === 'True');
    }, { timeoutMs: 30_000, intervalMs: 500 });
  });

  it('keeps each controller within the chart\'s 512Mi memory limit', () => {
    for (const c of controllers()) {
      const rss = rssKiB(c.pid ?? 0);
      console.log(`[pod-runner] ${c.pod}: RSS ${(rss / 1024).toFixed(1)} MiB (pid ${String(c.pid)})`);
      expect(rss).toBeGreaterThan(0);
      expect(rss).toBeLessThan(512 * 1024);
    }
  });

  it('restarts a SIGKILLed leader, and the plane keeps the member Ready', async () => {
    const [leader] = leaderLogs();
    if (!leader?.pid) throw new Error('no leader process');
    const killedAt = Date.now();
    process.kill(leader.pid, 'SIGKILL');
    await waitFor('the killed controller to be restarted', async () => {
      const again = controllers().find((c) => c.uid === leader.uid);
      return Promise.resolve(again?.starts === 2 && again.pid !== undefined && again.pid !== leader.pid);
    }, { timeoutMs: 30_000, intervalMs: 100 });
    const restartedAfterMs = Date.now() - killedAt;
    expect(processAlive(leader.pid)).toBe(false);
    expect(logsOf(leader)).toMatch(/exited \(signal SIGKILL\); restarting in 1\.0s/);
    // A new leader (after the dead one's 15 s lease) probes the member again.
    await waitFor('a fresh Ready probe after the kill', () => readySince(killedAt), { timeoutMs: 60_000, intervalMs: 500 });
    console.log(`[pod-runner] restarted ${String(restartedAfterMs)}ms after SIGKILL; Ready re-probed ${((Date.now() - killedAt) / 1000).toFixed(1)}s after it`);
    expect(controllers().filter((c) => c.pid !== undefined)).toHaveLength(2);
  });

  it('wrote controller logs without a fatal error or a forbidden request', () => {
    expect(seenLogPaths.size).toBe(2);
    for (const path of seenLogPaths) {
      const log = readFileSync(path, 'utf8');
      expect(log).toContain('Using valid KubeFedConfig');
      expect((/^F\d{4} .*$/m.exec(log))?.[0]).toBeUndefined();
      expect((/^.*forbidden.*$/im.exec(log))?.[0]).toBeUndefined();
    }
  });

  it('stops the processes when the Deployment is deleted', async () => {
    const pids = controllers().map((c) => c.pid ?? 0);
    expect(await admin.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: controllerDeploymentName })).toBe(true);
    await waitFor('the controller processes to stop', async () => Promise.resolve(controllers().length === 0 && pids.every((pid) => !processAlive(pid))), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    for (const path of seenLogPaths) expect(readFileSync(path, 'utf8')).toMatch(/; stopped\n$/);
    // Bound to the pod: the API server refuses the token once the pod is gone.
    await waitFor('the pod-bound token to be refused', async () => (await whoami(boundCredentials?.kubeconfigPath ?? '')).startsWith('error:'), { timeoutMs: 30_000, intervalMs: 500 });
    expect(await whoami(boundCredentials?.kubeconfigPath ?? '')).toMatch(/Unauthorized|must be logged in/);
  });
});
