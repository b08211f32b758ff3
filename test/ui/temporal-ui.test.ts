/**
 * The Temporal UI shows a finished kfed run: headless Chromium (the Debian package, driven by
 * playwright-core) opens the dev server's own web UI after a real `kfed up` on the emulator.
 * Screenshots go to test-results/ui/.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workflowIds } from '../../src/shared.js';
import { parseSpec } from '../../src/spec/parse.js';
import { federateSteps } from '../../src/workflows/progress.js';
import { projectRoot, startHarness, type Harness } from '../support/harness.js';
import { assertChromiumInstalled, expectVisible, launchChromium, onSameRow, type HeadlessChromium } from './chromium.js';

const seedFile = join(projectRoot, 'examples', 'federation.yaml');
const spec = parseSpec(readFileSync(seedFile, 'utf8'), seedFile);
const screenshotDir = join(projectRoot, 'test-results', 'ui');
const parentId = workflowIds.federation(spec.name);

interface Run {
  readonly workflowId: string;
  readonly runId: string;
}

describe('Temporal UI of a finished kfed run, in headless Chromium', () => {
  let h: Harness | undefined;
  let browser: HeadlessChromium | undefined;
  let ui = '';
  let parent: Run;
  /** The provisionCluster child of each cluster, by cluster name. */
  const children = new Map<string, Run>();

  const page = (): Page => {
    if (!browser) throw new Error('the browser did not start (see the beforeAll error)');
    return browser.page;
  };
  /** The UI's route for one run and tab, e.g. `/namespaces/default/workflows/kfed-kfed/<run>/history`. */
  const runUrl = (run: Run, tab: 'history' | 'relationships' | 'user-metadata'): string =>
    `${ui}/namespaces/${encodeURIComponent(h?.temporal.namespace ?? 'default')}/workflows/${encodeURIComponent(run.workflowId)}/${run.runId}/${tab}`;
  const screenshot = async (name: string): Promise<void> => {
    await page().screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    // Before any server starts: a missing browser is a setup problem with a one-line fix.
    assertChromiumInstalled();
    rmSync(screenshotDir, { recursive: true, force: true });
    mkdirSync(screenshotDir, { recursive: true });

    h = await startHarness();
    // NOTE: the worker stays up: the UI reads current details with a query, which a worker answers.
    await h.startWorker();
    const up = await h.cli(['up', '-f', seedFile, '--wait']);
    expect(up.code, `kfed up failed:\n${up.stdout}\n${up.stderr}`).toBe(0);

    const describeRun = async (workflowId: string): Promise<Run> => {
      const d = await h?.client.workflow.getHandle(workflowId).describe();
      if (d?.status.name !== 'COMPLETED') throw new Error(`${workflowId} is ${d?.status.name ?? 'missing'}, expected COMPLETED`);
      return { workflowId, runId: d.runId };
    };
    parent = await describeRun(parentId);
    for (const c of spec.clusters) children.set(c.name, await describeRun(workflowIds.cluster(spec.name, c.name)));

    ui = h.temporal.uiUrl;
    browser = await launchChromium({ viewport: { width: 1440, height: 1300 } });
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await h?.stop();
    }
  });

  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      if (browser) await screenshot(`failed-${task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => undefined);
    });
  });

  it('shows the federate run: workflow id, type and run id, with Completed beside the id', async () => {
    const p = page();
    await p.goto(runUrl(parent, 'history'));

    const heading = p.getByTestId('workflow-id-heading');
    await expectVisible(heading, 'the workflow id heading');
    expect(await heading.innerText()).toMatch(new RegExp(`^${parentId}\\b`));
    // The status badge is the nearest "Completed" before the heading, on the same line.
    const status = heading.locator('xpath=preceding::span[normalize-space()="Completed"][1]');
    await expectVisible(status, 'the Completed status of the run');
    expect(await onSameRow(status, heading)).toBe(true);

    const type = p.getByRole('link', { name: 'federate', exact: true });
    await expectVisible(type, 'the workflow type federate');
    expect(await type.getAttribute('href')).toContain(encodeURIComponent('WorkflowType="federate"'));
    await expectVisible(p.getByText(parent.runId, { exact: true }), 'the run id');
    expect(await p.getByTestId('relationships-tab').innerText()).toMatch(/Relationships\s*2/);
    await screenshot('federate-history');
  });

  it('lists one provisionCluster child per cluster under Relationships, each Completed and linked to its run', async () => {
    const p = page();
    await p.goto(runUrl(parent, 'relationships'));

    await expectVisible(p.getByRole('link', { name: parentId, exact: true }), 'the parent in the relationship tree');
    for (const [cluster, child] of children) {
      const link = p.getByRole('link', { name: child.workflowId, exact: true });
      await expectVisible(link, `the child workflow of ${cluster}`);
      expect(await link.getAttribute('href')).toBe(`/namespaces/default/workflows/${child.workflowId}/${child.runId}/history`);
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
    await p.goto(runUrl(parent, 'user-metadata'));

    // Child starts carry their staticSummary into "Events with Metadata".
    for (const c of spec.clusters) {
      const event = p.getByText(`cluster ${c.name} in ${c.location}`, { exact: true });
      await expectVisible(event, `the child workflow event of ${c.name}`);
      const row = event.locator('xpath=ancestor::div[.//p[normalize-space()="Child Workflow"]][1]');
      await expectVisible(row.getByText('Completed', { exact: true }), `the Completed child event of ${c.name}`);
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
      await p.goto(runUrl(parent, 'relationships'));
      await p.getByRole('link', { name: child.workflowId, exact: true }).click();
      await p.waitForURL(`**/workflows/${child.workflowId}/${child.runId}/history`);

      const heading = p.getByTestId('workflow-id-heading');
      await expectVisible(heading, `the heading of ${child.workflowId}`);
      expect(await heading.innerText()).toMatch(new RegExp(`^${child.workflowId}\\b`));
      const status = heading.locator('xpath=preceding::span[normalize-space()="Completed"][1]');
      await expectVisible(status, `the Completed status of ${child.workflowId}`);
      expect(await onSameRow(status, heading)).toBe(true);
      await expectVisible(p.getByRole('link', { name: 'provisionCluster', exact: true }), 'the workflow type provisionCluster');
      await expectVisible(p.getByRole('link', { name: parentId, exact: true }), 'the link to the parent workflow');

      await p.getByTestId('user-metadata-tab').click();
      await p.waitForURL(`**/workflows/${child.workflowId}/${child.runId}/user-metadata`);
      const create = p.getByText(`create cluster ${c.name} in ${c.location}`, { exact: true });
      await expectVisible(create, `the create-cluster activity of ${c.name}`);
      const row = create.locator('xpath=ancestor::div[.//p[normalize-space()="Activity"]][1]');
      await expectVisible(row.getByText('Completed', { exact: true }), `the Completed create-cluster activity of ${c.name}`);
      await expectVisible(currentDetails(p).getByText(new RegExp(`: RUNNING at https://127\\.0\\.0\\.1:\\d+`)), `the current details of ${c.name}`);
      await screenshot(`cluster-${c.name}-user-metadata`);
    }
  });
});

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
