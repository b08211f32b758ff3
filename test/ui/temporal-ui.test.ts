/**
 * The Temporal UI shows a finished kfed run: headless Chromium (the Debian package, driven by
 * playwright-core) opens the dev server's own web UI after a real `kfed up` on the emulator.
 * Screenshots go to test-results/ui/.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workflowIds } from '../../src/contract.js';
import { parseSpec } from '../../src/spec/parse.js';
import { federateSteps } from '../../src/workflows/progress.js';
import { projectRoot, startHarness, stopHarness, type Harness } from '../support/harness.js';
import { assertChromiumInstalled, ChromiumMissingError, expectVisible, launchChromium, onSameRow, type HeadlessChromium } from './chromium.js';

const exampleSpecFile = join(projectRoot, 'examples', 'federation.yaml');
const spec = parseSpec(readFileSync(exampleSpecFile, 'utf8'), exampleSpecFile);
const screenshotDir = join(projectRoot, 'test-results', 'ui');
const parentId = workflowIds.federation(spec.name);

type Tab = 'history' | 'relationships' | 'user-metadata';

interface Run {
  readonly workflowId: string;
  readonly runId: string;
}

describe('Temporal UI of a finished kfed run, in headless Chromium', () => {
  let h: Harness | undefined;
  let browser: HeadlessChromium | undefined;
  /** Set when Chromium is missing: every test then fails with how to install it. */
  let missingBrowser: ChromiumMissingError | undefined;
  let ui = '';
  let namespace = '';
  let parent: Run;
  /** The provisionCluster child of each cluster, by cluster name. */
  const children = new Map<string, Run>();

  const page = (): Page => {
    if (missingBrowser) throw missingBrowser;
    if (!browser) throw new Error('the browser did not start (see the beforeAll error)');
    return browser.page;
  };
  /** The UI's route for one run (and tab), e.g. `/namespaces/default/workflows/kfed%2Fkfed/<run>/history`. */
  const runPath = (run: Run, tab?: Tab): string => `/namespaces/${namespace}/workflows/${encodeURIComponent(run.workflowId)}/${run.runId}${tab ? `/${tab}` : ''}`;
  const runUrl = (run: Run, tab?: Tab): string => `${ui}${runPath(run, tab)}`;
  /**
   * Shows a tab of a run: by clicking the tab when that run is already open (the UI routes in the
   * page, which is much faster than loading the app again), else by loading its URL.
   */
  const openRun = async (run: Run, tab: Tab): Promise<void> => {
    const p = page();
    const url = runUrl(run, tab);
    if (p.url().startsWith(`${runUrl(run)}/`)) {
      await p.getByTestId(`${tab}-tab`).click();
      await p.waitForURL(url);
    } else {
      await p.goto(url);
    }
  };
  const screenshot = async (name: string): Promise<void> => {
    await page().screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    // Before any server starts: a missing browser is a setup problem with a one-line fix. Each
    // test fails with it (a failing hook alone would mark the tests skipped).
    try {
      assertChromiumInstalled();
    } catch (err) {
      if (!(err instanceof ChromiumMissingError)) throw err;
      missingBrowser = err;
      return;
    }
    rmSync(screenshotDir, { recursive: true, force: true });
    mkdirSync(screenshotDir, { recursive: true });

    h = await startHarness();
    // NOTE: the worker stays up: the UI reads current details with a query, which a worker answers.
    await h.startWorker();
    const up = await h.cli(['up', '-f', exampleSpecFile, '--wait']);
    expect(up.code, `kfed up failed:\n${up.stdout}\n${up.stderr}`).toBe(0);

    const describeRun = async (workflowId: string): Promise<Run> => {
      const d = await h?.client.workflow.getHandle(workflowId).describe();
      if (d?.status.name !== 'COMPLETED') throw new Error(`${workflowId} is ${d?.status.name ?? 'missing'}, expected COMPLETED`);
      return { workflowId, runId: d.runId };
    };
    parent = await describeRun(parentId);
    for (const c of spec.clusters) children.set(c.name, await describeRun(workflowIds.cluster(spec.name, c.name)));

    ui = h.temporal.uiUrl;
    namespace = h.temporal.namespace;
    browser = await launchChromium({ viewport: { width: 1440, height: 1300 } });
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await stopHarness(h);
    }
  });

  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      if (browser) await screenshot(`failed-${task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => undefined);
    });
  });

  it('shows the federate run: workflow id, type and run id, with Completed beside the id', async () => {
    const p = page();
    await openRun(parent, 'history');

    const heading = p.getByTestId('workflow-id-heading');
    await expectVisible(heading, 'the workflow id heading');
    expect(await heading.innerText()).toMatch(startsWithWord(parentId));
    // The status badge is the nearest "Completed" before the heading, on the same line.
    const status = heading.locator('xpath=preceding::span[normalize-space()="Completed"][1]');
    await expectVisible(status, 'the Completed status of the run');
    expect(await onSameRow(status, heading)).toBe(true);

    const type = p.getByRole('link', { name: 'federate', exact: true });
    await expectVisible(type, 'the workflow type federate');
    expect(await type.getAttribute('href')).toContain(encodeURIComponent('WorkflowType="federate"'));
    await expectVisible(p.getByText(parent.runId, { exact: true }), 'the run id');
    // One provisionCluster child per cluster, and the service DNS sync federate starts last.
    expect(await p.getByTestId('relationships-tab').innerText()).toMatch(new RegExp(`Relationships\\s*${spec.clusters.length + 1}`));
    await screenshot('federate-history');
  });

  it('lists one provisionCluster child per cluster under Relationships, each Completed and linked to its run', async () => {
    const p = page();
    await openRun(parent, 'relationships');

    await expectVisible(p.getByRole('link', { name: parentId, exact: true }), 'the parent in the relationship tree');
    for (const [cluster, child] of children) {
      const link = p.getByRole('link', { name: child.workflowId, exact: true });
      await expectVisible(link, `the child workflow of ${cluster}`);
      expect(await link.getAttribute('href')).toBe(runPath(child, 'history'));
      // The row of the link: the nearest ancestor that also holds the child's workflow type.
      const row = link.locator('xpath=ancestor::div[.//p[normalize-space()="provisionCluster"]][1]');
      await expectVisible(row.getByText('provisionCluster', { exact: true }), `the type of the ${cluster} child`);
      await expectVisible(row.getByText('Completed', { exact: true }), `the Completed status of the ${cluster} child`);
      expect(await row.getByRole('link').count()).toBe(1);
    }
    await screenshot('federate-relationships');
  });

  it('renders the current-details tables that federate publishes, every step Succeeded and every cluster Ready', async () => {
    const p = page();
    await openRun(parent, 'user-metadata');

    // Child starts carry their staticSummary into "Events with Metadata".
    for (const c of spec.clusters) {
      await expectCompletedEvent(p, 'Child Workflow', `create cluster ${c.name} in ${c.location}`);
    }

    const details = currentDetails(p);
    const westTitle = `create cluster west-cluster in us-west1-a`;
    await expectVisible(details.getByRole('cell', { name: westTitle, exact: true }), `"${westTitle}" in the current details`);
    await expectVisible(details.getByText(`federate ${spec.name}: Succeeded (federate complete)`), 'the outcome line of the current details');

    const [stepTable, clusterTable] = [details.locator('table').nth(0), details.locator('table').nth(1)];
    expect(await headerCells(stepTable)).toEqual(['step', 'state', 'time', 'note']);
    const steps = await bodyRows(stepTable);
    expect(steps.map((r) => r[0])).toEqual(federateSteps(spec).map((s) => s.title));
    expect(steps.map((r) => r[1])).toEqual(steps.map(() => 'Succeeded'));
    for (const r of steps) expect(r[2]).toMatch(/^\d+(\.\d)?s$/);
    expect(steps.find((r) => r[0] === westTitle)?.[3]).toMatch(/^created, RUNNING at https:\/\/127\.0\.0\.1:\d+$/);

    expect(await headerCells(clusterTable)).toEqual(['cluster', 'context', 'location', 'status']);
    expect(await bodyRows(clusterTable)).toEqual(spec.clusters.map((c) => [c.name, c.context, c.location, 'Ready']));
    await screenshot('federate-current-details');
    // MAINTENANCE: the UI sizes this iframe to its body without the body's margin, so the last
    // row can sit just below the fold; scroll it in for an image of the whole table.
    await clusterTable.locator('tr').last().scrollIntoViewIfNeeded();
    await clusterTable.screenshot({ path: join(screenshotDir, 'federate-current-details-clusters.png') });
  });

  it('opens each cluster\'s child run from the parent and shows its activities and details', async () => {
    const p = page();
    for (const c of spec.clusters) {
      const child = children.get(c.name);
      if (!child) throw new Error(`no child run recorded for ${c.name}`);
      await openRun(parent, 'relationships');
      await p.getByRole('link', { name: child.workflowId, exact: true }).click();
      await p.waitForURL(`**/workflows/${encodeURIComponent(child.workflowId)}/${child.runId}/history`);

      const heading = p.getByTestId('workflow-id-heading');
      await expectVisible(heading, `the heading of ${child.workflowId}`);
      expect(await heading.innerText()).toMatch(startsWithWord(child.workflowId));
      const status = heading.locator('xpath=preceding::span[normalize-space()="Completed"][1]');
      await expectVisible(status, `the Completed status of ${child.workflowId}`);
      expect(await onSameRow(status, heading)).toBe(true);
      await expectVisible(p.getByRole('link', { name: 'provisionCluster', exact: true }), 'the workflow type provisionCluster');
      const toParent = p.getByRole('link', { name: parentId, exact: true });
      await expectVisible(toParent, 'the link to the parent workflow');
      expect(await toParent.getAttribute('href')).toContain(runPath(parent));

      await openRun(child, 'user-metadata');
      await expectCompletedEvent(p, 'Activity', `create cluster ${c.name} in ${c.location}`);
      await expectVisible(currentDetails(p).getByText(new RegExp(`: RUNNING at https://127\\.0\\.0\\.1:\\d+`)), `the current details of ${c.name}`);
      await screenshot(`cluster-${c.name}-user-metadata`);
      await toParent.click();
      await p.waitForURL(`**/workflows/${encodeURIComponent(parent.workflowId)}/${parent.runId}/*`);
    }
  });
});

