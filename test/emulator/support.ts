import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { onExitCleanup } from '../../src/local/child-registry.js';
import { startEmulator, type CallLogEntry, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { gcpFromEnv, type GcpProviders } from '../../src/providers/gcp/index.js';
import { scratchDir } from '../support/substrate.js';

/** An emulator in a scratch directory plus the providers built from its environment variables. */
export interface TestCloud {
  readonly emulator: Emulator;
  readonly gcp: GcpProviders;
  readonly dir: string;
  /** Restarts the emulator on the same state directory and ports (a crashed-and-back cloud). */
  restart(options?: Partial<EmulatorOptions>): Promise<void>;
  /** Deletes every backing cluster, stops the emulator and removes the directory. */
  destroy(): Promise<void>;
}

/**
 * Starts an emulator for a test file. Product code is reached only through configuration:
 * the providers come from `gcpFromEnv` with the emulator's KFED_* variables.
 */
export async function startTestCloud(options: Partial<EmulatorOptions> = {}): Promise<TestCloud> {
  const dir = scratchDir('emulator');
  // Backing clusters outlive the emulator by design; if this test process dies before
  // destroy(), delete them on exit anyway.
  const kwokctl = options.toolchain?.kwokctl;
  const removeExitHook = onExitCleanup(() => {
    const clusters = join(dir.path, 'kwok', 'clusters');
    if (!kwokctl || !existsSync(clusters)) return;
    for (const name of readdirSync(clusters)) {
      spawnSync(kwokctl, ['delete', 'cluster', '--name', name], { env: { ...process.env, KWOK_WORKDIR: join(dir.path, 'kwok') }, stdio: 'ignore' });
    }
  });
  let emulator = await startEmulator({ stateDir: dir.path, provisioningDelayMs: 1000, deletionDelayMs: 300, ...options });
  let gcp = gcpFromEnv({ ...process.env, ...emulator.env });
  const cloud: TestCloud = {
    get emulator() {
      return emulator;
    },
    get gcp() {
      return gcp;
    },
    dir: dir.path,
    async restart(more = {}) {
      const ports = { restPort: Number(new URL(emulator.dnsEndpoint).port), grpcPort: Number(new URL(emulator.gkeEndpoint).port) };
      await emulator.stop();
      emulator = await startEmulator({ stateDir: dir.path, provisioningDelayMs: 1000, deletionDelayMs: 300, ...options, ...ports, ...more });
      // Same endpoints: the old providers would keep working; new ones prove the env is the same.
      await gcp.close();
      gcp = gcpFromEnv({ ...process.env, ...emulator.env });
    },
    async destroy() {
      await gcp.close();
      await emulator.destroy();
      removeExitHook();
      dir.remove();
    },
  };
  return cloud;
}

/** Calls that really made something: successful and not replayed for a repeated idempotency key. */
export function successful(calls: readonly CallLogEntry[], method: string, resource?: string): CallLogEntry[] {
  return calls.filter((c) => c.method === method && c.result === 'ok' && !c.replayed && (!resource || c.resource.includes(resource)));
}

/** Polls `check` until it returns a value (not undefined). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A Kubernetes client config holding only an endpoint, a base64 CA and a bearer token (the GKE path). */
export function tokenKubeConfig(endpoint: string, caBase64: string, token: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'gke', server: endpoint, caData: caBase64 }],
    users: [{ name: 'google', token }],
    contexts: [{ name: 'gke', cluster: 'gke', user: 'google' }],
    currentContext: 'gke',
  });
  return kc;
}

/** Runs `f` and returns what it threw (fails the test when it does not throw). */
export async function thrown(f: () => Promise<unknown>): Promise<Error> {
  try {
    await f();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`threw a non-Error: ${String(err)}`, { cause: err });
  }
  throw new Error('expected an error, but the call succeeded');
}
