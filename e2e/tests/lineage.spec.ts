// Column lineage in the editor, in real Chromium against a real `sluice serve`:
// click a column in the preview header of a sink (a CSV file, a demo report)
// and the path its values take lights up, back to the right source column;
// "View as SQL" shows each sink's statement; the data-flow page draws the library.
import { test, expect, Page } from '@playwright/test';
import { Server, ANALYST } from './server';
import { apiAs, login, select } from './helpers';

const server = new Server(18447);
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

async function openDemo(page: Page, graph = 'daily_branch_summary', sink = 'summary_csv') {
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.locator(`[data-testid="graph-item"][data-name="${graph}"]`).click();
  await expect(page.getByTestId('canvas')).toBeVisible();
  await expect(page.getByTestId(`node-${sink}`)).toBeVisible();
  // The editor opens no smaller than 75 %: zoom out until the sink is in view.
  const inView = async () => {
    const [c, n] = [await page.getByTestId('canvas').boundingBox(), await page.getByTestId(`node-${sink}`).boundingBox()];
    return !!c && !!n && n.x + n.width <= c.x + c.width && n.x >= c.x;
  };
  for (let k = 0; k < 8 && !(await inView()); k++) await page.getByTestId('zoom-out').click();
  expect(await inView()).toBe(true);
}

const header = (page: Page, column: string) =>
  page.locator(`[data-testid="preview-column"][data-column="${column}"]`);
const lit = (page: Page) =>
  page.locator('[data-testid^="node-"][data-kind].lit').evaluateAll((els) =>
    els.map((e) => (e as HTMLElement).dataset.testid!.slice('node-'.length)).sort());

test('a sink.csv column lights its path back to the source column', async ({ page }) => {
  await openDemo(page);
  await select(page, 'summary_csv');
  await expect(header(page, 'branch_name')).toBeVisible();

  // branch_name comes from the branches file through the join's right side.
  await header(page, 'branch_name').click();
  const panel = page.getByTestId('lineage-panel');
  await expect(panel).toHaveAttribute('data-state', 'lit');
  await expect.poll(() => lit(page)).toEqual(
    ['biggest_first', 'branches', 'per_branch', 'rounded', 'summary_csv', 'with_branch']);
  await expect(page.getByTestId('node-branches')).toHaveClass(/lit-source/);
  await expect(page.getByTestId('node-transactions')).not.toHaveClass(/\blit\b/);
  await expect(page.getByTestId('edge-branches-with_branch')).toHaveClass(/\blit\b/);
  await expect(page.getByTestId('edge-large_on_date-with_branch')).not.toHaveClass(/\blit\b/);
  const source = panel.getByTestId('lineage-source');
  await expect(source).toHaveCount(1);
  await expect(source).toHaveAttribute('data-node', 'branches');
  await expect(source).toHaveAttribute('data-column', 'branch_name');
  await expect(source).toHaveAttribute('data-via', 'copied');

  // total is summed from the transactions' amount, past the filter; the branches side only joins.
  await header(page, 'total').click();
  await expect(panel).toHaveAttribute('data-column', 'total');
  await expect.poll(() => lit(page)).toEqual(
    ['biggest_first', 'large_on_date', 'per_branch', 'rounded', 'summary_csv', 'transactions', 'with_branch']);
  await expect(panel.locator('[data-testid="lineage-source"][data-node="transactions"][data-column="amount"]'))
    .toHaveAttribute('data-via', 'aggregated');
  await expect(page.getByTestId('lineage-expr')).toContainText('sum(amount)');
  await expect(panel.locator('[data-testid="lineage-row"][data-node="branches"][data-column="branch"]'))
    .toHaveAttribute('data-via', 'join key');

  // An edit makes the lit path stale: it goes away.
  await select(page, 'large_on_date');
  await page.getByTestId('config-predicate').fill('amount > 200 AND txn_date = $biz_date');
  await expect(panel).toHaveCount(0);
  await expect.poll(() => lit(page)).toEqual([]);
});

