/**
 * The service-DNS sync on a 2-cluster federation, fast profile: a federated Service's address
 * appearing → its federation-level name answering through the emulator's name servers (P9), and
 * the Cloud DNS change calls of passes where nothing changed (P9_idle_changes).
 */
import type { Figure } from '../../suite/figures.js';
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { benchFigures } from '../figures.js';
import { measureServiceDns, type ServiceDnsMeasurement } from '../lib/measure-service-dns.js';

const setup =
  'FederatedNamespace + FederatedDeployment + one FederatedService at a time on the host (a member too), KubeFed propagating; the emulated cloud controller gives the member\'s Service its address';

/** Sets P9 and P9_idle_changes from one measurement. */
export function setServiceDnsFigures(figures: Record<string, Figure>, m: ServiceDnsMeasurement, clusters: number): void {
  const interval = m.intervalSeconds === undefined ? '' : ` Sync interval ${m.intervalSeconds} s, so the goal is ${m.intervalSeconds + 2} s.`;
  const why = m.reason ? ` ${m.reason}` : '';
  figures.P9 = benchFigures.measured('P9', {
    samples: m.samplesMs.map((ms) => ms / 1000),
    note: `${clusters}-cluster federation; ${setup}. Per sample, from the first look that sees the address in status.loadBalancer.ingress (polled every 20 ms) to the first answer with it for <svc>.<ns>.<fed>.svc.<domain> from the emulator's name servers (Node's dns.Resolver, polled every 20 ms); each sample a new Service name, the one before deleted and its records seen gone. Samples: ${m.samplesMs.map((ms) => `${ms} ms`).join(', ') || 'none'}.${interval}${why}`,
    decimals: 2,
  });
  const idle = m.idle;
  figures.P9_idle_changes = idle
    ? benchFigures.measured('P9_idle_changes', {
        samples: [idle.changeCalls],
        runs: idle.passes,
        note: `changes.create calls the emulator logged during ${idle.passes} passes of the sync after the last sample's records were in place (two passes skipped first) and nothing moved; ${idle.listCalls} resourceRecordSets.list calls in the same window (one read per pass).${why}`,
      })
    : benchFigures.notMeasured('P9_idle_changes', m.reason ?? 'no idle passes watched');
}

export const serviceDnsGroup: Group = {
  id: 'P9',
  figures: ['P9', 'P9_idle_changes'],
  async run(ctx) {
    const profile = profiles.fast;
    const clusters = 2;
    ctx.log(`P9: service DNS on a ${clusters}-cluster federation, 5 samples, 5 idle passes; ${describeProfile(profile)}`);
    const m = await ctx.inLab(profile, (lab) => measureServiceDns(lab, federationSpec('p9', { clusters }), ctx.log, { samples: 5, idlePasses: 5 }));
    setServiceDnsFigures(ctx.figures, m, clusters);
  },
};
