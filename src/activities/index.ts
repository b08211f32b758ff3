/**
 * The activities: thin, one side effect each, idempotent ("ensure" verbs). They receive only
 * plain, secret-free data; credentials are resolved through the injected providers at run time.
 */
import { cloudActivities } from './cloud.js';
import type { ActivityDeps } from './deps.js';
import { kubeActivities } from './kube.js';
import { planActivities } from './plans.js';
import { serviceDnsActivities } from './service-dns.js';

export type { ActivityDeps, ClusterDnsConfig, ExistingClusters } from './deps.js';
export type { ClusterAccess } from './cluster-access.js';

/** Every activity a kfed worker registers, built on `deps` (the worker picks Google or the emulator). */
export function createActivities(deps: ActivityDeps) {
  return { ...cloudActivities(deps), ...kubeActivities(deps), ...planActivities(deps), ...serviceDnsActivities(deps) };
}

/** The activity interface workflows import (as a type only). */
export type Activities = ReturnType<typeof createActivities>;
