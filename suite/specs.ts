/** Federation specs for the benchmarks and the fault suite: N clusters, unique names per run. */
import { validateSpec } from '../src/spec/parse.js';
import type { FederationSpec } from '../src/spec/types.js';

const locations = ['us-west1-a', 'us-east1-b', 'europe-west1-b', 'asia-east1-a'];

export interface SpecOptions {
  readonly clusters: number;
  readonly onFailure?: 'keep' | 'teardown';
  /** @default '1s' (the default of project "local") */
  readonly pollInterval?: string;
}

/**
 * A federation `name` of `clusters` clusters named `<name>-c<i>` (the first is the host), spread
 * over a few locations, with its own zone `<name>` and domain `<name>.bench.example.`.
 */
export function federationSpec(name: string, options: SpecOptions): FederationSpec {
  const clusters = Array.from({ length: options.clusters }, (_, i) => ({
    name: `${name}-c${i + 1}`,
    context: `${name}-ctx${i + 1}`,
    location: locations[i % locations.length] ?? 'us-west1-a',
  }));
  return validateSpec(
    {
      apiVersion: 'kfed.dev/v1alpha1',
      kind: 'Federation',
      metadata: { name },
      spec: {
        project: 'local',
        dns: { zone: name, domain: `${name}.bench.example.` },
        host: clusters[0]?.name ?? '',
        clusters,
        onFailure: options.onFailure ?? 'keep',
        pollInterval: options.pollInterval ?? '1s',
      },
    },
    `spec ${name}`,
  );
}

/** Milliseconds of a spec duration (`1s`, `500ms`, `2m`, `1h`). */
export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}
