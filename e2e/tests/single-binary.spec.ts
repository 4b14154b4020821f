// One file to copy: the `sluice` binary started from an empty folder, with no
// `static/` beside it and no `--static-dir`, serves the editor from inside
// itself, precompressed, and pinned by content hash so browsers cache it for good.
import { test, expect } from '@playwright/test';
import { Server, ANALYST } from './server';
import { login } from './helpers';

const server = new Server(18475, true);

test.beforeAll(async () => {
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

test('the binary alone serves the editor, cached by content hash', async ({ page }) => {
  const wasm = page.waitForResponse((r) => r.url().includes('/pkg/sluice_frontend_bg.wasm'));
  const checker = page.waitForResponse((r) => r.url().includes('/pkg/sluice_checker_bg.wasm'));
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await expect(page.getByTestId('graph-list')).toBeVisible();
  const res = await wasm;
  expect(res.status()).toBe(200);
  expect(res.url()).toMatch(/\?v=[0-9a-f]{16}$/);
  const headers = res.headers();
  expect(headers['cache-control']).toContain('immutable');
  expect(headers['content-encoding']).toBe('gzip');

  // The full checker, loaded after first paint, is pinned and compressed the same way.
  const second = await checker;
  expect(second.url()).toMatch(/\?v=[0-9a-f]{16}$/);
  expect(second.headers()['cache-control']).toContain('immutable');
  expect(second.headers()['content-encoding']).toBe('gzip');
  await expect.poll(() => page.evaluate(() => typeof (window as any).sluiceChecker?.validate)).toBe('function');

  // The page itself is never cached, so a new build is picked up at once.
  const index = await fetch(`${server.url}/`);
  expect(index.headers.get('cache-control')).toBe('no-cache');
  const html = await index.text();
  expect(html).toMatch(/\/pkg\/sluice_frontend\.js\?v=[0-9a-f]{16}/);
  expect(html).toMatch(/\/pkg\/sluice_checker\.js\?v=[0-9a-f]{16}/);
  // Asked again by its tag, an unchanged file is not sent again.
  const again = await fetch(res.url(), { headers: { 'if-none-match': headers['etag'] } });
  expect(again.status).toBe(304);
});

test('pages outside the editor arrive as chunks of the running module', async ({ page }) => {
  // The first-paint module has no run history in it: its chunk is fetched on the first
  // visit, compressed, and linked into the module already running (the loader imports
  // the glue pinned exactly as index.html does, or the chunk would find a second,
  // uninitialised copy and the page would ask for a reload).
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await expect(page.getByTestId('graph-list')).toBeVisible();
  const chunk = page.waitForResponse((r) => /\/pkg\/split_runs\.[0-9a-f]{16}\.wasm$/.test(r.url()));
  await page.getByTestId('nav-runs').click();
  const res = await chunk;
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/wasm');
  expect(res.headers()['content-encoding']).toBe('gzip');
  await expect(page.getByTestId('runs-table')).toBeVisible();
  await expect(page.getByTestId('chunk-failed')).toHaveCount(0);
  // The reports: another chunk, linked into the same running app.
  await page.getByTestId('nav-reports').click();
  await expect(page.getByTestId('report-list')).toBeVisible();
});
