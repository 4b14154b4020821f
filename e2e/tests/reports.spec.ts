// Reports: the demo publishes two reports for a week of business dates. The
// analyst (their owner) grants one to a viewer; the viewer signs in, lands on
// the reports, opens one, picks yesterday's business date, sorts, downloads
// the Excel file (read back here: it holds the rows), builds a pivot in
// Explore and saves it as a new report for review.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { Server, ADMIN_PASSWORD, ANALYST } from './server';
import { apiAs, login } from './helpers';

const server = new Server(18481);
const VIEWER = { user: 'branch_manager', password: 'viewer-pass-1' };
const REPORT = 'branch_deposits';

test.beforeAll(async () => {
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

/** The text of one file inside a zip (an .xlsx), found through its central directory. */
function zipEntry(buf: Buffer, name: string): string {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30);
    const comment = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const entry = buf.subarray(p + 46, p + 46 + nameLen).toString();
    if (entry === name) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString();
    }
    p += 46 + nameLen + extra + comment;
  }
  throw new Error(`${name} not in the workbook`);
}

test('a viewer reads a report, picks a date, sorts, downloads Excel, pivots and saves', async ({ page }) => {
  const admin = await apiAs(server.url, 'admin', ADMIN_PASSWORD);
  const made = await admin.post('/api/users', {
    data: { username: VIEWER.user, password: VIEWER.password, role: 'viewer', current_password: ADMIN_PASSWORD },
  });
  expect(made.status()).toBe(201);
  const analyst = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const granted = await analyst.post(`/api/reports/${REPORT}/viewers`, { data: { username: VIEWER.user } });
  expect(granted.status()).toBe(200);

  // Signing in lands a viewer on the reports.
  await login(page, server.url, VIEWER.user, VIEWER.password, 'report-list');
  await expect(page.getByTestId('report-deposit_trend')).toHaveCount(0);
  await page.getByTestId(`report-${REPORT}`).locator('a').click();
  await expect(page).toHaveURL(new RegExp(`#/reports/${REPORT}$`));

  // The latest business date first; pick the day before.
  const picker = page.getByTestId('report-date');
  await expect(picker).toHaveValue('2026-11-24');
  await picker.selectOption('2026-11-23');
  await expect(page.getByTestId('report-as-of')).toContainText('as of 2026-11-23');
  await expect(page.getByTestId('report-as-of')).toContainText('graph version 1');
  const rows = page.getByTestId('report-table').getByTestId('report-row');
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  expect(n).toBeGreaterThan(1);
  await expect(page.getByTestId('report-chart')).toHaveAttribute('src', /svg\?date=2026-11-23/);
  const chart = await page.request.get(server.url + (await page.getByTestId('report-chart').getAttribute('src'))!);
  expect(chart.status()).toBe(200);
  expect(await chart.text()).toContain('<svg');

  // Sort by branch, ascending: the first cells come in order.
  await page.getByTestId('report-sort-branch').click();
  await expect(page.getByTestId('report-sort-branch')).toContainText('▲');
  const firstCells = () => rows.evaluateAll((trs) => trs.map((tr) => tr.children[0].textContent ?? ''));
  await expect.poll(async () => {
    const b = await firstCells();
    return b.length === n && JSON.stringify(b) === JSON.stringify([...b].sort());
  }).toBe(true);
  const branches = await firstCells();
  // Deposits are shown in 万 with two decimals.
  await expect(rows.first().locator('td').nth(1)).toHaveText(/^[\d,]+\.\d{2}万$/);

  // Excel: the download holds every row of the date, branch names included.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download-xlsx').click()]);
  expect(dl.suggestedFilename()).toBe(`${REPORT}_2026-11-23.xlsx`);
  const book = readFileSync((await dl.path())!);
  const sheet = zipEntry(book, 'xl/worksheets/sheet1.xml');
  const strings = zipEntry(book, 'xl/sharedStrings.xml');
  expect((sheet.match(/<row /g) ?? []).length).toBe(n + 1);
  expect(strings).toContain(branches[0]);
  expect(sheet).toContain('<c r="B2"');

  // PNG: the chart drawn on the server, a real PNG picture.
  const [pic] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download-png').click()]);
  expect(pic.suggestedFilename()).toBe(`${REPORT}_2026-11-23.png`);
  const png = readFileSync((await pic.path())!);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  // Explore: deposits summed per branch, then saved as a report for review.
  await page.getByTestId('explore-rows').selectOption('branch');
  await page.getByTestId('explore-measure').selectOption('deposits');
  await page.getByTestId('explore-agg').selectOption('sum');
  await page.getByTestId('explore-run').click();
  await expect(page.getByTestId('explore-table').getByTestId('explore-row')).toHaveCount(n);
  await page.getByTestId('explore-name').fill('deposits by branch (viewer)');
  await page.getByTestId('explore-save').click();
  await expect(page.getByTestId('explore-saved')).toContainText('submitted for review');
  const queue = await (await admin.get('/api/reviews')).json();
  expect(JSON.stringify(queue)).toContain('deposits by branch (viewer)');
});

