/**
 * Foreign resources lost (R9): next to a hand-made zone with a team's records, another
 * federation, and a cluster running its team's own KubeFed, kfed runs what users run — a second
 * federation built into the hand-made zone, `kfed down`, an `onFailure: teardown` re-run that
 * fails, a refused host that tears itself down, a scheduled rebuild, and second federations
 * naming the first's zone or cluster — and the suite counts what of the foreign resources each
 * flow destroyed. Quick mode keeps the hand-made zone, the second federation and the refusal.
 */
import { workflowIds } from '../../src/contract.js';
import { waitFor } from '../../src/local/wait.js';
import type { Lab } from '../../suite/lab.js';
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { writeSpec, type ClusterDoc, type FederationDoc } from '../../test/support/federation-docs.js';
import { addRecordsByHand, createClusterByHand, createZoneByHand, deleteZoneByHand, handMadeRecords, installUsersKubeFed } from '../../test/support/hand-made.js';
import { chaosFigures } from '../figures.js';
import { foreignResources, lost, type ForeignParts } from '../foreign.js';

/** A zone made by hand, with a team's records in it. */
const handZone = { zone: 'r9-shared', domain: 'r9-shared.example.com.' };
/** A cluster made by hand, running its team's own KubeFed. */
const platform: ClusterDoc = { name: 'r9-platform', location: 'us-central1-a' };
/** A location GKE refuses (the emulator injects that fault for it). */
const refusedLocation = 'us-wset1-a';

