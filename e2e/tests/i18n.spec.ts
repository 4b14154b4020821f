// The product in Chinese (issue 19): a Chromium with locale zh-CN signs in,
// builds a graph, sees a problem, previews, saves and submits; an admin reviews.
// On every page the visible text (text nodes, titles, placeholders) is checked
// against the English catalogue: no English catalogue text may show (texts the
// same in both languages, like "SQL" or "Excel", are left out). A second test
// visits the reports, a report with Explore's pivot, the admin page with a
// schedule (its cron in words) and every step of the model wizard.
import { test, expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Server, ADMIN_PASSWORD, ANALYST } from './server';
import { apiAs, dropNode, login, select, wire } from './helpers';

const server = new Server(18499);
const repo = path.resolve(__dirname, '..', '..');
const en: Record<string, string> = JSON.parse(readFileSync(path.join(repo, 'shared/locales/en.json'), 'utf8'));
const zh: Record<string, string> = JSON.parse(readFileSync(path.join(repo, 'shared/locales/zh-CN.json'), 'utf8'));

/** English texts that must not show in Chinese: whole texts, and the literal
 * pieces (10+ characters) of texts with {placeholders}. A text the Chinese
 * catalogue writes too (a format name such as `CSV`) is Chinese as well. */
const whole = new Set<string>();
const pieces: string[] = [];
const zhTexts = new Set(Object.values(zh).map((v) => v.trim()));
for (const [k, v] of Object.entries(en)) {
  if (v === zh[k] || zhTexts.has(v.trim()) || !/[A-Za-z]{2}/.test(v)) continue;
  if (/\{[a-z_0-9]+\}/i.test(v)) {
    for (const p of v.split(/\{[a-z_0-9]+\}/i)) if (p.trim().length >= 10 && /[a-z]{3}/.test(p)) pieces.push(p.trim());
  } else {
    whole.add(v.trim());
  }
}

test.use({ locale: 'zh-CN' });

test.beforeAll(async () => {
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

/** Every visible text node, title and placeholder of the page. */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const shown = (el: Element | null) => {
      for (let e = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.display === 'none' || s.visibility === 'hidden') return false;
      }
      return true;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      if (text && shown(n.parentElement)) out.push(text);
    }
    for (const el of Array.from(document.querySelectorAll('[title], [placeholder], [aria-label]'))) {
      if (!shown(el)) continue;
      for (const a of ['title', 'placeholder', 'aria-label']) {
        const v = el.getAttribute(a);
        if (v && v.trim()) out.push(v.trim());
      }
    }
    return out;
  });
}

/** User data that happens to be an English catalogue text (the demo's user names equal role names;
 * a join's ports on the canvas are named `left` and `right` in the graph format). */
const DATA = new Set(['analyst', 'admin', 'left', 'right']);

