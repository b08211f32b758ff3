/**
 * A permanent error at each step of a federate run (R4, R8). Cloud steps get it from the
 * emulator's fault injector (PERMISSION_DENIED, INVALID_ARGUMENT, a failed create operation).
 * The kube steps run against the clusters' own kube-apiservers, which the emulator does not
 * front, so their fault is a real object put on the cluster once it exists and before the step
 * runs, one that makes kfed's call fail the way a real cluster would refuse it:
 * - plane: a Deployment kubefed-controller-manager with another selector (immutable: 422 Invalid);
 * - join: a ClusterRoleBinding `kubefed-controller-manager:<sa>` bound to another role (roleRef is
 *   immutable: 422 Invalid);
 * - dns: a kube-dns ConfigMap whose `federations` value kfed cannot parse (kfed refuses to
 *   rewrite it: Conflict);
 * - verify: the joined credentials are revoked between join and verify: as soon as the host
 *   holds the member's KubeFedCluster, the member's ServiceAccount `<member>-<host>` is deleted,
 *   so the token the host stores is refused (401). (An aggregated ClusterRole that empties the
 *   join's rules was tried first; in a full run it did not make verify fail.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../src/providers/kube/resources.js';
import type { FederationSpec } from '../src/spec/types.js';
import type { Lab } from '../suite/lab.js';

export const failureSteps = ['zone', 'create', 'operation', 'provisioning', 'running', 'plane', 'join', 'dns', 'verify'] as const;
export type FailureStep = (typeof failureSteps)[number];

/** What each injected fault is, for the notes. */
export const stepFaults: Readonly<Record<FailureStep, string>> = {
  zone: 'managedZones.create → PERMISSION_DENIED',
  create: 'CreateCluster → INVALID_ARGUMENT',
  operation: 'GetOperation → PERMISSION_DENIED',
  provisioning: 'create operation ends in ERROR (quota)',
  running: 'GetCluster after the create → PERMISSION_DENIED',
  plane: 'host refuses the plane Deployment (422 immutable selector)',
  join: 'member refuses the join ClusterRoleBinding (422 roleRef immutable)',
  dns: 'member kube-dns ConfigMap unreadable (Conflict)',
  verify: 'joined credentials revoked on the member after the join (401)',
};

function clusterResource(spec: FederationSpec, name: string): string {
  const c = spec.clusters.find((x) => x.name === name);
  return `projects/${spec.project}/locations/${c?.location ?? ''}/clusters/${name}`;
}

/** The member the faults target: the last cluster (not the host when there are two or more). */
export function victim(spec: FederationSpec): { name: string; context: string } {
  const c = spec.clusters.at(-1);
  if (!c) throw new Error('spec without clusters');
  return { name: c.name, context: c.context };
}

/** Objects that make a kube step fail for good, for {@link seedObjects}. */
function kubeFault(step: 'plane' | 'join' | 'dns', spec: FederationSpec): { cluster: string; objects: KubeObject[] } {
  const ns = spec.plane.namespace;
  const v = victim(spec);
  const sa = `${v.context}-${spec.name}`;
  const labels = { 'kfed-chaos': 'fault' };
  switch (step) {
    case 'plane':
      return {
        cluster: spec.host,
        objects: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'kubefed-controller-manager', namespace: ns, labels },
            spec: {
              replicas: 0,
              selector: { matchLabels: { 'kfed-chaos': 'other-selector' } },
              template: { metadata: { labels: { 'kfed-chaos': 'other-selector' } }, spec: { containers: [{ name: 'x', image: 'example.invalid/none:1' }] } },
            },
          },
        ],
      };
    case 'join':
      return {
        cluster: v.name,
        objects: [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: `kubefed-controller-manager:${sa}`, labels },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
            subjects: [],
          },
        ],
      };
    case 'dns':
      return {
        cluster: v.name,
        objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-dns', namespace: 'kube-system', labels }, data: { federations: 'this-is-not-name-equals-domain' } }],
      };
  }
}