function clusters(prefix: string, n: number): ClusterDoc[] {
  const locations = ['us-west1-a', 'us-east1-b'];
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-c${i + 1}`, location: locations[i % locations.length] ?? 'us-west1-a' }));
}

interface FlowResult {
  readonly lost: readonly string[];
  readonly line: string;
}

/** What a CLI run ended with, for the notes: its error's last line, or its outcome line (`federation …`, `schedule …`). */
function outcome(r: { code: number; stdout: string; stderr: string }): string {
  const lines = (r.code === 0 ? r.stdout : r.stderr.trim() || r.stdout).trim().split('\n');
  const last = (r.code === 0 ? lines.find((l) => /^(federation|schedule) /.test(l)) : lines.pop()) ?? '';
  return `exit ${r.code}: ${last.length > 160 ? `${last.slice(0, 157)}...` : last}`;
}

/** `kfed up -f FILE --wait` of the doc (file named after `file`). */
async function up(lab: Lab, doc: FederationDoc, file?: string): Promise<string> {
  return outcome(await lab.h.cli(['up', '-f', writeSpec(lab.h, doc, file), '--wait']));
}

async function down(lab: Lab, name: string): Promise<string> {
  return outcome(await lab.h.cli(['down', name, '--wait']));
}

/** The teardown a failed `onFailure: teardown` run started as its child, to its end. */
async function cleanupOf(lab: Lab, name: string): Promise<string> {
  try {
    return `its cleanup: ${JSON.stringify(await lab.client.workflow.getHandle(workflowIds.teardown(name)).result())}`;
  } catch (err) {
    return `its cleanup failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Triggers the federation's schedule and waits for that rebuild to end. */
async function scheduledRebuild(lab: Lab, doc: FederationDoc): Promise<string> {
  const lines = [outcome(await lab.h.cli(['schedule', 'create', doc.name, '-f', writeSpec(lab.h, doc, `${doc.name}-rebuild.yaml`), '--every', '12h']))];
  lines.push(outcome(await lab.h.cli(['schedule', 'trigger', doc.name])));
  let status = '';
  await waitFor(
    `the scheduled rebuild of ${doc.name} to end`,
    async () => {
      for await (const run of lab.client.workflow.list({ query: `WorkflowType = 'rebuild'` })) {
        if (run.workflowId.startsWith(workflowIds.schedule(doc.name)) && run.status.name !== 'RUNNING') status = run.status.name;
      }
      return status !== '';
    },
    { timeoutMs: 900_000, intervalMs: 1000 },
  );
  lines.push(`rebuild ${status}`, outcome(await lab.h.cli(['schedule', 'delete', doc.name])));
  return lines.join('; ');
}

export const foreignResourcesScenario: Group = {
  id: 'R9',
  figures: ['R9_foreign_lost'],
  async run(ctx) {
    const { quick, log } = ctx;
    const n = quick ? 1 : 2;
    const first: FederationDoc = { name: 'r9-b', clusters: clusters('r9-b', n) };
    const inHandZone: FederationDoc = { name: 'r9-a', ...handZone, clusters: clusters('r9-a', n), onFailure: 'teardown' };
    const parts: ForeignParts = { handZones: [handZone.zone], federations: [first], usersKubeFeds: quick ? [] : [platform.name] };
    await ctx.inLab(profiles.fast, async (lab) => {
      log(`R9: ${quick ? 'quick: ' : ''}foreign resources across kfed's flows, ${n}-cluster federations; ${describeProfile(lab.profile)}`);
      // What the team made, and the first federation: not counted, they are what may not be lost.
      await createZoneByHand(lab.h, handZone.zone, handZone.domain);
      await addRecordsByHand(lab.h, handZone.zone, handMadeRecords(handZone.domain));
      if (!quick) {
        await createClusterByHand(lab.h, platform.name, platform.location);
        await installUsersKubeFed(lab.h, platform.name);
      }
      const setup = await up(lab, first);
      log(`  setup: hand-made zone ${handZone.zone} with records${quick ? '' : `, ${platform.name} with its team's KubeFed`}; kfed up ${first.name}: ${setup}`);

      const results: FlowResult[] = [];
      const flow = async (name: string, run: () => Promise<string>): Promise<void> => {
        const before = await foreignResources(lab.h, parts);
        const what = await run();
        const gone = lost(before, await foreignResources(lab.h, parts));
        const line = `${name} (${what}): ${gone.length ? `lost ${gone.join(', ')}` : `lost none of ${before.size}`}`;
        log(`  ${line}`);
        results.push({ lost: gone, line });
      };

      await flow(`a second federation ${inHandZone.name} built into the hand-made zone`, () => up(lab, inHandZone));
      await flow(`kfed down ${inHandZone.name}`, () => down(lab, inHandZone.name));
      const borrowing: FederationDoc = { name: 'r9-d', clusters: [...clusters('r9-d', 1), { name: first.clusters[n - 1]?.name ?? '', context: 'borrowed', location: first.clusters[n - 1]?.location ?? '' }] };
      await flow(`${borrowing.name} naming ${first.name}'s cluster, refused, then kfed down ${borrowing.name}`, async () => `${await up(lab, borrowing, 'r9-d-cluster.yaml')}; down ${await down(lab, borrowing.name)}`);
      if (!quick) {
        const onItsZone: FederationDoc = { name: 'r9-d', zone: first.name, domain: `${first.name}.example.com.`, clusters: clusters('r9-d', 1) };
        await flow(`${onItsZone.name} naming ${first.name}'s zone, refused, then kfed down ${onItsZone.name}`, async () => `${await up(lab, onItsZone, 'r9-d-zone.yaml')}; down ${await down(lab, onItsZone.name)}`);
        await flow(`kfed up ${inHandZone.name} again (onFailure: teardown)`, () => up(lab, inHandZone));
        await flow(`an onFailure: teardown re-run of ${inHandZone.name} adding a cluster GKE refuses`, async () => {
          lab.h.emulator.faults.set({ rules: [{ api: 'gke', method: 'CreateCluster', resource: `locations/${refusedLocation}/`, operationError: `Location "${refusedLocation}" does not exist or is not available to the project.` }] });
          try {
            const grown: FederationDoc = { ...inHandZone, clusters: [...inHandZone.clusters, { name: 'r9-a-refused', location: refusedLocation }] };
            return `${await up(lab, grown, 'r9-a-grown.yaml')}; ${await cleanupOf(lab, inHandZone.name)}`;
          } finally {
            lab.h.emulator.faults.clear();
          }
        });
        await flow(`a scheduled rebuild of ${inHandZone.name}`, () => scheduledRebuild(lab, inHandZone));
        const onTheirKubeFed: FederationDoc = { name: 'r9-c', host: platform.name, clusters: [platform, { name: 'r9-c-c2', location: 'europe-west1-b' }], onFailure: 'teardown' };
        await flow(`${onTheirKubeFed.name} hosted on ${platform.name}'s own KubeFed (onFailure: teardown), refused, then kfed down`, async () => `${await up(lab, onTheirKubeFed)}; ${await cleanupOf(lab, onTheirKubeFed.name)}; down ${await down(lab, onTheirKubeFed.name)}`);
        await flow(`kfed down ${inHandZone.name} after its rebuild`, () => down(lab, inHandZone.name));
      }
      // The first federation and what the team made are not counted; in quick mode the next scenarios share this environment.
      log(`  cleanup: kfed down ${first.name}: ${await down(lab, first.name)}`);
      await deleteZoneByHand(lab.h, handZone.zone);

      ctx.figures.R9_foreign_lost = chaosFigures.measured('R9_foreign_lost', {
        samples: [results.reduce((s, r) => s + r.lost.length, 0)],
        runs: results.length,
        note: `foreign resources (the hand-made zone ${handZone.zone} and each of its records; federation ${first.name}'s clusters, zone, records, joins and join Secrets${quick ? '' : `; ${platform.name} and its team's KubeFed: CRDs, namespaces, controller, KubeFedConfig, type configs, joins, federated objects`}) that a flow removed, summed over the flows. ${results.map((r) => r.line).join(' | ')}`,
      });
    });
  },
};
