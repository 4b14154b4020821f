// Derived date parameters are shown resolved before anything runs: the run
// dialog lists each one for the business date as it is typed (by the built-in
// China calendar), a date the calendar has no data for shows the reason, and the
// run page shows the values the run bound.
import { test, expect } from '@playwright/test';
import { Server, ANALYST } from './server';
import { apiAs, login } from './helpers';

const server = new Server(18493);
const NAME = 'golden_week_days';

test.beforeAll(async () => {
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

test('the run dialog and the run page show the derived dates', async ({ page }) => {
  const analyst = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const graph = {
    format: 'sluice.graph/v1', name: NAME,
    params: {
      biz_date: { type: 'date', default: '2025-10-09' },
      prev: { type: 'date', derive: { from: 'biz_date', calendar: 'cn', offset: -1 } },
      yoy: { type: 'date', derive: { from: 'biz_date', calendar: 'cn', rule: 'same_day_last_year' } },
    },
    nodes: [
      { id: 'd', kind: 'source.dates', config: { from: '$prev', to: '$biz_date', calendar: 'cn' } },
      { id: 'out', kind: 'sink.csv', config: { path: 'out/golden_week_{biz_date}.csv' } },
    ],
    edges: [{ from: 'd', to: 'out' }],
  };
  expect((await analyst.post('/api/graphs', { data: { graph } })).status()).toBe(201);

  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.locator(`[data-testid="graph-item"][data-name="${NAME}"]`).click();
  await expect(page.getByTestId('canvas')).toBeVisible();
  await page.getByTestId('run').click();
  const dialog = page.getByTestId('run-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('run-param-biz_date')).toHaveValue('2025-10-09');
  await expect(page.getByTestId('run-param-prev')).toHaveCount(0); // computed, not asked for
  const derived = page.getByTestId('run-dialog-derived');
  await expect(derived).toContainText('prev = 2025-09-30 (biz_date −1 business day, calendar cn)');
  await expect(derived).toContainText('yoy = 2024-10-09 (biz_date same_day_last_year, calendar cn)');

  // A date before the calendar's data: the reason, before anything runs.
  await page.getByTestId('run-param-biz_date').fill('2004-01-02');
  await expect(derived).toContainText('no data for year 2003');
  // The first business day after the Spring Festival 2025: T-1 is Monday 27 January.
  await page.getByTestId('run-param-biz_date').fill('2025-02-05');
  await expect(derived.locator('[data-name="prev"]')).toHaveAttribute('data-value', '2025-01-27');

  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-page')).toBeVisible();
  const onPage = page.getByTestId('run-derived');
  await expect(onPage).toContainText('prev = 2025-01-27 (biz_date −1 business day, calendar cn)');
  await expect(onPage.locator('[data-name="yoy"]')).toHaveAttribute('data-value', '2024-02-05');
  await analyst.dispose();
});