/** Boxes whose text does not fit (issue 19: "layout holds for both"): buttons,
 * labels, table heads, navigation links, palette entries and tabs whose text is
 * wider than the box (clipped, cut with an ellipsis, or spilling out). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = 'button, .btn, label, th, nav a, .nav a, .tab, [data-testid^="palette-"], [data-testid^="nav-"]';
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(boxes))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || !el.innerText.trim()) continue;
      // Children that scroll on purpose (a palette's list, a table's body) are not text boxes.
      const s = getComputedStyle(el);
      if (s.overflowX === 'auto' || s.overflowX === 'scroll') continue;
      const wide = el.scrollWidth > el.clientWidth + 1;
      const tall = s.whiteSpace !== 'nowrap' && el.scrollHeight > el.clientHeight + 2 && s.overflowY === 'hidden';
      if (wide || tall) {
        const id = el.getAttribute('data-testid') ?? el.tagName.toLowerCase();
        out.push(`${id} "${el.innerText.trim().slice(0, 40)}" ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
      }
    }
    return out;
  });
}

async function expectFits(page: Page, where: string) {
  expect(await overflowing(page), `text wider than its box on ${where}`).toEqual([]);
}

async function expectChinese(page: Page, where: string) {
  await expectFits(page, where);
  const texts = (await visibleTexts(page)).filter((t) => !DATA.has(t));
  const english = texts.filter((t) => whole.has(t) || pieces.some((p) => t.includes(p)));
  expect(english, `English catalogue texts on ${where}`).toEqual([]);
  // Something Chinese is there at all.
  expect(texts.some((t) => /[\u4e00-\u9fff]/.test(t)), `Chinese text on ${where}`).toBe(true);
}

test('a Chinese browser gets the whole flow in Chinese', async ({ page, browser }) => {
  // Before signing in: the browser's language, the switch says so.
  await page.goto(server.url + '/#/login');
  await expect(page.getByTestId('lang')).toHaveValue('zh-CN');
  await expect(page.getByTestId('login-submit')).toHaveText('登录');
  await expectChinese(page, 'the sign-in page');

  await login(page, server.url, ANALYST.user, ANALYST.password);
  await expectChinese(page, 'the graph list');

  // Build a graph: a source, a filter and a sink; the sink is left unwired.
  await page.getByTestId('new-graph').click();
  await expect(page.getByTestId('canvas')).toBeVisible();
  await page.getByTestId('graph-name').fill('e2e_中文');
  const src = await dropNode(page, 'source.csv', 100, 150);
  const f = await dropNode(page, 'transform.filter', 330, 150);
  const out = await dropNode(page, 'sink.csv', 560, 150);
  await wire(page, src, f);
  await select(page, src);
  await page.getByTestId('config-path').fill('demo/transactions.csv');
  await select(page, f);
  await page.getByTestId('config-predicate').fill('amount > 1000');

  // The problem is in Chinese, rendered from its code.
  const problem = page.locator(`[data-testid="problem"][data-node="${out}"]`);
  await expect(problem).toContainText('输入端口 `in` 未连接');
  // The preview of the filter shows rows.
  await expect(page.getByTestId('preview-row').first()).toBeVisible();
  await expectChinese(page, 'the editor with a problem and a preview');

  // Fix it, save and submit.
  await wire(page, f, out);
  await select(page, out);
  await page.getByTestId('config-path').fill('out/e2e_zh.csv');
  await expect(page.getByTestId('no-problems')).toBeVisible();
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-state')).toContainText('已保存');
  await page.getByTestId('submit').click();
  await page.getByTestId('submit-message').fill('第一版');
  await expectChinese(page, 'the submit dialog');
  await page.getByTestId('submit-confirm').click();
  await expect(page.getByTestId('review-status')).toHaveAttribute('data-status', 'submitted');
  await expectChinese(page, 'the editor after submitting');

  // The choice is remembered for the user: English now, and after signing in again.
  await page.getByTestId('lang').selectOption('en');
  await expect(page.getByTestId('nav-graphs')).toHaveText('Graphs');
  await page.getByTestId('sign-out').click();
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('login-submit')).toHaveText('登录');
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await expect(page.getByTestId('nav-graphs')).toHaveText('Graphs');
  await page.getByTestId('lang').selectOption('zh-CN');
  await expect(page.getByTestId('nav-graphs')).toHaveText('数据流图');

  // An admin reviews in Chinese.
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const admin = await ctx.newPage();
  await login(admin, server.url, 'admin', ADMIN_PASSWORD);
  await admin.getByTestId('nav-reviews').click();
  const item = admin.getByTestId('review-item').filter({ hasText: 'e2e_中文' });
  await expect(item).toHaveCount(1);
  await expectChinese(admin, 'the review queue');
  await item.click();
  await expect(admin.getByTestId('review-outcome').or(admin.getByTestId('approve'))).toBeVisible();
  await expectChinese(admin, 'the review page');
  await ctx.close();
});

test('reports, Explore, the admin page with a schedule and the model wizard are in Chinese', async ({ browser }) => {
  // An approved demo graph to schedule.
  const analystApi = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const adminApi = await apiAs(server.url, 'admin', ADMIN_PASSWORD);
  const graphs = await (await analystApi.get('/api/graphs')).json();
  const id = String(graphs.graphs.find((g: { name: string }) => g.name === 'daily_branch_summary').id);
  const sub = await analystApi.post(`/api/graphs/${id}/submit`, { data: { message: '调度用' } });
  expect(sub.status()).toBe(201);
  expect((await adminApi.post(`/api/reviews/${(await sub.json()).id}/approve`, { data: { comment: '同意' } })).ok()).toBe(true);
  await Promise.all([analystApi.dispose(), adminApi.dispose()]);

  // The admin schedules it by the `cn` calendar; the cron reads in Chinese.
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1200 } });
  const admin = await ctx.newPage();
  await login(admin, server.url, 'admin', ADMIN_PASSWORD);
  await admin.goto(server.url + '/#/admin');
  const section = admin.getByTestId('schedules-section');
  const form = section.getByTestId('schedule-form');
  await form.getByTestId('schedule-graph').selectOption({ label: 'daily_branch_summary' });
  await form.getByTestId('schedule-cron').fill('0 2 * * *');
  await form.getByTestId('schedule-calendar').selectOption('cn');
  await expect(form.getByTestId('schedule-cron-words')).toHaveText('每个工作日 02:00');
  await form.getByTestId('schedule-create').click();
  const row = section.locator(`[data-testid="schedule-row"][data-graph="${id}"]`);
  await expect(row.getByTestId('schedule-words')).toHaveText('每个工作日 02:00');
  await expect(admin.getByTestId('calendar-row').first()).toBeVisible();
  await expectChinese(admin, 'the admin page with a schedule');

  // The analyst's reports, one report and a pivot in Explore.
  const page = await ctx.newPage();
  await page.context().clearCookies();
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.goto(server.url + '/#/reports');
  await expect(page.getByTestId('report-branch_deposits')).toBeVisible();
  await expectChinese(page, 'the report list');
  await page.getByTestId('report-branch_deposits').locator('a').click();
  await expect(page.getByTestId('report-table').getByTestId('report-row').first()).toBeVisible();
  await page.getByTestId('explore-rows').selectOption('branch');
  await page.getByTestId('explore-measure').selectOption('deposits');
  await page.getByTestId('explore-run').click();
  await expect(page.getByTestId('explore-table').getByTestId('explore-row').first()).toBeVisible();
  await expectChinese(page, 'a report with a pivot');

  // The model wizard, step by step, with a refusal shown.
  await page.goto(server.url + '/#/graphs');
  await page.locator('[data-testid="graph-item"][data-name="large_txn_watchlist"]').click();
  await expect(page.getByTestId('node-transactions')).toBeVisible();
  await expect(page.getByTestId('model-wizard-open')).toHaveText('建模');
  await page.getByTestId('model-wizard-open').click();
  await page.getByTestId('model-fact').selectOption('transactions');
  await page.getByTestId('model-dim-accounts').check();
  await page.getByTestId('model-dim-customers').check();
  await expectChinese(page, 'the model wizard, step 1');
  await page.getByTestId('model-next').click();
  await expect(page.getByTestId('model-match-accounts')).toHaveText('匹配率 100.0%');
  await expectChinese(page, 'the model wizard, step 2');
  await page.getByTestId('model-next').click();
  await page.getByTestId('model-grain-product').check();
  await page.getByTestId('model-measure-amount').selectOption('sum');
  await page.getByTestId('model-additivity-amount').selectOption('semi_additive');
  await expect(page.getByTestId('model-refusal').first()).toContainText('半可加');
  await expectChinese(page, 'the model wizard, step 3');
  await ctx.close();
});

// Layout holds in both languages: on every page, no button, label, table head,
// navigation link or palette entry has text wider than its box. The demo's
// descriptions and report titles read in the page's language.
for (const locale of ['zh-CN', 'en']) {
  test(`every page's texts fit their boxes in ${locale}`, async ({ browser }) => {
    test.setTimeout(120_000);
    const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const zh = locale === 'zh-CN';
    const check = async (where: string) => {
      await expectFits(page, `${where} (${locale})`);
      if (zh) await expectChinese(page, where);
    };
    await page.goto(server.url + '/#/login');
    await expect(page.getByTestId('login-submit')).toBeVisible();
    await check('the sign-in page');
    await login(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.getByTestId('lang').selectOption(locale);
    await expect(page.getByTestId('nav-graphs')).toHaveText(zh ? '数据流图' : 'Graphs');

    const item = page.locator('[data-testid="graph-item"][data-name="daily_branch_summary"]');
    await expect(item.locator('.graph-desc')).toHaveText(
      zh ? '业务日期当天金额超过 100 的交易，按分行汇总，金额大的在前'
        : 'Transactions over 100 on the business date, totalled per branch, biggest first');
    await check('the graph list');

    await page.locator('[data-testid="graph-item"][data-name="large_txn_watchlist"]').click();
    await expect(page.getByTestId('node-transactions')).toBeVisible();
    await select(page, 'transactions');
    await expect(page.getByTestId('preview-row').first()).toBeVisible();
    await check('the editor with the inspector and a preview');

    for (const [hash, testid, where] of [
      ['/#/runs', 'runs-filter-status', 'the run history'],
      ['/#/dataflow', 'dataflow-page', 'the data-flow map'],
      ['/#/reviews', 'review-queue', 'the review queue'],
      ['/#/admin', 'schedules-section', 'the admin page'],
      ['/#/admin/connections', 'connection-list', 'the connections'],
      ['/#/reports', 'report-list', 'the reports'],
    ]) {
      await page.goto(server.url + hash);
      await expect(page.getByTestId(testid).first()).toBeVisible();
      await page.waitForTimeout(300);
      await check(where);
    }
    await expect(page.getByTestId('report-branch_deposits').locator('strong')).toHaveText(
      zh ? '每日分行存款' : 'Daily branch deposits');
    await page.getByTestId('report-branch_deposits').locator('a').click();
    await expect(page.getByTestId('report-table').getByTestId('report-row').first()).toBeVisible();
    await expect(page.locator('h1').first()).toHaveText(zh ? '每日分行存款' : 'Daily branch deposits');
    await check('a report');
    // The check can fail: a navigation link squeezed narrower than its text is reported.
    await page.getByTestId('nav-graphs').evaluate((a: HTMLElement) => {
      Object.assign(a.style, { display: 'inline-block', width: '8px', overflow: 'hidden', whiteSpace: 'nowrap' });
    });
    expect((await overflowing(page)).some((o) => o.startsWith('nav-graphs'))).toBe(true);
    await ctx.close();
  });
}
