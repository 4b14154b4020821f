// Issue 12 items 4, 6, 7, 8, 10 and the library's status line, in the browser:
// schedules read in words with their next firings, edited, paused and deleted;
// the run page counts rows at every node in pipeline order with downloads;
// the review of a new graph shows every setting under column headers; the
// file picker lists only files the source reads; forms explain expressions.
import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { Server, ADMIN_PASSWORD, ANALYST } from './server';
import { apiAs, login, newGraph, dropNode, select, wire } from './helpers';

const server = new Server(18481);
const GRAPH = 'daily_branch_summary';

test.beforeAll(async () => {
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

async function graphId(api: APIRequestContext, name: string): Promise<string> {
  const graphs = await (await api.get('/api/graphs')).json();
  return String(graphs.graphs.find((g: { name: string }) => g.name === name).id);
}

/** The analyst submits `name`, the admin approves it. */
async function approve(name: string): Promise<string> {
  const analyst = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const admin = await apiAs(server.url, 'admin', ADMIN_PASSWORD);
  const id = await graphId(analyst, name);
  const sub = await analyst.post(`/api/graphs/${id}/submit`, { data: { message: 'for the schedule' } });
  expect(sub.status()).toBe(201);
  const ok = await admin.post(`/api/reviews/${(await sub.json()).id}/approve`, { data: { comment: 'ok' } });
  expect(ok.ok()).toBeTruthy();
  await Promise.all([analyst.dispose(), admin.dispose()]);
  return id;
}

test('schedules: cron in words, next firings, duplicates refused, edit, pause, delete', async ({ page }) => {
  const id = await approve(GRAPH);
  await login(page, server.url, 'admin', ADMIN_PASSWORD);
  await page.goto(server.url + '/#/admin');
  const section = page.getByTestId('schedules-section');
  const form = section.getByTestId('schedule-form');
  const error = section.getByTestId('page-error');
  await form.getByTestId('schedule-graph').selectOption({ label: GRAPH });

  // A bad cron is explained in words as it is typed, and refused in words.
  await form.getByTestId('schedule-cron').fill('0 25 * * *');
  await expect(form.getByTestId('schedule-cron-words')).toHaveText('the hour `25` is out of range: it must be 0 to 23');
  await form.getByTestId('schedule-create').click();
  await expect(error).toContainText('the hour `25` is out of range');
  await expect(error).not.toContainText('Expected');

  // Every business day at 02:00 by the `cn` calendar.
  await form.getByTestId('schedule-cron').fill('0 2 * * *');
  await form.getByTestId('schedule-calendar').selectOption('cn');
  await expect(form.getByTestId('schedule-cron-words')).toHaveText('every business day at 02:00');
  await form.getByTestId('schedule-create').click();
  await expect(error).toHaveCount(0); // the old message is gone
  const row = section.locator(`[data-testid="schedule-row"][data-graph="${id}"]`);
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('schedule-words')).toHaveText('every business day at 02:00');
  await expect(section.getByTestId('schedule-notice')).toContainText('every business day at 02:00');
  // The next five firings, at once; ten on "more"; none on a closed day.
  await expect(row.getByTestId('schedule-next-firing')).toHaveCount(5);
  await row.getByTestId('schedule-next-show').click();
  await expect(row.getByTestId('schedule-next-firing')).toHaveCount(10);

  // The same again is refused, naming the graph.
  await form.getByTestId('schedule-create').click();
  await expect(error).toContainText(`graph \`${GRAPH}\` already has a schedule \`0 2 * * *\``);
  await expect(section.getByTestId('schedule-notice')).toHaveCount(0);
  // "Depends on" never offers the graph itself.
  await expect(form.locator(`[data-testid="schedule-depends"] option[value="${id}"]`)).toHaveCount(0);

  // An empty backfill date is named, in words.
  await row.getByTestId('backfill').click();
  await expect(error).toHaveText('Choose the first and the last business date to backfill.');

  // Edit: weekdays at 06:30; the words and the firings follow.
  await row.getByTestId('schedule-next-firing').first().waitFor();
  const before = await row.getByTestId('schedule-next-firing').allInnerTexts();
  await row.getByTestId('schedule-edit').click();
  await expect(form).toHaveAttribute('data-editing', /.+/);
  await expect(form.getByTestId('schedule-cron')).toHaveValue('0 2 * * *');
  await form.getByTestId('schedule-cron').fill('30 6 * * 1-5');
  await form.getByTestId('schedule-calendar').selectOption('');
  await form.getByTestId('schedule-save').click();
  await expect(error).toHaveCount(0);
  await expect(row.getByTestId('schedule-words')).toHaveText('every weekday (Monday to Friday) at 06:30');
  await expect(row.getByTestId('schedule-next-firing')).toHaveCount(5);
  await expect.poll(async () => (await row.getByTestId('schedule-next-firing').allInnerTexts()).join()).not.toBe(before.slice(0, 5).join());

  // Pause, then delete (asked twice).
  await row.getByTestId('schedule-toggle').click();
  await expect(row.getByTestId('schedule-state')).toHaveText('paused');
  await row.getByTestId('schedule-delete').click();
  await row.getByTestId('schedule-delete-confirm').click();
  await expect(row).toHaveCount(0);
  await expect(section.getByTestId('schedule-notice')).toContainText(`Deleted the schedule of ${GRAPH}`);

  // The audit log names the graph, not ids.
  await page.reload();
  const created = page.locator('[data-testid="audit-row"][data-action="schedule_create"]');
  await expect(created.first().getByTestId('audit-target')).toHaveText(GRAPH);
  await expect(page.locator('[data-testid="audit-row"][data-action="schedule_edit"]').first()).toContainText(GRAPH);
});

test('the run page: rows at every node in pipeline order, duration, outputs to download, the graph', async ({ page }) => {
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.locator(`[data-testid="graph-item"][data-name="${GRAPH}"]`).click();
  await page.getByTestId('run').click();
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });

  // Every node has its rows out, from the plan metrics; the filter keeps fewer than it reads.
  const rows = page.getByTestId('run-node');
  const ids = await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.node!));
  expect(ids[ids.length - 1]).toBe('summary_csv');
  const pos = (id: string) => ids.indexOf(id);
  expect(pos('transactions')).toBeLessThan(pos('large_on_date'));
  expect(pos('large_on_date')).toBeLessThan(pos('with_branch'));
  expect(pos('branches')).toBeLessThan(pos('with_branch'));
  expect(pos('per_branch')).toBeLessThan(pos('rounded'));
  const count = async (id: string) =>
    Number(await page.locator(`[data-testid="run-node"][data-node="${id}"] [data-testid="run-node-rows"]`).innerText());
  for (const id of ids) expect(await count(id), id).toBeGreaterThan(0);
  expect(await count('large_on_date')).toBeLessThan(await count('transactions'));
  expect(await count('biggest_first')).toBe(await count('summary_csv'));
  await expect(page.getByTestId('run-graph-rows-transactions')).toHaveText(`${await count('transactions')} rows`);

  await expect(page.getByTestId('run-duration')).toHaveText(/^\d+(\.\d)? s$|min|h/);
  const output = page.locator('[data-testid="run-output"][data-node="summary_csv"]');
  await expect(output.getByTestId('run-output-path')).toHaveText('out/daily_branch_summary_2026-11-24.csv');
  const [download] = await Promise.all([page.waitForEvent('download'), output.getByTestId('run-output-download').click()]);
  expect(download.suggestedFilename()).toBe('daily_branch_summary_2026-11-24.csv');

  // Back to the graph; the library shows the last run and its result.
  await page.getByTestId('run-graph-link').click();
  await expect(page.getByTestId('node-large_on_date')).toBeVisible();
  await page.goto(server.url + '/#/graphs');
  const item = page.locator(`[data-testid="graph-item"][data-name="${GRAPH}"]`);
  await expect(item.getByTestId('graph-last-run')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.locator('[data-testid="graph-item"][data-name="large_txn_watchlist"] [data-testid="graph-stage"]'))
    .toHaveAttribute('data-stage', 'draft');
});