test('the owner shares a report from its page and takes it back; a reader sees no sharing panel', async ({ browser }) => {
  const admin = await apiAs(server.url, 'admin', ADMIN_PASSWORD);
  const AUDITOR = { user: 'auditor_li', password: 'viewer-pass-2' };
  const made = await admin.post('/api/users', {
    data: { username: AUDITOR.user, password: AUDITOR.password, role: 'viewer', current_password: ADMIN_PASSWORD },
  });
  expect(made.status()).toBe(201);
  const REPORT2 = 'deposit_trend';

  const owner = await (await browser.newContext()).newPage();
  await login(owner, server.url, ANALYST.user, ANALYST.password);
  await owner.goto(`${server.url}/#/reports/${REPORT2}`);
  await expect(owner.getByTestId('report-viewers')).toBeVisible();
  await expect(owner.getByTestId(`report-viewer-${AUDITOR.user}`)).toHaveCount(0);
  // An unknown user is refused with a message, nothing is granted.
  await owner.getByTestId('report-grant-user').fill('nobody_here');
  await owner.getByTestId('report-grant').click();
  await expect(owner.getByTestId('report-viewers-error')).toBeVisible();
  await owner.getByTestId('report-grant-user').fill(AUDITOR.user);
  await owner.getByTestId('report-grant').click();
  await expect(owner.getByTestId(`report-viewer-${AUDITOR.user}`)).toBeVisible();

  // The reader finds it in the list, opens it, and cannot manage it.
  const reader = await (await browser.newContext()).newPage();
  await login(reader, server.url, AUDITOR.user, AUDITOR.password, 'report-list');
  await reader.getByTestId(`report-${REPORT2}`).locator('a').click();
  await expect(reader.getByTestId('report-table')).toBeVisible();
  await expect(reader.getByTestId('report-viewers')).toHaveCount(0);

  // Taken back: the reader's list no longer has it, and its address answers 404.
  await owner.getByTestId(`report-revoke-${AUDITOR.user}`).click();
  await expect(owner.getByTestId(`report-viewer-${AUDITOR.user}`)).toHaveCount(0);
  const readerApi = await apiAs(server.url, AUDITOR.user, AUDITOR.password);
  expect((await readerApi.get(`/api/reports/${REPORT2}/rows`)).status()).toBe(404);
  await reader.goto(`${server.url}/#/reports`);
  await expect(reader.getByTestId('report-list')).toBeVisible();
  await expect(reader.getByTestId(`report-${REPORT2}`)).toHaveCount(0);
});

