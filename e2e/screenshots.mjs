// Screenshots for the README (issue 12): the editor, a review, a run and the
// schedules, each at 1440×900 and 1024×768, into docs/screenshots/; the editor
// in Chinese and English too (issue 19: editor-zh-CN-*, editor-en-*). Not a test:
// it starts a demo server, makes something worth showing through the API
// (an approved graph, a schedule, a run, a change under review), and shoots.
//
//   cd e2e && node screenshots.mjs      (needs the server built and `cargo xtask wasm`)
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
const bin = process.env.SLUICE_BIN ?? path.join(target, 'debug', 'sluice');
const port = 18498;
const base = `http://127.0.0.1:${port}`;
const ADMIN = ['admin', 'shots-pass-1'];
const ANALYST = ['analyst', 'analyst-demo'];
const out = path.join(repo, 'docs', 'screenshots');
const SIZES = [[1440, 900], [1024, 768]];

async function signIn([username, password]) {
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }) });
  if (!r.ok) throw new Error(`sign in as ${username}: ${r.status}`);
  return r.headers.get('set-cookie').split(';')[0];
}

async function api(cookie, method, url, body) {
  const r = await fetch(base + url, { method, headers: { 'content-type': 'application/json', cookie },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function setUp() {
  const [ana, adm] = [await signIn(ANALYST), await signIn(ADMIN)];
  const graphs = (await api(ana, 'GET', '/api/graphs')).graphs;
  const id = graphs.find((g) => g.name === 'daily_branch_summary').id;
  const sub = await api(ana, 'POST', `/api/graphs/${id}/submit`, { message: 'first version' });
  await api(adm, 'POST', `/api/reviews/${sub.id}/approve`, { comment: 'ok' });
  await api(adm, 'POST', '/api/schedules', { graph_id: id, cron: '0 2 * * *', calendar: 'cn', sla: '09:00' });
  const other = graphs.find((g) => g.name === 'large_txn_watchlist').id;
  const sub2 = await api(ana, 'POST', `/api/graphs/${other}/submit`, { message: 'watchlist' });
  await api(adm, 'POST', `/api/reviews/${sub2.id}/approve`, { comment: 'ok' });
  await api(adm, 'POST', '/api/schedules', { graph_id: other, cron: '30 6 * * 1-5', depends_on: [id] });
  const run = await api(ana, 'POST', `/api/graphs/${id}/run`, { biz_date: '2026-11-24' });
  for (let k = 0; k < 150; k++) {
    const d = await api(ana, 'GET', `/api/runs/${run.id}`);
    if (!['queued', 'running'].includes(d.run.status)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // A change under review: a higher threshold.
  const doc = await api(ana, 'GET', `/api/graphs/${id}`);
  const graph = doc.graph;
  graph.nodes.find((n) => n.id === 'large_on_date').config.predicate = 'amount > 300 AND txn_date = $biz_date';
  await api(ana, 'PUT', `/api/graphs/${id}`, { graph, base_version: doc.version });
  const review = await api(ana, 'POST', `/api/graphs/${id}/submit`, { message: 'only the larger transactions' });
  return { id, run: run.id, review: review.id, ana, adm };
}

async function shoot(browser, cookie, name, hash, prepare, locale = 'en-US', sizes = SIZES) {
  for (const [width, height] of sizes) {
    const context = await browser.newContext({ viewport: { width, height }, locale });
    const [k, v] = cookie.split('=');
    await context.addCookies([{ name: k, value: v, url: base }]);
    const page = await context.newPage();
    await page.goto(base + '/#/graphs');
    await page.getByTestId('graph-list').waitFor();
    await page.goto(base + hash);
    await prepare(page);
    await page.waitForTimeout(600);
    const file = path.join(out, `${name}-${width}x${height}.png`);
    await page.screenshot({ path: file });
    console.log(file);
    await context.close();
  }
}

async function main() {
  mkdirSync(out, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-shots-'));
  const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', dataDir, '--demo', '--static-dir', path.join(repo, 'static')],
    { env: { ...process.env, SLUICE_ADMIN_PASSWORD: ADMIN[1] }, stdio: 'ignore' });
  try {
    for (let k = 0; k < 150; k++) {
      try { if ((await fetch(`${base}/api/openapi.json`)).ok) break; } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    const s = await setUp();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
    await shoot(browser, s.ana, 'editor', `/#/graphs/${s.id}`, async (page) => {
      await page.getByTestId('node-large_on_date').waitFor();
      await page.getByTestId('node-large_on_date').locator('.node-head').click();
      await page.getByTestId('preview-row').first().waitFor({ timeout: 20_000 }).catch(() => {});
    });
    // The editor in both languages (issue 19): the browser's language decides.
    for (const [locale, tag] of [['zh-CN', 'zh-CN'], ['en-US', 'en']]) {
      await shoot(browser, s.ana, `editor-${tag}`, `/#/graphs/${s.id}`, async (page) => {
        await page.getByTestId('node-large_on_date').waitFor();
        await page.getByTestId('node-large_on_date').locator('.node-head').click();
        await page.getByTestId('preview-row').first().waitFor({ timeout: 20_000 }).catch(() => {});
      }, locale, [[1440, 900]]);
    }
    await shoot(browser, s.adm, 'review', `/#/reviews/${s.review}`, async (page) => {
      await page.getByTestId('review-config').waitFor();
      await page.getByTestId('sample-diff').first().waitFor({ timeout: 20_000 }).catch(() => {});
    });
    await shoot(browser, s.ana, 'run', `/#/runs/${s.run}`, async (page) => {
      await page.getByTestId('run-nodes').waitFor();
    });
    await shoot(browser, s.adm, 'schedules', '/#/admin', async (page) => {
      await page.getByTestId('schedule-next-firing').first().waitFor();
      await page.getByTestId('schedules-section').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.querySelector('[data-testid="schedules-section"]').scrollIntoView());
    });
    await browser.close();
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
