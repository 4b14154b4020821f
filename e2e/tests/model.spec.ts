// The model wizard in real Chromium against a real `sluice serve --demo`: the
// analyst builds a star from the demo data by clicks only (fact, dimensions
// with the proposed keys and their match rates, grain and measures), the
// generated group validates, previews and runs, and the mart equals a
// hand-written SQL over the same files.
import { test, expect, Page } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Server, ANALYST } from './server';
import { login, select } from './helpers';

const server = new Server(18463);
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const GRAPH = 'large_txn_watchlist';
const MART = 'transactions_star_mart';

/** The hand-written SQL, run by the server over the demo files (every row: `full`). */
async function expected(page: Page): Promise<string[]> {
  const graph = {
    format: 'sluice.graph/v1', name: 'oracle',
    nodes: [
      { id: 'transactions', kind: 'source.csv', config: { path: 'demo/transactions.csv' } },
      { id: 'accounts', kind: 'source.csv', config: { path: 'demo/accounts.csv' } },
      { id: 'q', kind: 'transform.sql', config: { query:
        'SELECT a.product, t.channel, SUM(t.amount) AS total, COUNT(t.txn_id) AS n ' +
        'FROM transactions t LEFT JOIN accounts a ON t.account_id = a.account_id GROUP BY a.product, t.channel' } },
    ],
    edges: [{ from: 'transactions', to: 'q' }, { from: 'accounts', to: 'q' }],
  };
  const r = await page.request.post(`${server.url}/api/preview`, { data: { graph, node: 'q', limit: 1000, full: true } });
  expect(r.ok()).toBe(true);
  const body = await r.json();
  return (body.rows as unknown[][]).map(([p, c, t, n]) => `${p}|${c}|${Number(t).toFixed(2)}|${n}`).sort();
}

function findFile(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (e === name) return p;
  }
  return undefined;
}

// A tall window: the group lands below the demo's nodes, clear of the bottom panel.
test.use({ viewport: { width: 1440, height: 1200 } });

test('the wizard builds a star from the demo data by clicks; it validates, previews, runs and matches SQL', async ({ page }) => {
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.locator(`[data-testid="graph-item"][data-name="${GRAPH}"]`).click();
  await expect(page.getByTestId('node-transactions')).toBeVisible();

  // Step 1: the fact and candidate dimensions.
  await page.getByTestId('model-wizard-open').click();
  const wizard = page.getByTestId('model-wizard');
  await expect(wizard).toBeVisible();
  await page.getByTestId('model-fact').selectOption('transactions');
  await page.getByTestId('model-dim-accounts').check();
  await page.getByTestId('model-dim-customers').check();
  await page.getByTestId('model-next').click();

  // Step 2: the proposed keys, measured: every transaction finds its account; customers has no key.
  await expect(page.getByTestId('model-key-accounts')).toHaveValue('account_id|account_id');
  await expect(page.getByTestId('model-match-accounts')).toHaveText('match 100.0%');
  await expect(page.getByTestId('model-orphans-accounts')).toHaveCount(0);
  await expect(page.getByTestId('model-key-customers')).toHaveValue('');
  await expect(page.getByTestId('model-date')).toHaveValue('txn_date');
  await page.getByTestId('model-next').click();

  // Step 3: grain product × channel; amount summed, transactions counted.
  await page.getByTestId('model-grain-product').check();
  await page.getByTestId('model-grain-channel').check();
  await page.getByTestId('model-measure-amount').selectOption('sum');
  await page.getByTestId('model-measure-txn_id').selectOption('count');
  // A balance-like measure summed across days is refused, with the reason.
  await page.getByTestId('model-additivity-amount').selectOption('semi_additive');
  await expect(page.getByTestId('model-refusal')).toContainText('`amount` is semi-additive');
  await page.getByTestId('model-generate').click();
  await expect(page.getByTestId('model-error')).toContainText('add `txn_date` to the grain');
  await page.getByTestId('model-additivity-amount').selectOption('additive');
  await expect(page.getByTestId('model-refusal')).toHaveCount(0);
  await page.getByTestId('model-generate').click();
  await expect(wizard).toHaveCount(0);

  // The generated nodes, in a labelled group, with no problems.
  for (const id of ['transactions_star_accounts_join', 'transactions_star_grain', MART]) {
    await expect(page.getByTestId(`node-${id}`)).toBeVisible();
  }
  await expect(page.getByTestId('group-label-transactions_star')).toHaveText('transactions star');
  await expect(page.getByTestId('problem')).toHaveCount(0);

  // Preview of the mart equals the hand-written SQL.
  const want = await expected(page);
  expect(want.length).toBeGreaterThan(4);
  await select(page, MART);
  await expect(page.getByTestId('preview-row')).toHaveCount(want.length);

  // Save and run: the run succeeds and its mart file holds the same rows.
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-state')).toContainText('Saved');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-dialog')).toBeVisible();
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  const file = findFile(server.dataDir, 'transactions_mart.csv');
  expect(file).toBeDefined();
  const lines = readFileSync(file!, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('product,channel,sum_amount,count_txn_id');
  const got = lines.slice(1).map((l) => {
    const [p, c, t, n] = l.split(',');
    return `${p}|${c}|${Number(t).toFixed(2)}|${n}`;
  }).sort();
  expect(got).toEqual(want);
});
