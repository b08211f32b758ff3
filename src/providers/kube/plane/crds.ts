/**
 * The KubeFed v0.10.0 CustomResourceDefinitions kfed installs (group `core.kubefed.io`).
 * The schemas follow the release's chart (charts/kubefed/charts/controllermanager/crds/crds.yaml
 * in kubernetes-sigs/kubefed) field for field — types, formats, required lists, subresources,
 * printer columns — without the long generated descriptions.
 *
 * Installed: what kfed reads and writes (KubeFedCluster, KubeFedConfig, FederatedTypeConfig) and
 * the two version-tracking kinds the controller-manager's sync controller needs at startup.
 */
import { kubeManagedLabels } from '../../../ownership.js';
import type { KubeObject } from '../resources.js';

type Schema = Readonly<Record<string, unknown>>;

const string: Schema = { type: 'string' };
const int64: Schema = { type: 'integer', format: 'int64' };
const dateTime: Schema = { type: 'string', format: 'date-time' };

function object(properties: Readonly<Record<string, Schema>>, required?: readonly string[]): Schema {
  return required ? { type: 'object', properties, required } : { type: 'object', properties };
}

function array(items: Schema): Schema {
  return { type: 'array', items };
}

/** The envelope every kind shares: apiVersion, kind, metadata, then its own fields. */
function root(properties: Readonly<Record<string, Schema>>, required?: readonly string[]): Schema {
  return object({ apiVersion: string, kind: string, metadata: { type: 'object' }, ...properties }, required);
}

/** FederatedTypeConfig's description of an API resource. */
const apiResource = object({ group: string, kind: string, pluralName: string, scope: string, version: string }, [
  'kind',
  'pluralName',
  'scope',
  'version',
]);

const propagatedVersionStatus = object(
  {
    clusterVersions: array(object({ clusterName: string, version: string }, ['clusterName', 'version'])),
    overridesVersion: string,
    templateVersion: string,
  },
  ['overridesVersion', 'templateVersion'],
);

interface CrdInput {
  readonly plural: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly version: string;
  readonly schema: Schema;
  readonly status?: boolean;
  readonly shortNames?: readonly string[];
  readonly printerColumns?: readonly Schema[];
}

const group = 'core.kubefed.io';

function crd(input: CrdInput): KubeObject {
  const version: Record<string, unknown> = { name: input.version, served: true, storage: true, schema: { openAPIV3Schema: input.schema } };
  if (input.status) version.subresources = { status: {} };
  if (input.printerColumns) version.additionalPrinterColumns = input.printerColumns;
  const names: Record<string, unknown> = {
    kind: input.kind,
    listKind: `${input.kind}List`,
    plural: input.plural,
    singular: input.kind.toLowerCase(),
  };
  if (input.shortNames) names.shortNames = input.shortNames;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${input.plural}.${group}`, labels: kubeManagedLabels },
    spec: { group, names, scope: input.scope, versions: [version] },
  };
}

const kubeFedCluster = crd({
  plural: 'kubefedclusters',
  kind: 'KubeFedCluster',
  scope: 'Namespaced',
  version: 'v1beta1',
  status: true,
  printerColumns: [
    { jsonPath: '.metadata.creationTimestamp', name: 'age', type: 'date' },
    { jsonPath: ".status.conditions[?(@.type=='Ready')].status", name: 'ready', type: 'string' },
  ],
  schema: root(
    {
      spec: object(
        {
          apiEndpoint: string,
          caBundle: { type: 'string', format: 'byte' },
          disabledTLSValidations: array(string),
          proxyURL: string,
          secretRef: object({ name: string }, ['name']),
        },
        ['apiEndpoint', 'secretRef'],
      ),
      status: object(
        {
          conditions: array(
            object(
              { lastProbeTime: dateTime, lastTransitionTime: dateTime, message: string, reason: string, status: string, type: string },
              ['lastProbeTime', 'status', 'type'],
            ),
          ),
          region: string,
          zones: array(string),
        },
        ['conditions'],
      ),
    },
    ['spec'],
  ),
});

const kubeFedConfig = crd({
  plural: 'kubefedconfigs',
  kind: 'KubeFedConfig',
  scope: 'Namespaced',
  version: 'v1beta1',
  schema: root(
    {
      spec: object(
        {
          clusterHealthCheck: object({ failureThreshold: int64, period: string, successThreshold: int64, timeout: string }),
          controllerDuration: object({ availableDelay: string, unavailableDelay: string }),
          featureGates: array(object({ configuration: string, name: string }, ['configuration', 'name'])),
          leaderElect: object({ leaseDuration: string, renewDeadline: string, resourceLock: string, retryPeriod: string }),
          scope: string,
          syncController: object({ adoptResources: string }),
        },
        ['scope'],
      ),
    },
    ['spec'],
  ),
});

const federatedTypeConfig = crd({
  plural: 'federatedtypeconfigs',
  kind: 'FederatedTypeConfig',
  scope: 'Namespaced',
  version: 'v1beta1',
  status: true,
  shortNames: ['ftc'],
  schema: root(
    {
      spec: object(
        { federatedType: apiResource, propagation: string, statusCollection: string, statusType: apiResource, targetType: apiResource },
        ['federatedType', 'propagation', 'targetType'],
      ),
      status: object({ observedGeneration: int64, propagationController: string, statusController: string }, [
        'observedGeneration',
        'propagationController',
      ]),
    },
    ['spec'],
  ),
});

const propagatedVersion = crd({
  plural: 'propagatedversions',
  kind: 'PropagatedVersion',
  scope: 'Namespaced',
  version: 'v1alpha1',
  status: true,
  schema: root({ status: propagatedVersionStatus }),
});

const clusterPropagatedVersion = crd({
  plural: 'clusterpropagatedversions',
  kind: 'ClusterPropagatedVersion',
  scope: 'Cluster',
  version: 'v1alpha1',
  status: true,
  schema: root({ status: propagatedVersionStatus }),
});

/** The CRDs, in install order. */
export const kubeFedCrds: readonly KubeObject[] = [kubeFedCluster, kubeFedConfig, federatedTypeConfig, propagatedVersion, clusterPropagatedVersion];
