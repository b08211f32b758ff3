/**
 * Activities of the service-DNS sync and of the zone's safe teardown: a sync pass, removing the
 * federation's records, and the check that a zone holds nothing kfed did not write.
 */
import { zoneNotEmptyError, zoneOwnership } from '../providers/gcp/record-registry.js';
import { cloudOwnership } from '../ownership.js';
import { observeServices } from '../providers/kube/services.js';
import { applyServiceRecords } from '../service-dns/apply.js';
import { syncPass, type SyncPassInput } from '../service-dns/sync-pass.js';
import type { ServiceDnsPass } from '../service-dns/types.js';
import type { ActivityDeps } from './deps.js';
import { callProvider, heartbeating } from './failures.js';

/** A zone, and whose records in it. */
export interface ZoneRecordsInput {
  readonly project: string;
  readonly zone: string;
  readonly federation: string;
}

export function serviceDnsActivities(deps: Pick<ActivityDeps, 'dns' | 'kube'>) {
  return {
    /** One pass: observe every member, compute the records, apply them (no call when nothing differs). */
    async syncServiceDns(input: SyncPassInput): Promise<ServiceDnsPass> {
      return heartbeating(() => callProvider(() => syncPass({ dns: deps.dns, observe: async (target) => observeServices(await deps.kube.connect(target)) }, input)));
    },

    /** Removes every record the federation owns in the zone (and its registry); nothing else. */
    async removeServiceRecords(input: ZoneRecordsInput & { readonly domain: string }) {
      const applied = await heartbeating(() => callProvider(() => applyServiceRecords(deps.dns, { project: input.project, zone: input.zone, apex: input.domain, federation: input.federation }, [])));
      return { zoneMissing: applied.zoneMissing, deletions: applied.deletions, changeCalls: applied.changeCalls };
    },

    /**
     * Before a teardown deletes anything: fails (ZoneNotEmptyError, not retried) when the zone it
     * would delete holds records kfed did not write, unless told to delete them too. A zone the
     * teardown keeps (not this federation's, or, for `onlyCreatedBy`, not made by that run) is
     * never deleted, so its records are no reason to stop.
     */
    async checkZoneDeletable(input: ZoneRecordsInput & { readonly deleteForeignRecords: boolean; readonly onlyCreatedBy?: string }) {
      return callProvider(async () => {
        const zone = await deps.dns.getZone(input.project, input.zone);
        if (!zone) return { zone: 'absent' as const, owned: 0, foreign: 0 };
        const owner = cloudOwnership(zone.labels, input.federation);
        if (owner.owner !== 'this' || (input.onlyCreatedBy && owner.createdBy !== input.onlyCreatedBy.toLowerCase())) return { zone: 'kept' as const, owned: 0, foreign: 0 };
        const rrsets = (await deps.dns.listRecordSets(input.project, input.zone)) ?? [];
        const { owned, foreign } = zoneOwnership(rrsets, zone.dnsName, input.federation);
        if (foreign.length > 0 && !input.deleteForeignRecords) {
          throw zoneNotEmptyError(`projects/${input.project}/managedZones/${input.zone}`, zone.dnsName, foreign, input.federation, 'kept the zone; nothing was deleted');
        }
        return { zone: 'deletable' as const, owned: owned.length, foreign: foreign.length };
      });
    },
  };
}