test('a review of a new graph shows every setting of its nodes and column headers on the samples', async ({ page }) => {
  const analyst = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const doc = {
    format: 'sluice.graph/v1', name: 'new_for_review',
    nodes: [
      { id: 'txns', kind: 'source.csv', config: { path: 'demo/transactions.csv' } },
      { id: 'big', kind: 'transform.filter', config: { predicate: 'amount > 5000' } },
      { id: 'per_branch', kind: 'transform.aggregate',
        config: { group_by: ['branch'], aggregates: [{ fn: 'count', as: 'n' }] } },
      { id: 'out', kind: 'sink.csv', config: { path: 'out/new_for_review.csv' } },
    ],
    edges: [{ from: 'txns', to: 'big' }, { from: 'big', to: 'per_branch' }, { from: 'per_branch', to: 'out' }],
  };
  const created = await analyst.post('/api/graphs', { data: { graph: doc } });
  expect(created.status()).toBe(201);
  const id = (await created.json()).id;
  const sub = await analyst.post(`/api/graphs/${id}/submit`, { data: { message: 'new' } });
  expect(sub.status()).toBe(201);
  await login(page, server.url, 'admin', ADMIN_PASSWORD);
  await page.goto(`${server.url}/#/reviews/${(await sub.json()).id}`);
  const filter = page.locator('[data-testid="added-node"][data-node="big"]');
  await expect(filter.locator('[data-testid="node-config-row"][data-key="predicate"]')).toContainText('amount > 5000');
  const sink = page.locator('[data-testid="added-node"][data-node="out"]');
  await expect(sink.locator('[data-testid="node-config-row"][data-key="path"]')).toContainText('out/new_for_review.csv');
  const sample = page.locator('[data-testid="sample-diff"][data-node="out"]');
  await expect(sample.getByTestId('sample-header')).toHaveText(['branch', 'n']);
  // Rows are lined up by the group column: sorted by branch.
  const branches = await sample.getByTestId('sample-row-added').evaluateAll((rs) =>
    rs.map((r) => (r.children[1] as HTMLElement).innerText));
  expect(branches.length).toBeGreaterThan(1);
  expect([...branches].sort()).toEqual(branches);
  await analyst.dispose();
});

