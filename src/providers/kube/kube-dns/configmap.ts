/**
 * The cluster DNS side of a federation, as the classic recipe does it: the `default` namespace, and the
 * kube-dns ConfigMap's `federations` entry `<federation>=<domain>` in `kube-system`.
 *
 * Why read-modify-write with the resourceVersion and not server-side apply: `data.federations`
 * is ONE string that several federations share. Apply would make kfed the owner of the whole
 * string and, forced, overwrite a concurrent writer's entry; an optimistic-lock update merges
 * into what is there and retries when someone else wrote in between.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ConflictError, InvalidSpecError, TransientError } from '../../errors.js';
import type { PlanItem } from '../../types.js';
import { KubeClient } from '../client.js';
import { StaleObjectError } from '../errors.js';
import {
  FederationsFormatError,
  formatFederations,
  normalizeDomain,
  parseFederations,
  removeFederation,
  upsertFederation,
  validateEntry,
  type FederationEntry,
} from './federations.js';
import { kubeManagedLabels } from '../../../ownership.js';
import type { ConfigMapObject } from '../objects.js';
import { isOwned } from '../ownership.js';
import type { ObjectRef } from '../resources.js';

/** The ConfigMap kube-dns reads its federations from. */
export const kubeDnsConfigMap: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-dns' };

/** Attempts of a read-modify-write before giving up on a ConfigMap that keeps changing. */
const maxAttempts = 5;

/** What a DNS step did, and the federations value it left. */
export interface DnsConfigResult {
  readonly changed: boolean;
  /** `data.federations` afterwards ('' when absent). */
  readonly federations: string;
}

function parseExisting(client: KubeClient, cm: ConfigMapObject | undefined): FederationEntry[] {
  try {
    return parseFederations(cm?.data?.federations);
  } catch (err) {
    if (!(err instanceof FederationsFormatError)) throw err;
    // Never rewrite a value kfed cannot read: that could drop someone else's entries.
    throw new ConflictError(`the kube-dns ConfigMap on ${client.endpoint} has a federations value kfed cannot read: ${err.message}`, {
      resource: `${client.endpoint} kube-system/kube-dns`,
      hint: 'fix data.federations by hand (comma-separated name=domain pairs)',
    });
  }
}

/** Reads, changes and writes `data.federations`, retrying when the ConfigMap changed underneath. */
async function updateFederations(kc: KubeConfig, change: (entries: FederationEntry[]) => FederationEntry[]): Promise<DnsConfigResult> {
  const client = new KubeClient(kc);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const cm = await client.get<ConfigMapObject>(kubeDnsConfigMap);
    const before = parseExisting(client, cm);
    const value = formatFederations(change(before));
    if (value === formatFederations(before)) return { changed: false, federations: value };
    const data: Record<string, string> = { ...cm?.data, federations: value };
    if (!value) delete data.federations;
    try {
      // A ConfigMap kfed created and left empty goes, so a cluster that outlives the federation
      // keeps no trace of it; one that was there before keeps its other keys, or stays empty.
      if (cm && !value && isOwned(cm) && Object.keys(data).length === 0 && cm.metadata.resourceVersion) {
        await client.deleteIfUnchanged(kubeDnsConfigMap, cm.metadata.resourceVersion);
        return { changed: true, federations: value };
      }
      if (!cm) {
        const { name, namespace } = kubeDnsConfigMap;
        const created = await client.createIfAbsent({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: kubeManagedLabels }, data });
        if (!created) continue; // Someone created it just now: merge into theirs.
      } else {
        await client.replace({ ...cm, data });
      }
      return { changed: true, federations: value };
    } catch (err) {
      // Optimistic-lock conflict: read again and re-apply the change.
      if (err instanceof StaleObjectError && attempt < maxAttempts) continue;
      throw err;
    }
  }
  throw new TransientError(`the kube-dns ConfigMap on ${client.endpoint} kept changing during ${maxAttempts} attempts to update it`, {
    resource: `${client.endpoint} kube-system/kube-dns`,
  });
}

/**
 * Sets `<federation>=<domain>` (domain without its trailing dot) in the kube-dns ConfigMap,
 * creating the ConfigMap when the cluster has none. Other keys and other federations' entries
 * stay as they are, in their order.
 */
export async function applyDnsConfig(kc: KubeConfig, federation: string, domain: string): Promise<DnsConfigResult> {
  const entry = desiredEntry(federation, domain);
  return updateFederations(kc, (entries) => upsertFederation(entries, entry));
}

/** The entry for the federation, or InvalidSpecError (the spec's names are checked before any call). */
function desiredEntry(federation: string, domain: string): FederationEntry {
  try {
    return validateEntry({ name: federation, domain: normalizeDomain(domain) });
  } catch (err) {
    if (err instanceof FederationsFormatError) throw new InvalidSpecError(`cannot set kube-dns federation ${federation}=${domain}: ${err.message}`, { resource: 'kube-system/kube-dns' });
    throw err;
  }
}

/**
 * Read-only: what {@link applyDnsConfig} would do on one cluster, as the plan item
 * `kube-dns federations on <clusterName>`: `create` (no ConfigMap, or no entry for this
 * federation), `unchanged` (the entry is `<federation>=<domain without dot>`), `update` (the
 * entry names another domain; the reason names both), `conflict` (a value apply would refuse to
 * rewrite). Invalid names throw InvalidSpecError, as apply does.
 */
export async function planDnsConfig(kc: KubeConfig, federation: string, domain: string, clusterName: string): Promise<PlanItem> {
  const resource = `kube-dns federations on ${clusterName}`;
  const entry = desiredEntry(federation, domain);
  const wanted = formatFederations([entry]);
  const client = new KubeClient(kc);
  const cm = await client.get<ConfigMapObject>(kubeDnsConfigMap);
  if (!cm) return { resource, action: 'create', reason: `no ConfigMap kube-system/kube-dns: kfed creates it with federations ${wanted}` };
  let entries: FederationEntry[];
  try {
    entries = parseExisting(client, cm);
  } catch (err) {
    if (err instanceof ConflictError) return { resource, action: 'conflict', reason: err.message };
    throw err;
  }
  const current = entries.find((e) => e.name === entry.name);
  if (!current) return { resource, action: 'create', reason: `adds ${wanted} to data.federations${entries.length ? ' (the other entries stay)' : ''}` };
  if (current.domain === entry.domain) return { resource, action: 'unchanged', reason: `data.federations has ${wanted}` };
  return { resource, action: 'update', reason: `federation ${entry.name} points to ${current.domain}; kfed sets it to ${entry.domain}` };
}

/** Removes only this federation's entry (the key goes when it was the last one). */
export async function removeDnsConfig(kc: KubeConfig, federation: string): Promise<DnsConfigResult> {
  return updateFederations(kc, (entries) => removeFederation(entries, federation));
}

/**
 * Creates the `default` namespace when it is missing (the recipe's `kubectl create ns default`).
 * An existing one is left untouched, so kfed never claims a namespace it did not make.
 */
export async function ensureDefaultNamespace(kc: KubeConfig): Promise<{ readonly changed: boolean }> {
  const created = await new KubeClient(kc).createIfAbsent({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: kubeManagedLabels } });
  return { changed: created !== undefined };
}

/** The steps, and the read-only plan, with the shape the activities take (`ClusterDnsConfig`). */
export const kubeDnsConfig = { ensureDefaultNamespace, apply: applyDnsConfig, remove: removeDnsConfig, plan: planDnsConfig } as const;
