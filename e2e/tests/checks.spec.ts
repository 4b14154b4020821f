// Data quality checks on the run page: a check node with a `warn` rule and an
// `error` rule. A run whose data breaks only the warning succeeds, the run page
// lists the rows checked, the failures per rule and a sample of the failing
// rows, the check node is drawn amber, and the history shows the warning. A
// run whose data breaks the error rule fails, and the node is drawn red.
import { test, expect, Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Server, ANALYST } from './server';
import { apiAs, login } from './helpers';

const server = new Server(18497);

// Four rows; one with no amount (the warning), and in `bad` one unknown code (the error).
const GOOD = 'id,amount,code\n1,10.5,A\n2,,B\n3,30,A\n4,40,B\n';
const BAD = 'id,amount,code\n1,10.5,A\n2,,B\n3,30,Z\n4,40,B\n';

function graph(name: string, file: string) {
  return {
    format: 'sluice.graph/v1', name,
    nodes: [
      { id: 'tx', kind: 'source.csv', config: { path: `checks/${file}` }, pos: [80, 80] },
      { id: 'quality', kind: 'transform.check', pos: [360, 80], config: { rules: [
        { name: 'amount_known', kind: 'not_null', columns: ['amount'], level: 'warn' },
        { name: 'code_known', kind: 'in', column: 'code', values: ['A', 'B'], level: 'error' },
      ] } },
      { id: 'clean', kind: 'sink.csv', config: { path: `out/${name}.csv` }, pos: [640, 80] },
    ],
    edges: [{ from: 'tx', to: 'quality' }, { from: 'quality', to: 'clean' }],
  };
}

test.beforeAll(async () => {
  const dir = path.join(server.dataDir, 'files', 'checks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'good.csv'), GOOD);
  writeFileSync(path.join(dir, 'bad.csv'), BAD);
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

/** Creates the graph and runs it now (as the analyst); returns the run id once it ended. */
async function runGraph(name: string, file: string): Promise<string> {
  const api = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const created = await api.post('/api/graphs', { data: { graph: graph(name, file) } });
  expect(created.status(), await created.text()).toBe(201);
  const id = (await created.json()).id;
  const run = await api.post(`/api/graphs/${id}/run`, { data: {} });
  expect(run.status(), await run.text()).toBe(201);
  const runId = (await run.json()).id;
  await expect.poll(async () => (await (await api.get(`/api/runs/${runId}`)).json()).run.status,
    { timeout: 30_000 }).toMatch(/^(succeeded|failed)$/);
  return runId;
}

async function openRun(page: Page, runId: string) {
  await page.goto(`${server.url}/#/runs/${runId}`);
  await expect(page.getByTestId('run-page')).toBeVisible();
}

test('a broken warning: results on the run page, the node amber, the history warns', async ({ page }) => {
  const runId = await runGraph('checks_warn', 'good.csv');
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await openRun(page, runId);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');

  const result = page.locator('[data-testid="check-result"][data-node="quality"]');
  await expect(result).toBeVisible();
  await expect(result.locator('h3')).toContainText('4 rows');
  const warn = result.locator('[data-testid="check-rule"][data-rule="amount_known"]');
  await expect(warn).toHaveAttribute('data-state', 'warning');
  await expect(warn).toContainText('1 of 4');
  const error = result.locator('[data-testid="check-rule"][data-rule="code_known"]');
  await expect(error).toHaveAttribute('data-state', 'passed');
  await expect(error).toContainText('0 of 4');
  // The sample holds the failing row with the rule it failed.
  const sample = result.getByTestId('check-sample');
  await expect(sample.locator('tbody tr')).toHaveCount(1);
  await expect(sample.locator('tbody tr')).toContainText('amount_known');
  await expect(sample.locator('thead')).toContainText('_failed_rules');

  // The check node is drawn amber; the others succeeded.
  const node = page.getByTestId('run-graph-node-quality');
  await expect(node).toHaveAttribute('data-status', 'warning');
  await expect(node).toHaveClass(/\brun-warning\b/);
  await expect(node.locator('rect')).toHaveCSS('stroke', 'rgb(217, 119, 6)');
  await expect(page.getByTestId('run-graph-node-clean')).toHaveAttribute('data-status', 'succeeded');

  // The history: the run succeeded, with one warning.
  await page.getByTestId('nav-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'succeeded');
  const summary = row.getByTestId('run-checks-summary');
  await expect(summary.locator('.check-warning')).toHaveText('1 warning');
  await expect(summary.locator('.check-failed')).toHaveCount(0);
});

test('a broken error rule: the run fails, the rule and the node are red', async ({ page }) => {
  const runId = await runGraph('checks_error', 'bad.csv');
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await openRun(page, runId);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'failed');

  const result = page.locator('[data-testid="check-result"][data-node="quality"]');
  await expect(result.locator('h3')).toContainText('4 rows');
  await expect(result.locator('[data-testid="check-rule"][data-rule="code_known"]')).toHaveAttribute('data-state', 'failed');
  await expect(result.locator('[data-testid="check-rule"][data-rule="code_known"]')).toContainText('1 of 4');
  await expect(result.locator('[data-testid="check-rule"][data-rule="amount_known"]')).toHaveAttribute('data-state', 'warning');
  const sample = result.getByTestId('check-sample');
  await expect(sample.locator('tbody tr')).toHaveCount(2);
  await expect(sample).toContainText('code_known');

  const node = page.getByTestId('run-graph-node-quality');
  await expect(node).toHaveAttribute('data-status', 'failed');
  await expect(node).toHaveClass(/\brun-failed\b/);
  await expect(node.locator('rect')).toHaveCSS('stroke', 'rgb(220, 38, 38)');

  await page.getByTestId('nav-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'failed');
  await expect(row.getByTestId('run-checks-summary').locator('.check-failed')).toHaveText('1 error');
  await expect(row.getByTestId('run-checks-summary').locator('.check-warning')).toHaveText('1 warning');
});
