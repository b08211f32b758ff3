import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';

/**
 * The browser the UI test drives: the Debian package's launcher, or `KFED_CHROMIUM_BINARY`.
 * playwright-core never downloads a browser (the machines have no internet besides package
 * registries), so this binary is the only one used.
 * @default '/usr/bin/chromium'
 */
export const chromiumPath = process.env.KFED_CHROMIUM_BINARY ?? '/usr/bin/chromium';

/**
 * Flags for a quiet, offline, sandbox-free headless run (CI runs as root, where Chromium's
 * sandbox cannot start). Playwright adds `--user-data-dir` for the fresh profile itself.
 */
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
] as const;

/** Thrown when {@link chromiumPath} is missing; says how to install it. */
export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
  constructor(readonly path: string) {
    super(
      `Chromium is not installed (no ${path}), and the Temporal UI test needs it. ` +
        'Install the Debian package: `apt-get update && apt-get install -y chromium` (as root; .ci/run does this), ' +
        'or point KFED_CHROMIUM_BINARY at a Chromium binary.',
    );
  }
}

/** Throws {@link ChromiumMissingError} unless the browser binary exists. */
export function assertChromiumInstalled(path = chromiumPath): void {
  if (!existsSync(path)) throw new ChromiumMissingError(path);
}

export interface HeadlessChromium {
  readonly page: Page;
  /** Closes the browser (Playwright kills its whole process group) and removes the profile. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile in a temporary directory. */
export async function launchChromium(options: { viewport: { width: number; height: number } }): Promise<HeadlessChromium> {
  assertChromiumInstalled();
  const profile = mkdtempSync(join(tmpdir(), 'kfed-chromium-'));
  const removeProfile = (): void => {
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    // A persistent context is how Playwright takes a user data dir (it rejects `--user-data-dir` in args).
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumFlags],
      viewport: options.viewport,
      timeout: 30_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    page.setDefaultNavigationTimeout(30_000);
    return {
      page,
      async close() {
        try {
          await context.close();
        } finally {
          removeProfile();
        }
      },
    };
  } catch (err) {
    removeProfile();
    throw err;
  }
}

/** Waits until `locator` is visible; the error names what the page failed to show. */
export async function expectVisible(locator: Locator, what: string, timeout = 30_000): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (err) {
    throw new Error(`the Temporal UI does not show ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** True when both elements sit on one line of the page (their vertical centres overlap the other's box). */
export async function onSameRow(a: Locator, b: Locator): Promise<boolean> {
  const [boxA, boxB] = await Promise.all([a.boundingBox(), b.boundingBox()]);
  if (!boxA || !boxB) return false;
  const centreA = boxA.y + boxA.height / 2;
  const centreB = boxB.y + boxB.height / 2;
  return centreA >= boxB.y && centreA <= boxB.y + boxB.height && centreB >= boxA.y && centreB <= boxA.y + boxA.height;
}