/** Creates the objects on the cluster as soon as its API server answers (polling the emulator state). */
async function seedObjects(lab: Lab, cluster: string, objects: readonly KubeObject[], signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    const kube = lab.kube(cluster);
    if (kube) {
      try {
        // A retry after a partial seed finds its own objects: already there is fine. A fault
        // object kfed made first cannot be seeded any more (reported as not armed).
        let armed = true;
        for (const obj of objects) if (!(await kube.createIfAbsent(obj)) && obj.kind !== 'Namespace') armed = false;
        return armed;
      } catch {
        // API server not serving yet: try again
      }
    }
    await sleep(25);
  }
  return false;
}

/** Deletes the victim's join ServiceAccount once the host has registered it (see the header). */
async function revokeAfterJoin(lab: Lab, spec: FederationSpec, signal: AbortSignal): Promise<boolean> {
  const ns = spec.plane.namespace;
  const v = victim(spec);
  const registered = { apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster', namespace: ns, name: v.context };
  const account = { apiVersion: 'v1', kind: 'ServiceAccount', namespace: ns, name: `${v.context}-${spec.name}` };
  while (!signal.aborted) {
    try {
      const host = lab.kube(spec.host);
      const member = lab.kube(v.name);
      if (host && member && (await host.get(registered))) return await member.delete(account);
    } catch {
      // CRD not there yet, or an API server not serving yet: look again
    }
    await sleep(10);
  }
  return false;
}

/**
 * Arms the fault for `step` and returns a handle: `done` resolves once the fault is in place
 * (for steps that wait for a cluster), `disarm` clears the emulator rules and stops waiting.
 */
export function armStep(lab: Lab, spec: FederationSpec, step: FailureStep): { done: Promise<boolean>; disarm: () => void } {
  const faults = lab.h.emulator.faults;
  const abort = new AbortController();
  const v = victim(spec);
  const resource = clusterResource(spec, v.name);
  let done: Promise<boolean> = Promise.resolve(true);
  switch (step) {
    case 'zone':
      faults.add({ api: 'dns', method: 'managedZones.create', resource: `/managedZones/${spec.dns.zone}`, failNext: 1, code: 'PERMISSION_DENIED' });
      break;
    case 'create':
      faults.add({ api: 'gke', method: 'CreateCluster', resource, failNext: 1, code: 'INVALID_ARGUMENT', message: `Invalid value for field "cluster.node_pools[0].config.machine_type": "${spec.clusters.at(-1)?.machineType ?? ''}" is not available in this zone.` });
      break;
    case 'operation':
      faults.add({ api: 'gke', method: 'GetOperation', failNext: 1, code: 'PERMISSION_DENIED' });
      break;
    case 'provisioning':
      faults.add({ api: 'gke', method: 'CreateCluster', resource, operationError: 'Insufficient regional quota to satisfy request: resource "CPUS": request requires \'2.0\' and is short \'2.0\'.' });
      break;
    case 'running':
      done = (async () => {
        const from = lab.calls().length;
        while (!abort.signal.aborted) {
          if (lab.callsSince(from).some((c) => c.method === 'CreateCluster' && c.result === 'ok' && c.resource === resource)) {
            faults.add({ api: 'gke', method: 'GetCluster', resource, failNext: 1, code: 'PERMISSION_DENIED' });
            return true;
          }
          await sleep(20);
        }
        return false;
      })();
      break;
    case 'plane':
    case 'join':
    case 'dns': {
      const f = kubeFault(step, spec);
      done = seedObjects(lab, f.cluster, f.objects, abort.signal);
      break;
    }
    case 'verify':
      done = revokeAfterJoin(lab, spec, abort.signal);
      break;
  }
  return {
    done,
    disarm: () => {
      abort.abort();
      faults.clear();
    },
  };
}
