import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workerEnvVars } from '../../src/worker-env.js';

interface Compose {
  services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; ports?: string[]; depends_on?: unknown }>;
}

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as Compose;

// No Docker engine on the project's machines: the compose file is checked statically.
describe('docker-compose.yml', () => {
  it('runs Temporal on PostgreSQL with the UI, admin tools and a kfed worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['kfed-worker', 'postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui']);
    expect(compose.services.temporal?.environment?.DB).toBe('postgres12');
    expect(compose.services.temporal?.ports).toContain('127.0.0.1:7233:7233');
    expect(compose.services['temporal-ui']?.ports).toContain('127.0.0.1:8080:8080');
    expect(compose.services['kfed-worker']?.build).toBe('.');
  });

  it('publishes every port on loopback only: the dev Temporal and its UI have no authentication', () => {
    const published = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it("sets exactly the worker's environment variables, no more and no fewer", () => {
    const names = Object.keys(compose.services['kfed-worker']?.environment ?? {}).sort();
    expect(names).toEqual(Object.keys(workerEnvVars).sort());
  });

  it('points the worker at the compose Temporal service and the prebuilt bundle the Dockerfile makes', () => {
    const env = compose.services['kfed-worker']?.environment ?? {};
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toContain(`scripts/build-workflow-bundle.ts ${env.KFED_WORKFLOW_BUNDLE ?? 'missing'}`);
    expect(dockerfile).toMatch(/CMD \["node", "--import", "tsx", "src\/worker\.ts"\]/);
  });
});
