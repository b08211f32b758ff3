import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FederationHealth } from '../../src/contract.js';
import { execOk } from '../../src/local/exec.js';
import type { Toolchain } from '../../src/local/tools.js';
import { waitFor } from '../../src/local/wait.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import type { KubeObject } from '../../src/providers/kube/resources.js';
import { controllerLogFiles, controllerLogProblems, controllerProcesses, harnessPodLogsDir } from '../support/controller-logs.js';
import { projectRoot, startHarness, stopHarness, type Harness, type WorkerProcess } from '../support/harness.js';
import { testToolchain } from '../support/substrate.js';

const exampleSpecFile = join(projectRoot, 'examples', 'federation.yaml');
const exampleFile = join(projectRoot, 'examples', 'federated-deployment.yaml');
const members = ['west-coast', 'east-coast'] as const;

interface DeploymentObject extends KubeObject {
  readonly spec?: { readonly replicas?: number };
}

interface Condition {
  readonly type: string;
  readonly status: string;
}

const secondsSince = (t: number): string => `${((Date.now() - t) / 1000).toFixed(1)}s`;

describe('federating workloads the KubeFed way on a federation kfed made', () => {
  let h: Harness;
  let worker: WorkerProcess;
  let tools: Toolchain;
  let kubeconfig: string;

  /** A client for one context of the kubeconfig `kfed kubeconfig` wrote. */
  const client = (context: string): KubeClient => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    kc.setCurrentContext(context);
    return new KubeClient(kc);
  };
  const kubectl = async (args: readonly string[]): Promise<string> => (await execOk(tools.kubectl, ['--kubeconfig', kubeconfig, '--context', 'kfed', ...args], { timeoutMs: 60_000 })).stdout;
  const onEveryMember = (what: string, check: (member: KubeClient, name: string) => Promise<boolean>): Promise<void> =>
    waitFor(what, async () => (await Promise.all(members.map((m) => check(client(m), m).catch(() => false)))).every(Boolean), { timeoutMs: 90_000, intervalMs: 250 });
  const deployment = (member: KubeClient, namespace: string, name: string): Promise<DeploymentObject | undefined> =>
    member.get<DeploymentObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });

  beforeAll(async () => {
    h = await startHarness();
    worker = await h.startWorker();
    tools = await testToolchain();
    kubeconfig = join(h.dir, 'kubeconfig');
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('kfed status shows every member READY True, read live from the host like kubectl get kubefedclusters', async () => {
    const started = Date.now();
    const up = await h.cli(['up', '-f', exampleSpecFile, '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    console.log(`[workloads] kfed up: usable (canary on every member) ${secondsSince(started)} after the CLI started; ${/KubeFed Ready after [\d.]+s/.exec(up.stdout)?.[0] ?? ''}`);

    const status = await h.cli(['status', 'kfed']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('federation kfed: last run COMPLETED');
    expect(status.stdout).toContain('live health, as KubeFed on west-cluster reports it:');
    expect(status.stdout).toMatch(/NAME\s+READY\s+OFFLINE\s+KUBERNETES-VERSION\s+LAST-PROBE\s+MESSAGE/);
    for (const m of members) expect(status.stdout).toMatch(new RegExp(`${m}\\s+True\\s+False\\s+v1\\.36\\.3\\s+\\d+s\\n`));

    const json = JSON.parse((await h.cli(['status', 'kfed', '-o', 'json'])).stdout) as { health: FederationHealth };
    expect(json.health.error).toBeUndefined();
    expect(json.health.host).toBe('west-cluster');
    expect(json.health.members.map((m) => [m.member, m.ready, m.offline, m.kubernetesVersion])).toEqual([
      ['east-coast', 'True', false, 'v1.36.3'],
      ['west-coast', 'True', false, 'v1.36.3'],
    ]);
    for (const m of json.health.members) expect(Date.now() - Date.parse(m.lastProbe ?? '')).toBeLessThan(60_000);

    expect((await h.cli(['kubeconfig', 'kfed', '--out', kubeconfig])).code).toBe(0);
  });

  it('kubefedctl federate namespace --contents puts the namespace and its objects on every member', async () => {
    await kubectl(['create', 'namespace', 'demo']);
    await kubectl(['-n', 'demo', 'create', 'configmap', 'greeting', '--from-literal=hello=world']);
    await kubectl(['-n', 'demo', 'create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
    // A namespace in use holds what controllers made from the Deployment too; the README's flags skip those.
    await waitFor('the host Deployment to make its ReplicaSet', async () => (await kubectl(['-n', 'demo', 'get', 'replicasets', '-o', 'name'])).includes('replicaset'), { timeoutMs: 60_000, intervalMs: 250 });

    const started = Date.now();
    const federate = await execOk(
      tools.kubefedctl,
      ['federate', 'namespace', 'demo', '--contents', '--enable-type', '--skip-api-resources', 'pods,replicasets', '--host-cluster-context', 'kfed', '--kubefed-namespace', 'kube-federation-system', '--kubeconfig', kubeconfig],
      { timeoutMs: 90_000 },
    );
    expect(federate.stderr).toContain('Successfully created FederatedNamespace "demo/demo" from Namespace');
    expect(federate.stderr).toContain('Successfully created FederatedDeployment "demo/web" from Deployment');
    expect(federate.stderr).toContain('Successfully created FederatedConfigMap "demo/greeting" from ConfigMap');
    expect(federate.stderr).not.toMatch(/FederatedPod|FederatedReplicaSet/);
    // kubefedctl v0.10.0 federates kube-root-ca.crt too; each member's own must win (README).
    await kubectl(['-n', 'demo', 'delete', 'federatedconfigmap', 'kube-root-ca.crt']);

    await onEveryMember('demo/greeting and demo/web on every member', async (member) => {
      const cm = await member.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'greeting' });
      return (cm?.data as Record<string, string> | undefined)?.hello === 'world' && (await deployment(member, 'demo', 'web'))?.spec?.replicas === 2;
    });
    console.log(`[workloads] kubefedctl federate namespace demo --contents: on every member ${secondsSince(started)} after kubefedctl started`);
    // Each member's kube-root-ca.crt holds its own CA again, as its kube-controller-manager writes it.
    await onEveryMember('each member\'s own kube-root-ca.crt in demo', async (member) => {
      const ca = async (namespace: string): Promise<unknown> => (await member.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'kube-root-ca.crt' }))?.data;
      const own = await ca('kube-system');
      return own !== undefined && JSON.stringify(await ca('demo')) === JSON.stringify(own);
    });
    const fd = JSON.parse(await kubectl(['-n', 'demo', 'get', 'federateddeployment', 'web', '-o', 'json'])) as { status?: { conditions?: Condition[]; clusters?: { name: string }[] } };
    expect(fd.status?.conditions?.find((c) => c.type === 'Propagation')?.status).toBe('True');
    expect(fd.status?.clusters?.map((c) => c.name).sort()).toEqual(['east-coast', 'west-coast']);
  });

  it('kubectl apply -f examples/federated-deployment.yaml creates the Deployment on every member, with its override', async () => {
    const started = Date.now();
    await kubectl(['apply', '-f', exampleFile]);
    await onEveryMember('hello/hello on every member', async (member, name) => (await deployment(member, 'hello', 'hello'))?.spec?.replicas === (name === 'east-coast' ? 1 : 2));
    console.log(`[workloads] examples/federated-deployment.yaml: on every member ${secondsSince(started)} after kubectl apply started`);
  });

  it('restarts a controller SIGKILLed while a FederatedDeployment propagates, and propagation completes', async () => {
    const logsDir = harnessPodLogsDir(h);
    const leader = controllerProcesses(logsDir).find((p) => p.leader && p.pid !== undefined);
    if (!leader?.pid) throw new Error(`no leading controller process among ${JSON.stringify(controllerProcesses(logsDir))}`);
    const host = client('kfed');
    const placement = { clusters: members.map((name) => ({ name })) };
    const started = Date.now();
    await host.apply({
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedDeployment',
      metadata: { name: 'after-kill', namespace: 'hello' },
      spec: {
        placement,
        template: { spec: { replicas: 1, selector: { matchLabels: { app: 'after-kill' } }, template: { metadata: { labels: { app: 'after-kill' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } },
      },
    }, { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedDeployment', plural: 'federateddeployments', namespaced: true });
    process.kill(leader.pid, 'SIGKILL');
    const killedAt = Date.now();
    const propagatedAtKill = (await Promise.all(members.map(async (m) => ((await deployment(client(m), 'hello', 'after-kill')) ? m : '')))).filter(Boolean);

    await waitFor('the killed controller to run again', async () => Promise.resolve(controllerProcesses(logsDir).some((p) => p.logPath === leader.logPath && p.starts === leader.starts + 1 && p.pid !== undefined && p.pid !== leader.pid)), { timeoutMs: 30_000, intervalMs: 100 });
    const restartedAfter = secondsSince(killedAt);
    await onEveryMember('hello/after-kill on every member', async (member) => (await deployment(member, 'hello', 'after-kill')) !== undefined);
    console.log(
      `[workloads] leader SIGKILLed ${String(killedAt - started)}ms after the FederatedDeployment was created (on ${propagatedAtKill.join(', ') || 'no member'} by then); restarted after ${restartedAfter}; on every member ${secondsSince(killedAt)} after the kill`,
    );
    expect(controllerProcesses(logsDir).filter((p) => p.pid !== undefined)).toHaveLength(2);
  });

  it('kfed status says when no worker answers, and still shows the recorded run', async () => {
    await worker.kill();
    const started = Date.now();
    const status = await h.cli(['status', 'kfed']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('federation kfed: last run COMPLETED');
    expect(status.stdout).toContain('no worker answered the progress query');
    expect(status.stdout).toContain('live health, as KubeFed on west-cluster reports it: unavailable — no worker answered within 20.0s on task queue kfed-e2e');
    console.log(`[workloads] kfed status without a worker took ${secondsSince(started)}`);
  });

  it('ran the controllers without a fatal error or a forbidden request', () => {
    expect(controllerLogFiles(harnessPodLogsDir(h))).toHaveLength(2);
    expect(controllerLogProblems(harnessPodLogsDir(h))).toEqual([]);
  });
});
