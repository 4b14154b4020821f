// A draft run from the editor: the analyst opens the run dialog (prefilled with
// what the preview uses), runs the demo graph, watches the run page light every
// node of the graph as the run's events arrive, and finds the run in the
// history. A run for a date without data says so instead of a silent success.
import { test, expect } from '@playwright/test';
import { Server, ANALYST } from './server';
import { login } from './helpers';

const server = new Server(18472);
const GRAPH = 'daily_branch_summary';

test.beforeAll(async () => {
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

test('run the demo graph: the run page lights every node, the history lists the run', async ({ page }) => {
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.locator(`[data-testid="graph-item"][data-name="${GRAPH}"]`).click();
  await expect(page.locator('[data-testid^="node-"][data-kind]').first()).toBeVisible();
  const nodeIds = await page.locator('[data-testid^="node-"][data-kind]').evaluateAll((els) =>
    els.map((e) => (e as HTMLElement).dataset.testid!.slice('node-'.length)));
  expect(nodeIds.length).toBeGreaterThan(0);

  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-dialog')).toBeVisible();
  await expect(page.getByTestId('run-param-biz_date')).toHaveValue('2026-11-24');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-page')).toBeVisible();
  await expect(page).toHaveURL(/#\/runs\/[^/]+$/);
  await expect(page.getByTestId('run-params')).toHaveText('biz_date = 2026-11-24');
  const runId = page.url().split('#/runs/')[1];

  // The picture shows every node of the graph, each with a live state.
  const pictured = page.locator('[data-testid^="run-graph-node-"]');
  await expect(pictured).toHaveCount(nodeIds.length);
  for (const id of nodeIds) {
    const node = page.getByTestId(`run-graph-node-${id}`);
    await expect(node).toHaveAttribute('data-status', /^(pending|running|succeeded)$/);
  }
  for (const id of nodeIds) {
    const node = page.getByTestId(`run-graph-node-${id}`);
    await expect(node).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
    await expect(node).toHaveClass(/\brun-succeeded\b/);
  }
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');

  // The table says the same, node by node.
  const rows = page.getByTestId('run-node');
  await expect(rows).toHaveCount(nodeIds.length);
  for (const id of nodeIds) {
    await expect(page.locator(`[data-testid="run-node"][data-node="${id}"]`)).toHaveAttribute('data-status', 'succeeded');
  }
  // Every node shows its rows under the card; sinks their rows out.
  const captions = page.locator('[data-testid^="run-graph-rows-"]');
  await expect(captions).toHaveCount(nodeIds.length);
  await expect(page.getByTestId('run-graph-rows-summary_csv')).toHaveText(/^\d+ rows out$/);
  await expect(page.getByTestId('run-graph-rows-transactions')).toHaveText(/^\d+ rows$/);

  // The history lists the run as succeeded.
  await page.getByTestId('nav-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-id="${runId}"]`);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'succeeded');
  await expect(row).toContainText('succeeded');
});

test('the run dialog checks its values, and a run that wrote nothing says so', async ({ page }) => {
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.locator(`[data-testid="graph-item"][data-name="${GRAPH}"]`).click();
  await page.getByTestId('run').click();
  const date = page.getByTestId('run-param-biz_date');
  await date.fill('2026-13-01');
  await expect(page.getByTestId('run-dialog')).toContainText('is not a date');
  await expect(page.getByTestId('run-start')).toBeDisabled();
  await date.fill('2020-01-01');
  await expect(page.getByTestId('run-start')).toBeEnabled();
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('run-params')).toHaveText('biz_date = 2020-01-01');
  await expect(page.getByTestId('run-warning')).toContainText('summary_csv');
});
