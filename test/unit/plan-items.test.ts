import { describe, expect, it } from 'vitest';
import { planCreatedCluster, planExistingGkeCluster, planZone, sizeDrift } from '../../src/activities/plan-items.js';
import { cloudOwnerLabels } from '../../src/ownership.js';
import type { ClusterInfo, GkeClusterStatus, ZoneInfo } from '../../src/providers/gcp/types.js';
import type { ClusterSpec } from '../../src/spec/types.js';

const spec: ClusterSpec = { name: 'west', context: 'west-ctx', location: 'us-west1-a', nodes: 3, machineType: 'e2-standard-4' };

function cluster(over: Partial<ClusterInfo> & { status?: GkeClusterStatus } = {}): ClusterInfo {
  return { name: 'west', location: 'us-west1-a', status: 'RUNNING', statusMessage: '', labels: cloudOwnerLabels('prod', 'host', 'run-1'), nodes: 3, machineTypes: ['e2-standard-4'], ...over };
}

function zone(over: Partial<ZoneInfo> = {}): ZoneInfo {
  return { name: 'prod', dnsName: 'prod.example.com.', nameServers: [], labels: cloudOwnerLabels('prod', undefined, 'run-1'), ...over };
}

describe('sizeDrift: what kfed does not change in place', () => {
  it('is nothing when the cluster is as the spec asks', () => {
    expect(sizeDrift(cluster(), spec)).toBeUndefined();
  });

  it('names a changed machine type, and why GKE keeps it', () => {
    const drift = sizeDrift(cluster({ machineTypes: ['e2-medium'] }), spec);
    expect(drift).toBe("machine type e2-medium, the spec asks e2-standard-4: GKE cannot change an existing node pool's machine type, so kfed leaves it (recreate the cluster to change it)");
  });

  it('names a changed node count, and the command that resizes', () => {
    expect(sizeDrift(cluster({ nodes: 1 }), spec)).toBe('1 node(s), the spec asks 3: kfed does not resize clusters in place (gcloud container clusters resize)');
  });

  it('names both at once', () => {
    const drift = sizeDrift(cluster({ nodes: 5, machineTypes: ['n2-standard-2', 'e2-medium'] }), spec) ?? '';
    expect(drift.split('; ')).toHaveLength(2);
    expect(drift).toContain('machine type n2-standard-2, e2-medium');
    expect(drift).toContain('5 node(s), the spec asks 3');
  });

  it('accepts a pool of the asked machine type among others', () => {
    expect(sizeDrift(cluster({ machineTypes: ['e2-medium', 'e2-standard-4'] }), spec)).toBeUndefined();
  });

  it('says nothing about what GKE did not report (no pools, no count)', () => {
    expect(sizeDrift(cluster({ machineTypes: [], nodes: 0 }), spec)).toBeUndefined();
  });
});

describe('planCreatedCluster', () => {
  const cases: [string, ClusterInfo | undefined, string, RegExp][] = [
    ['absent: created', undefined, 'create', /will create 3 × e2-standard-4 in us-west1-a/],
    ['this federation\'s, as asked', cluster(), 'unchanged', /created by kfed for this federation$/],
    ['this federation\'s, resized by hand', cluster({ nodes: 1 }), 'update', /1 node\(s\), the spec asks 3: kfed does not resize/],
    ['this federation\'s, another machine type', cluster({ machineTypes: ['e2-medium'] }), 'update', /GKE cannot change an existing node pool's machine type/],
    ['another federation\'s', cluster({ labels: cloudOwnerLabels('staging', 'member') }), 'conflict', /created by kfed for federation staging; give this cluster another name/],
    ['made by hand', cluster({ labels: { team: 'web' } }), 'adopt', /without kfed's labels; it will be joined and never deleted/],
    ['in ERROR', cluster({ status: 'ERROR', statusMessage: 'quota' }), 'conflict', /status ERROR: quota/],
    ['DEGRADED', cluster({ status: 'DEGRADED' }), 'conflict', /status DEGRADED/],
    ['being deleted', cluster({ status: 'STOPPING' }), 'conflict', /is being deleted/],
  ];

  it.each(cases)('%s', (_what, info, action, reason) => {
    const item = planCreatedCluster(info, spec, 'prod');
    expect(item.resource).toBe('cluster west');
    expect(item.action).toBe(action);
    expect(item.reason).toMatch(reason);
  });
});

describe('planZone', () => {
  const cases: [string, ZoneInfo | undefined, string, RegExp][] = [
    ['absent: created', undefined, 'create', /a zone for prod\.example\.com\. will be created/],
    ['this federation\'s', zone(), 'unchanged', /created by kfed/],
    ['another federation\'s', zone({ labels: cloudOwnerLabels('staging') }), 'conflict', /belongs to kfed federation staging; choose another spec.dns.zone/],
    ['made by hand', zone({ labels: {} }), 'adopt', /without this federation's labels; it will be used and never deleted/],
    ['kfed\'s, without a federation label', zone({ labels: cloudOwnerLabels('') }), 'adopt', /never deleted/],
    ['for another domain', zone({ dnsName: 'other.example.com.' }), 'conflict', /exists for other\.example\.com\., the spec asks for prod\.example\.com\./],
  ];

  it.each(cases)('%s', (_what, info, action, reason) => {
    const item = planZone(info, 'prod', 'prod.example.com.', 'prod');
    expect(item.action).toBe(action);
    expect(item.reason).toMatch(reason);
  });

  it('compares the domain case-insensitively, as Cloud DNS stores it', () => {
    expect(planZone(zone(), 'prod', 'Prod.Example.COM.', 'prod').action).toBe('unchanged');
  });
});

describe('planExistingGkeCluster', () => {
  const path = 'projects/p/locations/us-west1-a/clusters/west';

  it('adopts a serving cluster, and refuses one that is missing, failed or going', () => {
    expect(planExistingGkeCluster(cluster({ labels: {} }), spec, path).action).toBe('adopt');
    expect(planExistingGkeCluster(undefined, spec, path)).toMatchObject({ action: 'conflict', reason: expect.stringContaining('not found') as unknown });
    for (const status of ['ERROR', 'DEGRADED', 'STOPPING'] as const) expect(planExistingGkeCluster(cluster({ status }), spec, path).action).toBe('conflict');
  });
});