test('a viewer explores a published Parquet output: several dimensions, measures and filters, table and chart, saved', async ({ page }) => {
  test.setTimeout(120_000);
  const admin = await apiAs(server.url, 'admin', ADMIN_PASSWORD);
  const EXPLORER = { user: 'explorer_wu', password: 'viewer-pass-3' };
  const made = await admin.post('/api/users', {
    data: { username: EXPLORER.user, password: EXPLORER.password, role: 'viewer', current_password: ADMIN_PASSWORD },
  });
  expect(made.status()).toBe(201);

  // The analyst's graph: the day's deposits to a Parquet file and a report; approved, backfilled for two days.
  const graph = {
    format: 'sluice.graph/v1', name: 'deposit_mix', params: { biz_date: { type: 'date' } },
    nodes: [
      { id: 'transactions', kind: 'source.csv', config: { path: 'demo/transactions.csv' } },
      { id: 'on_date', kind: 'transform.filter', config: { predicate: 'amount > 0 AND txn_date = $biz_date' } },
      { id: 'mix_parquet', kind: 'sink.parquet', config: { path: 'published/deposit_mix_{biz_date}.parquet' } },
      { id: 'deposit_mix', kind: 'sink.report', config: { title: 'Deposit mix', chart: 'table' } },
    ],
    edges: [
      { from: 'transactions', to: 'on_date' }, { from: 'on_date', to: 'mix_parquet' }, { from: 'on_date', to: 'deposit_mix' },
    ],
  };
  const analyst = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const created = await analyst.post('/api/graphs', { data: { graph } });
  expect(created.status()).toBe(201);
  const graphId = String((await created.json()).id);
  const sub = await analyst.post(`/api/graphs/${graphId}/submit`, { data: { message: 'deposit mix' } });
  expect(sub.status()).toBe(201);
  expect((await admin.post(`/api/reviews/${(await sub.json()).id}/approve`, { data: { comment: 'ok' } })).ok()).toBe(true);
  const sched = await admin.post('/api/schedules', { data: { graph_id: graphId, cron: '0 6 * * *' } });
  expect(sched.status()).toBe(201);
  const back = await admin.post(`/api/schedules/${(await sched.json()).id}/backfill`, { data: { from: '2026-11-23', to: '2026-11-24' } });
  expect(back.status()).toBe(201);
  await expect.poll(async () => {
    const runs = await (await admin.get(`/api/runs?graph=${graphId}&status=succeeded`)).json();
    return runs.runs.length;
  }, { timeout: 60_000 }).toBe(2);
  expect((await analyst.post('/api/reports/deposit_mix/viewers', { data: { username: EXPLORER.user } })).status()).toBe(200);

  // The viewer finds the published output under the reports and opens it.
  await login(page, server.url, EXPLORER.user, EXPLORER.password, 'report-list');
  const item = page.getByTestId('published-deposit_mix-mix_parquet');
  await expect(item).toBeVisible();
  await item.getByTestId('published-explore').click();
  await expect(page.getByTestId('published-date')).toHaveValue('2026-11-24');
  await expect(page.getByTestId('published-sample').getByTestId('published-row').first()).toBeVisible();

  // Rows: branch and channel; across: currency; measures: sum and max of amount, count of txn_id; two filters.
  await page.getByTestId('explore-add-row-branch').click();
  await page.getByTestId('explore-add-row-channel').click();
  await page.getByTestId('explore-add-column-currency').click();
  await page.getByTestId('explore-add-measure-amount').click();
  await page.getByTestId('explore-add-measure-amount').click();
  await page.getByTestId('explore-measure-agg-1').selectOption('max');
  await page.getByTestId('explore-add-measure-txn_id').click();
  await page.getByTestId('explore-measure-agg-2').selectOption('count');
  await page.getByTestId('explore-add-filter-channel').click();
  await page.getByTestId('explore-filter-op-0').selectOption('ne');
  await page.getByTestId('explore-filter-value-0').fill('atm');
  await page.getByTestId('explore-add-filter-amount').click();
  await page.getByTestId('explore-filter-op-1').selectOption('gt');
  await page.getByTestId('explore-filter-value-1').fill('100');
  await expect(page.getByTestId('explore-zone-rows')).toContainText('branch');
  await expect(page.getByTestId('explore-zone-rows')).toContainText('channel');
  await page.getByTestId('explore-run').click();
  const table = page.getByTestId('explore-table');
  await expect(table.locator('th')).toHaveText(['branch', 'channel', 'currency', 'sum_amount', 'max_amount', 'count_txn_id']);
  // The same pivot over the API: as many groups, and no ATM channel among them.
  const viewerApi = await apiAs(server.url, EXPLORER.user, EXPLORER.password);
  const answer = await (await viewerApi.post(`/api/published/${graphId}/mix_parquet/pivot`, {
    data: {
      rows: ['branch', 'channel'], columns: ['currency'],
      measures: [{ column: 'amount', agg: 'sum' }, { column: 'amount', agg: 'max' }, { column: 'txn_id', agg: 'count' }],
      filters: [{ column: 'channel', op: 'ne', value: 'atm' }, { column: 'amount', op: 'gt', value: '100' }],
    },
  })).json();
  expect(answer.rows.length).toBeGreaterThan(1);
  await expect(table.getByTestId('explore-row')).toHaveCount(answer.rows.length);
  const channels = await table.getByTestId('explore-row').evaluateAll((trs) => trs.map((tr) => tr.children[1].textContent));
  expect(channels).not.toContain('atm');

  // Table ⇄ chart.
  await page.getByTestId('explore-view-chart').click();
  await expect(page.getByTestId('explore-chart').locator('svg')).toBeVisible();
  await expect(table).toBeHidden();
  await page.getByTestId('explore-view-table').click();
  await expect(table).toBeVisible();
  await expect(page.getByTestId('explore-chart')).toBeHidden();

  // Saved as a report: every dimension, measure and filter kept, for review.
  await page.getByTestId('explore-chart-kind').selectOption('pivot');
  await page.getByTestId('explore-name').fill('deposit mix by channel (viewer)');
  await page.getByTestId('explore-save').click();
  await expect(page.getByTestId('explore-saved')).toContainText('submitted for review');
  const all = await (await admin.get('/api/graphs')).json();
  const saved = all.graphs.find((g: { name: string }) => g.name === 'deposit mix by channel (viewer)');
  expect(saved).toBeTruthy();
  const doc = (await (await admin.get(`/api/graphs/${saved.id}`)).json()).graph;
  const byId = (id: string) => doc.nodes.find((n: { id: string }) => n.id === id);
  expect(byId('published').config.path).toBe('published/deposit_mix_{biz_date}.parquet');
  expect(byId('pivot').config.group_by).toEqual(['branch', 'channel', 'currency']);
  expect(byId('pivot').config.aggregates.map((a: { as: string }) => a.as)).toEqual(['sum_amount', 'max_amount', 'count_txn_id']);
  expect(byId('filtered').config.predicate).toBe(`"channel" <> 'atm' AND "amount" > 100`);
  expect(byId('explore_report').config).toMatchObject({ chart: 'pivot', x: 'branch', series: 'currency' });
});

test('the report page switches between table and chart', async ({ page }) => {
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.goto(`${server.url}/#/reports/${REPORT}`);
  const table = page.getByTestId('report-table');
  const chart = page.getByTestId('report-chart');
  await expect(table).toBeVisible();
  await expect(chart).toBeVisible();
  await page.getByTestId('report-view-chart').click();
  await expect(table).toBeHidden();
  await expect(chart).toBeVisible();
  await page.getByTestId('report-view-table').click();
  await expect(table).toBeVisible();
  await expect(chart).toBeHidden();
  await page.getByTestId('report-view-both').click();
  await expect(table).toBeVisible();
  await expect(chart).toBeVisible();
});