// The demo report `daily_branch_deposits` (backend/src/demo/reports.rs):
// transactions → on_date (filter) → per_branch (sum, count) → branch_deposits (sink.report).
test('a sink.report column lights its path back to the source column', async ({ page }) => {
  await openDemo(page, 'daily_branch_deposits', 'branch_deposits');
  await expect(page.getByTestId('node-branch_deposits')).toHaveAttribute('data-kind', 'sink.report');
  await select(page, 'branch_deposits');
  await expect(header(page, 'deposits')).toBeVisible();

  // deposits is the sum of the transactions' amount, grouped by their branch, past the date filter.
  await header(page, 'deposits').click();
  const panel = page.getByTestId('lineage-panel');
  await expect(panel).toHaveAttribute('data-state', 'lit');
  await expect(panel).toHaveAttribute('data-node', 'branch_deposits');
  await expect(panel).toHaveAttribute('data-column', 'deposits');
  await expect.poll(() => lit(page)).toEqual(['branch_deposits', 'on_date', 'per_branch', 'transactions']);
  await expect(page.getByTestId('node-transactions')).toHaveClass(/lit-source/);
  for (const edge of ['transactions-on_date', 'on_date-per_branch', 'per_branch-branch_deposits']) {
    await expect(page.getByTestId(`edge-${edge}`)).toHaveClass(/\blit\b/);
  }
  const sources = panel.getByTestId('lineage-source');
  await expect(sources).toHaveCount(2);
  await expect(panel.locator('[data-testid="lineage-source"][data-node="transactions"][data-column="amount"]'))
    .toHaveAttribute('data-via', 'aggregated');
  await expect(panel.locator('[data-testid="lineage-source"][data-node="transactions"][data-column="branch"]'))
    .toHaveAttribute('data-via', 'group key');
  await expect(page.getByTestId('lineage-expr')).toContainText('sum(amount)');
  await expect(panel.locator('[data-testid="lineage-row"][data-node="transactions"][data-column="txn_date"]'))
    .toHaveAttribute('data-via', 'filter');

  // n counts rows: no amount behind it, only the branch it is grouped by.
  await header(page, 'n').click();
  await expect(panel).toHaveAttribute('data-column', 'n');
  await expect(sources).toHaveCount(1);
  await expect(sources).toHaveAttribute('data-node', 'transactions');
  await expect(sources).toHaveAttribute('data-column', 'branch');
  await expect(sources).toHaveAttribute('data-via', 'group key');
});

test('across graphs: the column is followed into the graph that writes the branches file', async ({ page }) => {
  // A second graph of the same analyst keeps demo/branches.csv tidy: it writes
  // what the demo graph reads, so the demo's branch_name comes from it.
  const api = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const tidy = {
    format: 'sluice.graph/v1', name: 'tidy_branches',
    nodes: [
      { id: 'raw', kind: 'source.csv', config: { path: 'demo/branches.csv' } },
      { id: 'named', kind: 'transform.derive', config: { columns: [{ name: 'branch_name', expr: 'upper(branch_name)' }] } },
      { id: 'tidy', kind: 'sink.csv', config: { path: 'demo/branches.csv' } },
    ],
    edges: [{ from: 'raw', to: 'named' }, { from: 'named', to: 'tidy' }],
  };
  const made = await api.post('/api/graphs', { data: { graph: tidy } });
  expect(made.status(), await made.text()).toBe(201);
  const tidyId = (await made.json()).id;

  await openDemo(page);
  await select(page, 'summary_csv');
  await header(page, 'branch_name').click();
  const panel = page.getByTestId('lineage-panel');
  await expect(panel).toHaveAttribute('data-state', 'lit');
  await panel.getByTestId('lineage-trace').click();
  const steps = panel.getByTestId('lineage-trace-step');
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0)).toHaveAttribute('data-node', 'summary_csv');
  await expect(steps.nth(1)).toHaveAttribute('data-graph', tidyId);
  await expect(steps.nth(1)).toHaveAttribute('data-node', 'tidy');
  await expect(steps.nth(1)).toHaveAttribute('data-column', 'branch_name');
  await expect(steps.nth(1)).toHaveAttribute('data-feeds', '0');
  await expect(steps.nth(1)).toContainText('upper(branch_name)');
  await expect(steps.nth(1).getByTestId('lineage-trace-open')).toHaveText('tidy_branches');
  await expect(steps.nth(1).getByTestId('lineage-trace-open')).toHaveAttribute('href', `#/graphs/${tidyId}`);
  expect((await api.delete(`/api/graphs/${tidyId}`)).ok()).toBeTruthy();
});

test('the inspector traces an output column too, and View as SQL prints each sink', async ({ page }) => {
  await openDemo(page);
  await select(page, 'with_branch');
  await page.locator('[data-testid="trace-column"][data-column="branch_right"]').click();
  await expect(page.getByTestId('lineage-panel')).toHaveAttribute('data-state', 'lit');
  await expect(page.getByTestId('lineage-source')).toHaveAttribute('data-node', 'branches');
  await expect(page.getByTestId('lineage-source')).toHaveAttribute('data-via', 'renamed');

  await page.getByTestId('view-sql').click();
  const sink = page.locator('[data-testid="sql-sink"][data-sink="summary_csv"]');
  await expect(sink.getByTestId('sql-text')).toContainText('GROUP BY');
  await page.getByTestId('sql-dialect').selectOption('mysql');
  await expect(sink.getByTestId('sql-text')).toContainText('`transactions`');
  await page.getByTestId('sql-close').click();
  await expect(page.getByTestId('sql-dialog')).toHaveCount(0);
});

test('the data-flow page draws the library', async ({ page }) => {
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.getByTestId('nav-dataflow').click();
  await expect(page.getByTestId('flow-map')).toBeVisible();
  // Every graph the analyst sees is a node of the map (the demo's graphs and reports).
  const listed = await (await page.request.get(`${server.url}/api/graphs`)).json();
  expect(listed.graphs.length).toBeGreaterThan(2);
  await expect(page.getByTestId('flow-graph')).toHaveCount(listed.graphs.length);
  await expect(page.locator('[data-testid="flow-dataset"][data-id="file:demo/transactions.csv"]')).toBeVisible();
});