test('the file picker lists only files the source reads; outputs get a path of their own', async ({ page }) => {
  await newGraph(page, server.url, 'picker_test');
  const src = await dropNode(page, 'source.csv', 200, 150);
  await select(page, src);
  await expect(page.getByTestId('config-path')).toHaveAttribute('placeholder', /\.csv/);
  await page.getByTestId('file-picker-open').click();
  const items = page.getByTestId('file-picker-item');
  await expect(items.first()).toBeVisible();
  const paths = await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path!));
  expect(paths).toContain('demo/transactions.csv');
  for (const p of paths) expect(p.toLowerCase()).toMatch(/\.(csv|tsv|txt)$/);
  await expect(items.first()).toContainText(/\d+(\.\d)? (B|KB|MB)/);
  await page.getByTestId('file-picker-search').fill('branches');
  await expect(items).toHaveCount(1);
  await items.first().click();
  await expect(page.getByTestId('config-path')).toHaveValue('demo/branches.csv');
  await expect(page.getByTestId('file-picker')).toHaveCount(0);

  const sink = await dropNode(page, 'sink.csv', 500, 150);
  await select(page, sink);
  await expect(page.getByTestId('config-path')).toHaveValue(`out/picker_test_${sink}.csv`);
  await expect(page.getByTestId('file-picker-open')).toHaveCount(0);
});

test('forms: expression mistakes in words, a formula helper, select as a checklist, real aggregate rows', async ({ page }) => {
  await newGraph(page, server.url, 'forms_test');
  const src = await dropNode(page, 'source.csv', 150, 150);
  await select(page, src);
  await page.getByTestId('config-path').fill('demo/transactions.csv');
  const f = await dropNode(page, 'transform.filter', 400, 150);
  await wire(page, src, f);
  await select(page, f);
  await page.getByTestId('config-predicate').fill('amount /');
  const problem = page.locator(`[data-testid="problem"][data-node="${f}"]`);
  await expect(problem.first()).toContainText('a value is missing after `/`');
  await expect(problem.first()).not.toContainText('Expected');
  await page.getByTestId('config-predicate').fill('uper(branch) = \'X\'');
  await expect(problem.first()).toContainText('did you mean `upper`?');
  // The helper adds columns and calls to the condition.
  await page.getByTestId('config-predicate').fill('');
  await page.getByTestId('formula-help-open').click();
  await page.getByTestId('formula-col-amount').click();
  await expect(page.getByTestId('config-predicate')).toHaveValue('amount');
  await expect(page.getByTestId('formula-fn-round')).toContainText('round(x, digits)');

  const sel = await dropNode(page, 'transform.select', 650, 150);
  await wire(page, f, sel);
  await select(page, sel);
  // Each tick redraws the list (ticked columns first), so click and look again.
  await page.getByTestId('select-col-amount').click();
  await expect(page.getByTestId('select-col-amount')).toBeChecked();
  await page.getByTestId('select-col-branch').click();
  await expect(page.getByTestId('select-col-branch')).toBeChecked();
  await page.getByTestId('select-as-branch').fill('branch_code');
  await page.getByTestId('select-as-branch').press('Tab');
  await page.getByTestId('select-up-branch').click();
  const order = await page.locator('[data-testid="select-row"]').evaluateAll((els) =>
    els.map((e) => (e as HTMLElement).dataset.column!));
  expect(order.slice(0, 2)).toEqual(['branch', 'amount']);

  const agg = await dropNode(page, 'transform.aggregate', 650, 350);
  await select(page, agg);
  // One real row (a count), and no blank row that looks like a setting.
  await expect(page.locator('[data-testid^="config-aggregates-"][data-testid$="-row"]')).toHaveCount(1);
  await expect(page.getByTestId('config-aggregates-0-fn')).toHaveValue('count');
});