/**
 * Expects a row of "Events with Metadata" (User Metadata tab): the event's kind, its summary and
 * a Completed badge, in one row that holds no other event.
 */
async function expectCompletedEvent(page: Page, kind: 'Activity' | 'Child Workflow', summary: string): Promise<void> {
  const label = page.getByText(summary, { exact: true });
  await expectVisible(label, `the ${kind.toLowerCase()} event "${summary}"`);
  const row = label.locator(`xpath=ancestor::div[.//p[normalize-space()="${kind}"]][.//span[normalize-space()="Completed"]][1]`);
  await expectVisible(row.getByText('Completed', { exact: true }), `the Completed status of "${summary}"`);
  expect(await row.locator('xpath=.//p[normalize-space()="Activity" or normalize-space()="Child Workflow"]').count()).toBe(1);
}

/** Matches text that starts with `word` followed by whitespace or nothing (the heading also holds a hidden "copy" label). */
function startsWithWord(word: string): RegExp {
  return new RegExp(`^${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
}

/** The iframe in which the UI renders a run's current details (Markdown, via its `/render` route). */
function currentDetails(page: Page): FrameLocator {
  return page.locator('xpath=//h3[normalize-space()="Current Details"]/ancestor::div[.//iframe][1]//iframe').contentFrame();
}

function headerCells(table: Locator): Promise<string[]> {
  return table.locator('thead th').allInnerTexts().then((cells) => cells.map((c) => c.trim()));
}

async function bodyRows(table: Locator): Promise<string[][]> {
  const rows = await table.locator('tbody tr').all();
  return Promise.all(rows.map(async (row) => (await row.locator('td').allInnerTexts()).map((cell) => cell.trim())));
}
