import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/local/wait.js';
import { tokenKubeConfig } from '../../src/providers/kube/connector.js';
import { progressQuery, workflowIds } from '../../src/contract.js';
import { parseSpec } from '../../src/spec/parse.js';
import type { federate } from '../../src/workflows/federate.js';
import { readFileSync } from 'node:fs';
import { startHarness, stopHarness, projectRoot, type Harness } from '../support/harness.js';
import { allHistories, secretsInHistories } from '../support/histories.js';

const spec = parseSpec(readFileSync(join(projectRoot, 'examples', 'federation.yaml'), 'utf8'));

/** A client for an emulated cluster, authenticated like GKE: endpoint + CA + the Google token. */
function clusterClient(endpoint: string, caCertificate: string, token: string): k8s.KubeConfig {
  return tokenKubeConfig({ name: 'cluster', endpoint, caData: caCertificate, token, timeoutMs: 15_000 });
}

describe('durability: SIGKILL the worker mid-run', () => {
  let h: Harness;

  beforeAll(async () => {
    // Provisioning takes a few seconds so there is a window to kill the worker in.
    h = await startHarness({ provisioningDelayMs: 4000 });
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('finishes after kills during provisioning and during join, creating nothing twice', { timeout: 360_000 }, async () => {
    const first = await h.startWorker();
    const handle = await h.client.workflow.start<typeof federate>('federate', {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.federation(spec.name),
      args: [spec],
    });
    await waitFor('both CreateCluster calls', () => Promise.resolve(h.emulator.calls().filter((c) => c.method === 'CreateCluster').length >= 2), {
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    await first.kill('SIGKILL');

    // Provisioning goes on at the (emulated) cloud; a new worker picks the run up.
    const second = await h.startWorker();
    await waitFor(
      'the join step to start',
      async () => {
        const progress = await handle.query(progressQuery).catch(() => undefined);
        return progress?.steps.some((s) => s.id.startsWith('join:') && s.state !== 'Pending') ?? false;
      },
      { timeoutMs: 120_000, intervalMs: 25 },
    );
    await second.kill('SIGKILL');

    await h.startWorker();
    const summary = await handle.result();
    expect(summary.clusters.map((c) => c.name)).toEqual(['west-cluster', 'east-cluster']);

    // The emulator saw exactly one successful create per cluster and one zone create.
    const calls = h.emulator.calls();
    const creates = calls.filter((c) => c.method === 'CreateCluster' && c.result === 'ok' && !c.replayed);
    expect(creates.map((c) => c.resource).sort()).toEqual([
      'projects/local/locations/us-east1-b/clusters/east-cluster',
      'projects/local/locations/us-west1-a/clusters/west-cluster',
    ]);
    expect(calls.filter((c) => c.method === 'managedZones.create' && c.result === 'ok' && !c.replayed)).toHaveLength(1);

    // The join objects exist once, on the host and on each member.
    const host = summary.clusters.find((c) => c.name === spec.host);
    if (!host) throw new Error('host missing from summary');
    const hostKc = clusterClient(host.endpoint, host.caCertificate, h.emulator.accessToken);
    const joined = (await hostKc.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({
      group: 'core.kubefed.io', version: 'v1beta1', namespace: spec.plane.namespace, plural: 'kubefedclusters',
    })) as { items: { metadata: { name: string } }[] };
    expect(joined.items.map((i) => i.metadata.name).sort()).toEqual(['east-coast', 'west-coast']);
    const hostSecrets = await hostKc.makeApiClient(k8s.CoreV1Api).listNamespacedSecret({ namespace: spec.plane.namespace, labelSelector: 'app.kubernetes.io/managed-by=kfed' });
    const credentialSecrets = hostSecrets.items.filter((s) => s.metadata?.name?.endsWith('-credentials'));
    expect(credentialSecrets.map((s) => s.metadata?.name).sort()).toEqual(['east-coast-credentials', 'west-coast-credentials']);
    for (const c of summary.clusters) {
      const member = clusterClient(c.endpoint, c.caCertificate, h.emulator.accessToken);
      const accounts = await member.makeApiClient(k8s.CoreV1Api).listNamespacedServiceAccount({ namespace: spec.plane.namespace, labelSelector: 'app.kubernetes.io/managed-by=kfed' });
      expect(accounts.items.map((a) => a.metadata?.name)).toContain(`${c.context}-${spec.name}`);
      expect(accounts.items.filter((a) => a.metadata?.name === `${c.context}-${spec.name}`)).toHaveLength(1);
    }

    // The kills were felt: some task timed out or an activity needed another attempt.
    const histories = await allHistories(h.client);
    const events = histories.flatMap((x) => x.history.events ?? []);
    const recovered = events.filter(
      (e) => e.workflowTaskTimedOutEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? ((e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1 ? e : undefined),
    );
    expect(recovered.length).toBeGreaterThan(0);
    expect(await secretsInHistories(h.client, { 'the emulator access token': h.emulator.accessToken })).toEqual([]);
  });
});
