// Review round trip: an analyst edits, saves and submits a graph; a second
// admin reads the diff, rejects with a comment; the analyst sees the comment,
// fixes, resubmits; the admin approves; and a later save by the analyst leaves
// the approved version as it was.
import { test, expect, Page } from '@playwright/test';
import { Server, ADMIN_PASSWORD, ANALYST } from './server';
import { apiAs, login } from './helpers';

const server = new Server(18471);
const REVIEWER = { user: 'reviewer2', password: 'reviewer-pass-2' };
const GRAPH = 'daily_branch_summary';
const FILTER = 'large_on_date';

test.beforeAll(async () => {
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

async function openGraph(page: Page) {
  await page.goto(server.url + '/#/graphs');
  await page.locator(`[data-testid="graph-item"][data-name="${GRAPH}"]`).click();
  await expect(page.getByTestId(`node-${FILTER}`)).toBeVisible();
}

async function setPredicate(page: Page, predicate: string) {
  await page.getByTestId(`node-${FILTER}`).click();
  const field = page.getByTestId('config-predicate');
  await expect(field).toBeVisible();
  await field.fill(predicate);
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-state')).toContainText('Saved');
}

async function submit(page: Page, message: string) {
  await page.getByTestId('submit').click();
  await page.getByTestId('submit-message').fill(message);
  await page.getByTestId('submit-confirm').click();
  await expect(page.getByTestId('review-status')).toHaveAttribute('data-status', 'submitted');
}

/// As the reviewer: opens the one submission in the queue.
async function openQueued(page: Page) {
  await page.goto(server.url + '/#/graphs');
  await page.getByTestId('nav-reviews').click();
  const item = page.getByTestId('review-item').filter({ hasText: GRAPH });
  await expect(item).toHaveCount(1);
  await item.click();
  await expect(page.getByTestId(`review-node-${FILTER}`)).toBeVisible();
}

test('submit, reject with a comment, resubmit, approve; approval is frozen', async ({ browser }) => {
  // A second admin (four eyes: the built-in admin set it up, it reviews).
  const admin = await apiAs(server.url, 'admin', ADMIN_PASSWORD);
  const created = await admin.post('/api/users', { data: { username: REVIEWER.user, password: REVIEWER.password, role: 'admin', current_password: ADMIN_PASSWORD } });
  expect(created.status()).toBe(201);

  // A baseline: the demo graph as shipped is approved once, so the review
  // below compares against it (with nothing approved, every node is "added").
  const analystApi = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const graphs = await (await analystApi.get('/api/graphs')).json();
  const graphId: string = String(graphs.graphs.find((g: { name: string }) => g.name === GRAPH).id);
  const base = await analystApi.post(`/api/graphs/${graphId}/submit`, { data: { message: 'baseline' } });
  expect(base.status()).toBe(201);
  const reviewerApi = await apiAs(server.url, REVIEWER.user, REVIEWER.password);
  const ok = await reviewerApi.post(`/api/reviews/${(await base.json()).id}/approve`, { data: { comment: 'baseline' } });
  expect(ok.ok()).toBeTruthy();

  const analystCtx = await browser.newContext();
  const analyst = await analystCtx.newPage();
  const reviewerCtx = await browser.newContext();
  const reviewer = await reviewerCtx.newPage();

  // The analyst edits the filter, saves and submits.
  await login(analyst, server.url, ANALYST.user, ANALYST.password);
  await expect(analyst.getByTestId('nav-reviews')).toHaveCount(0);
  await openGraph(analyst);
  await setPredicate(analyst, 'amount > 200 AND txn_date = $biz_date');
  await submit(analyst, 'only the really large ones');

  // The reviewer sees the change and rejects it with a comment.
  await login(reviewer, server.url, REVIEWER.user, REVIEWER.password);
  await openQueued(reviewer);
  await expect(reviewer.getByTestId(`review-node-${FILTER}`)).toHaveAttribute('data-diff', 'changed');
  await expect(reviewer.getByTestId('review-node-transactions')).toHaveAttribute('data-diff', 'same');
  await expect(reviewer.getByTestId('review-message')).toContainText('only the really large ones');
  await expect(reviewer.locator(`[data-testid="config-change"][data-node="${FILTER}"]`)).toContainText('amount > 200');
  // A rejection needs a comment.
  await reviewer.getByTestId('reject').click();
  await expect(reviewer.getByTestId('page-error')).toBeVisible();
  await reviewer.getByTestId('review-comment').fill('Use 150, as agreed with finance.');
  await reviewer.getByTestId('reject').click();
  await expect(reviewer.getByTestId('review-outcome')).toHaveAttribute('data-status', 'rejected');

  // The analyst sees the comment, fixes and resubmits.
  await openGraph(analyst);
  await expect(analyst.getByTestId('review-status')).toHaveAttribute('data-status', 'rejected');
  await expect(analyst.getByTestId('review-status-comment')).toContainText('Use 150, as agreed with finance.');
  await setPredicate(analyst, 'amount > 150 AND txn_date = $biz_date');
  await submit(analyst, 'threshold 150 as asked');

  // The reviewer approves.
  await openQueued(reviewer);
  await expect(reviewer.getByTestId(`review-node-${FILTER}`)).toHaveAttribute('data-diff', 'changed');
  await reviewer.getByTestId('review-comment').fill('Looks right.');
  await reviewer.getByTestId('approve').click();
  await expect(reviewer.getByTestId('review-outcome')).toHaveAttribute('data-status', 'approved');

  // The approved version is pinned: a later save by the analyst does not move it.
  await openGraph(analyst);
  await expect(analyst.getByTestId('review-status')).toHaveAttribute('data-status', 'approved');
  const before = await analyst.request.get(`${server.url}/api/graphs/${graphId}/approved`);
  expect(before.ok()).toBeTruthy();
  const approved = await before.json();
  expect(JSON.stringify(approved.graph)).toContain('amount > 150');
  await setPredicate(analyst, 'amount > 300 AND txn_date = $biz_date');
  const after = await analyst.request.get(`${server.url}/api/graphs/${graphId}/approved`);
  expect(after.ok()).toBeTruthy();
  const still = await after.json();
  expect(still.hash).toBe(approved.hash);
  expect(still.version).toBe(approved.version);
  expect(JSON.stringify(still.graph)).toContain('amount > 150');

  await analystCtx.close();
  await reviewerCtx.close();
  await Promise.all([admin.dispose(), analystApi.dispose(), reviewerApi.dispose()]);
});
