import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/providers/errors.js';
import { currentGeneration, generationOf } from '../../src/providers/kube/join/generations.js';
import { kubeFedCluster, memberRbac, memberTokenSecret } from '../../src/providers/kube/join/manifests.js';
import type { KubeClient } from '../../src/providers/kube/client.js';
import type { SecretObject } from '../../src/providers/kube/objects.js';
import { canaryNamespace, canaryObjects } from '../../src/providers/kube/plane/canary.js';
import { staleProbeReason } from '../../src/providers/kube/plane/health.js';
import { controllerDeployment, otherScopeRbac, planeScopeAnnotation } from '../../src/providers/kube/plane/manifests.js';
import { checkTransport, transportWarning } from '../../src/providers/kube/transport-security.js';
import type { JoinNames, MemberHealth } from '../../src/providers/kube/types.js';
import { conditions, finishStep, newProgress, startStep } from '../../src/workflows/progress.js';
import { validateSpec } from '../../src/spec/parse.js';

const names: JoinNames = { member: 'east-coast', host: 'kfed', namespace: 'kube-federation-system', scope: 'Namespaced' };
const refs = (objects: readonly { kind: string; metadata: { name: string; namespace?: string } }[]): string[] =>
  objects.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`);

describe('what a join grants, per scope', () => {
  it('Cluster: every verb on every resource, GET on non-resource URLs', () => {
    const [role] = memberRbac(names, 'Cluster');
    expect(role?.kind).toBe('ClusterRole');
    expect(role?.rules).toEqual([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['get'] },
    ]);
  });

  it('Namespaced: every verb in the plane namespace, /healthz and listing nodes, nothing more', () => {
    const rbac = memberRbac(names, 'Namespaced');
    expect(refs(rbac)).toEqual([
      'Role kube-federation-system/kubefed-controller-manager:east-coast-kfed',
      'RoleBinding kube-federation-system/kubefed-controller-manager:east-coast-kfed',
      'ClusterRole -/kubefed-controller-manager:kube-federation-system:healthcheck-east-coast-kfed',
      'ClusterRoleBinding -/kubefed-controller-manager:kube-federation-system:healthcheck-east-coast-kfed',
    ]);
    expect(rbac[0]?.rules).toEqual([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
    expect(rbac[2]?.rules).toEqual([
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
    ]);
  });
});

describe('the plane per scope', () => {
  it('removes only the other scope\'s own grants when the scope changes, never what both share', () => {
    expect(refs(otherScopeRbac('fed', 'Namespaced'))).toEqual(['ClusterRole -/kubefed-role', 'ClusterRoleBinding -/kubefed-rolebinding']);
    expect(refs(otherScopeRbac('fed', 'Cluster'))).toEqual(['Role fed/kubefed-role', 'RoleBinding fed/kubefed-rolebinding']);
  });

  it('restarts the controller on a scope change through its pod template, and leaves Cluster planes as they were', () => {
    const template = (scope: 'Cluster' | 'Namespaced'): Record<string, unknown> =>
      ((controllerDeployment('fed', scope).spec as { template: { metadata: Record<string, unknown> } }).template.metadata);
    expect(template('Cluster').annotations).toBeUndefined();
    expect(template('Namespaced').annotations).toEqual({ [planeScopeAnnotation]: 'Namespaced' });
  });

  it('federates the canary into the plane namespace when Namespaced, into its own namespace when Cluster', () => {
    const members = [{ member: 'west-coast', client: {} as KubeClient }];
    const namespaced = canaryObjects(members, { scope: 'Namespaced', namespace: 'fed' });
    expect(namespaced.namespace).toBeUndefined();
    expect(namespaced.configMap.metadata).toMatchObject({ name: 'kfed-canary', namespace: 'fed' });
    expect((namespaced.configMap.spec as { placement: unknown }).placement).toEqual({ clusters: [{ name: 'west-coast' }] });
    const cluster = canaryObjects(members, { scope: 'Cluster', namespace: 'fed' });
    expect(cluster.namespace?.kind).toBe('FederatedNamespace');
    expect(cluster.configMap.metadata.namespace).toBe('kfed-canary');
    expect(canaryNamespace({ scope: 'Cluster', namespace: 'fed' })).toBe('kfed-canary');
  });
});

describe('token generations', () => {
  const secret = (generation: number): SecretObject => memberTokenSecret(names, generation);

  it('names the first token as kubefedctl does and the rotated ones so no other join can collide', () => {
    expect(secret(0).metadata.name).toBe('east-coast-kfed');
    expect(secret(0).metadata.labels?.['kfed.dev/token-generation']).toBeUndefined();
    expect(secret(3).metadata.name).toBe('east-coast-kfed.token-3');
    expect(secret(3).metadata.labels).toMatchObject({ 'kfed.dev/token-generation': '3', 'kfed.dev/member': 'east-coast', 'app.kubernetes.io/managed-by': 'kfed' });
  });

  it('takes the newest generation as the one in use', () => {
    expect(currentGeneration([])).toBe(0);
    expect(currentGeneration([secret(0), secret(2), secret(1)])).toBe(2);
    expect(generationOf({ ...secret(0), metadata: { name: 'x', labels: { 'kfed.dev/token-generation': 'garbage' } } })).toBe(0);
  });

  it('marks the KubeFedCluster with the generation from the first rotation on, so KubeFed rebuilds its clients', () => {
    const endpoint = { apiEndpoint: 'https://10.0.0.1', insecure: false };
    expect(kubeFedCluster(names, endpoint, 0).metadata.annotations).toBeUndefined();
    expect(kubeFedCluster(names, endpoint, 2).metadata.annotations).toEqual({ 'kfed.dev/token-generation': '2' });
  });

  it('counts a Ready report only from a health check made after the switch', () => {
    const health = (lastProbe?: string): MemberHealth => ({ member: 'east-coast', ready: 'True', offline: false, ...(lastProbe ? { lastProbe } : {}) });
    const switched = Date.parse('2026-01-01T10:00:02Z');
    expect(staleProbeReason(health('2026-01-01T10:00:02Z'), switched)).toBeUndefined();
    expect(staleProbeReason(health('2026-01-01T10:00:01Z'), switched)).toBe(
      'KubeFed has not checked east-coast since 2026-01-01T10:00:02.000Z (last at 2026-01-01T10:00:01.000Z)',
    );
    expect(staleProbeReason(health(), switched)).toContain('(never)');
  });
});

describe('the progress of a rotation', () => {
  const spec = validateSpec({
    apiVersion: 'kfed.dev/v1alpha1',
    kind: 'Federation',
    metadata: { name: 'kfed' },
    spec: {
      project: 'local',
      dns: { zone: 'kfed', domain: 'infra.mycompany.com.' },
      host: 'west',
      clusters: [
        { name: 'west', context: 'west-coast', location: 'us-west1-a' },
        { name: 'east', context: 'east-coast', location: 'us-east1-b' },
      ],
    },
  });

  it('lists the host, then a rotation and a revocation per member, each feeding its condition', () => {
    const progress = newProgress(spec, 'rotate', 0);
    expect(progress.steps.map((s) => `${s.id} ${s.group}`)).toEqual([
      'host HostReached',
      'rotate:west TokensRotated',
      'rotate:east TokensRotated',
      'revoke:west OldTokensRevoked',
      'revoke:east OldTokensRevoked',
    ]);
    for (const s of progress.steps) {
      startStep(progress, s.id, 1);
      finishStep(progress, s.id, 2);
    }
    expect(conditions(progress).map((c) => `${c.type}=${c.status}`)).toEqual(['Ready=True', 'HostReached=True', 'TokensRotated=True', 'OldTokensRevoked=True']);
  });
});

describe('TLS of an existing cluster\'s kubeconfig', () => {
  const target = { name: 'prod-eu', context: 'prod-eu' };
  const refused = (fn: () => void): string => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidSpecError);
      expect((err as InvalidSpecError).retryable).toBe(false);
      return (err as Error).message;
    }
    return 'not refused';
  };

  it('refuses insecure-skip-tls-verify unless the spec accepts it, naming the field', () => {
    const message = refused(() => { checkTransport({ server: 'https://10.0.0.1', skipTLSVerify: true }, target, '/k/config'); });
    expect(message).toContain('cluster prod-eu (context prod-eu in /k/config): its kubeconfig turns TLS verification off (insecure-skip-tls-verify: true)');
    expect(message).toContain('unless the spec sets spec.clusters[].existing.insecureSkipTLSVerify: true for prod-eu');
    expect(() => { checkTransport({ server: 'https://10.0.0.1', skipTLSVerify: true }, { ...target, insecureSkipTLSVerify: true }, '/k/config'); }).not.toThrow();
  });

  it('refuses an http:// server unless the spec accepts plaintext, whatever else it accepts', () => {
    const message = refused(() => { checkTransport({ server: 'http://10.0.0.1:8080', skipTLSVerify: false }, { ...target, insecureSkipTLSVerify: true }, '/k/config'); });
    expect(message).toContain('its server http://10.0.0.1:8080 is plain http://');
    expect(message).toContain('spec.clusters[].existing.insecureHTTP: true');
    expect(() => { checkTransport({ server: 'HTTP://10.0.0.1:8080', skipTLSVerify: false }, { ...target, insecureHTTP: true }, '/k/config'); }).not.toThrow();
  });

  it('warns for what it accepted, and says nothing for verified TLS', () => {
    expect(transportWarning({ server: 'https://10.0.0.1', skipTLSVerify: false })).toBeUndefined();
    expect(transportWarning({ server: 'https://10.0.0.1', skipTLSVerify: true })).toBe('TLS verification disabled for this cluster (existing.insecureSkipTLSVerify)');
    expect(transportWarning({ server: 'http://10.0.0.1', skipTLSVerify: false })).toBe('plaintext HTTP, no TLS for this cluster (existing.insecureHTTP)');
  });
});
