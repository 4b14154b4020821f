// Browser benchmark (issue 3): a generated graph of 1,000 nodes and 1,200 edges
// in the real editor, in headless Chromium against a real `sluice serve`.
// Reports frames per second and the longest frame while a node is dragged for
// 2 seconds with the real mouse and while the canvas is panned for 2 seconds
// (as opened and zoomed out to the whole graph), time to interactive on localhost, and the
// WebAssembly bundle size (raw and gzip).
//
//   cd e2e && npm run bench        (needs the server built and `cargo xtask wasm`)
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const target = process.env.CARGO_TARGET_DIR ?? '/var/cache/sluice-target';
const bin = process.env.SLUICE_BIN ?? serverBinary();
// The app's files: `static/` of this checkout unless SLUICE_STATIC names another
// build of it (to measure a before/after pair with the same server).
const staticDir = process.env.SLUICE_STATIC ?? process.env.SLUICE_STATIC_DIR ?? path.join(repo, 'static');
const port = 18499;
const base = `http://127.0.0.1:${port}`;

function bigGraph() {
  const nodes = [], edges = [];
  const at = (i) => [60 + (i % 40) * 240, 60 + Math.floor(i / 40) * 110];
  let i = 0;
  for (let s = 0; s < 100; s++) nodes.push({ id: `src_${s}`, kind: 'source.csv', config: { path: 'demo/branches.csv' }, pos: at(i++) });
  for (let f = 0; f < 700; f++) {
    nodes.push({ id: `f_${f}`, kind: 'transform.filter', config: { predicate: "region <> 'x'" }, pos: at(i++) });
    edges.push({ from: f < 100 ? `src_${f}` : `f_${f - 100}`, to: `f_${f}` });
  }
  let budget = 500;
  for (let u = 0; u < 200; u++) {
    nodes.push({ id: `u_${u}`, kind: 'transform.union', config: {}, pos: at(i++) });
    for (let j = 0; j < (u < 100 ? 3 : 2) && budget > 0; j++, budget--) edges.push({ from: `f_${(u * 3 + j) % 700}`, to: `u_${u}` });
  }
  return { format: 'sluice.graph/v1', name: 'bench_1000_nodes', nodes, edges };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// The optimised server (`cargo build -p sluice-backend --profile perf`, or
// `--release`) when built, else the debug one; the table says which.
function serverBinary() {
  for (const profile of ['perf', 'release', 'debug']) {
    const p = path.join(target, profile, 'sluice');
    if (existsSync(p)) return p;
  }
  return path.join(target, 'debug', 'sluice');
}

// Bytes of every WebAssembly module in static/pkg, raw and gzip (the `.gz` the
// server sends): the first-paint module (`sluice_frontend`) and the sum.
function wasmSizes(dir) {
  const pkg = path.join(dir, 'pkg');
  const rows = [];
  let raw = 0, gz = 0;
  // Chunks of code shared by several split points (`chunk_*.wasm`) are summed in one row.
  let shared = [0, 0, 0];
  for (const f of readdirSync(pkg).filter((f) => f.endsWith('.wasm')).sort()) {
    const r = statSync(path.join(pkg, f)).size;
    const g = existsSync(path.join(pkg, f + '.gz')) ? statSync(path.join(pkg, f + '.gz')).size : NaN;
    raw += r; gz += g;
    if (f.startsWith('chunk_')) {
      shared = [shared[0] + 1, shared[1] + r, shared[2] + g];
      continue;
    }
    const what = f === 'sluice_frontend_bg.wasm' ? 'first paint' : 'after first paint';
    rows.push([`WebAssembly ${f} (${what}): raw / gzip bytes`, `${r} / ${g}`]);
  }
  if (shared[0] > 0) {
    rows.push([`WebAssembly, ${shared[0]} shared chunks (with the first split that needs them): raw / gzip bytes`, `${shared[1]} / ${shared[2]}`]);
  }
  rows.push(['WebAssembly, all modules: raw / gzip bytes', `${raw} / ${gz}`]);
  return rows;
}

// Milliseconds from navigation until the editor validates with the full
// checker (the second module loaded), median of 3; `-` when there is none.
async function checkerReady(page, url) {
  const times = [];
  for (let k = 0; k < 3; k++) {
    await page.goto('about:blank');
    const t0 = Date.now();
    await page.goto(url);
    try {
      await page.waitForFunction(() => typeof window.sluiceChecker?.validate === 'function', null, { timeout: 20000 });
    } catch {
      return '-';
    }
    times.push(Date.now() - t0);
  }
  return String(median(times));
}

/** Starts recording animation frames in the page. */
async function recordFrames(page) {
  await page.evaluate(() => {
    window.__frames = [];
    if (window.__ticking) return; // one loop per page, however many measurements
    window.__ticking = true;
    const tick = (t) => { if (window.__frames.length < 100000) window.__frames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
}

/** Frames per second, longest and median frame over the last `ms` of the recording. */
async function frameStats(page, ms) {
  const frames = await page.evaluate((ms) => {
    const f = window.__frames;
    const end = f[f.length - 1];
    return f.filter((t) => t >= end - ms);
  }, ms);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  const longest = Math.max(...gaps);
  // When the longest frame began (page clock), to tell which step of the gesture made it.
  const longestAt = frames[gaps.indexOf(longest)];
  return { fps: (gaps.length * 1000) / gaps.reduce((a, b) => a + b, 0), longest, longestAt, median: median(gaps) };
}

/** Records, on the page clock, when the pointer went down, first moved and went up. */
async function recordPointer(page) {
  await page.evaluate(() => {
    window.__pointer = {};
    const at = (name) => (ev) => { if (!(name in window.__pointer) && (name !== 'move' || 'down' in window.__pointer)) window.__pointer[name] = ev.timeStamp; };
    for (const [type, name] of [['pointerdown', 'down'], ['pointermove', 'move'], ['pointerup', 'up']]) {
      window.addEventListener(type, at(name), { capture: true });
    }
  });
}

/** Which step of a gesture the longest frame belongs to, in words. */
async function longestFrameWhen(page, at) {
  const p = await page.evaluate(() => window.__pointer);
  const rel = (name) => (name in p ? `${(at - p[name]).toFixed(0)} ms after the ${name === 'down' ? 'press' : name === 'move' ? 'first move' : 'release'}` : null);
  return [rel('down'), rel('move'), rel('up')].filter(Boolean).join(', ');
}

/** Drags, for 2 s with the real mouse, the node nearest the middle of the view. */
async function measureDrag(page) {
  const id = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
    const [cx, cy] = [c.left + c.width / 2, c.top + c.height / 2];
    let best = null, dist = Infinity;
    for (const n of document.querySelectorAll('[data-testid^="node-"][data-kind]')) {
      const r = n.getBoundingClientRect();
      const d = Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy);
      if (d < dist) { dist = d; best = n.dataset.testid; }
    }
    return best;
  });
  const head = page.getByTestId(id).locator('.node-head');
  const box = await head.boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await recordFrames(page);
  await page.mouse.move(x, y);
  await recordPointer(page);
  await page.mouse.down();
  const start = Date.now();
  let k = 0;
  while (Date.now() - start < 2000) {
    k++;
    await page.mouse.move(x + 120 * Math.sin(k / 15), y + 80 * Math.cos(k / 15));
  }
  await page.mouse.up();
  const s = await frameStats(page, Date.now() - start);
  const moved = await head.boundingBox();
  const when = await longestFrameWhen(page, s.longestAt);
  // The longest frame that ended before the release: the drag itself, without the drop.
  const beforeUp = await page.evaluate((ms) => {
    const f = window.__frames, up = window.__pointer.up ?? Infinity;
    const inside = f.filter((t) => t >= f[f.length - 1] - ms && t <= up);
    return Math.max(...inside.slice(1).map((t, i) => t - inside[i]));
  }, Date.now() - start);
  return { ...s, k, when, beforeUp, moved: moved && Math.abs(moved.x - box.x) + Math.abs(moved.y - box.y) > 1 };
}

/** Pans the canvas for 2 s with the middle button held (the real mouse), as a user
 * does, at the zoom the editor opened with and zoomed out to the whole graph. */
async function measurePan(page) {
  const rows = [];
  for (const [label, zoomOut] of [['as opened', false], ['zoomed out', true]]) {
    if (zoomOut) {
      for (let z = 0; z < 12; z++) await page.getByTestId('zoom-out').click();
      await page.waitForTimeout(500);
    }
    const zoom = await page.getByTestId('zoom-level').textContent();
    const visible = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid^="node-"][data-kind]')].filter((n) => {
        const r = n.getBoundingClientRect();
        return r.right > c.left && r.left < c.right && r.bottom > c.top && r.top < c.bottom;
      }).length;
    });
    const box = await page.getByTestId('canvas').boundingBox();
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    const probe = page.locator('[data-testid^="node-"][data-kind]').first();
    const before = await probe.boundingBox();
    await recordFrames(page);
    await page.mouse.move(x, y);
    await page.mouse.down({ button: 'middle' });
    const start = Date.now();
    let k = 0;
    while (Date.now() - start < 2000) {
      k++;
      await page.mouse.move(x + 200 * Math.sin(k / 15), y + 120 * Math.cos(k / 15));
    }
    await page.mouse.up({ button: 'middle' });
    const s = await frameStats(page, Date.now() - start);
    const after = await probe.boundingBox();
    const moved = before && after && Math.abs(after.x - before.x) + Math.abs(after.y - before.y) > 1;
    rows.push(
      [`pan 2 s, ${label} (zoom ${zoom}, ${visible} nodes in view): frames per second`, s.fps.toFixed(1)],
      [`pan 2 s, ${label}: longest frame (ms)`, s.longest.toFixed(1)],
      [`pan 2 s, ${label}: median frame (ms)`, s.median.toFixed(1)],
      [`pan 2 s, ${label}: pointer moves sent, view moved`, `${k}, ${moved ? 'yes' : 'NO'}`],
    );
  }
  return rows;
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-canvas-bench-'));
  const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', dataDir, '--demo', '--static-dir', staticDir],
    { env: { ...process.env, SLUICE_ADMIN_PASSWORD: 'bench-pass-1' }, stdio: 'ignore' });
  try {
    for (let k = 0; k < 150; k++) {
      try { if ((await fetch(`${base}/api/openapi.json`)).ok) break; } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-pass-1' }) });
    const cookie = login.headers.get('set-cookie').split(';')[0];
    const graph = bigGraph();
    const created = await (await fetch(`${base}/api/graphs`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ graph }) })).json();

    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();

    // Time to interactive: the empty app (graph list), and the 1,000-node editor.
    const tti = [];
    for (let k = 0; k < 3; k++) {
      await page.goto('about:blank'); // a real load each time, not a hash change
      const t0 = Date.now();
      await page.goto(`${base}/#/graphs`);
      await page.getByTestId('graph-list').waitFor();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      tti.push(Date.now() - t0);
    }
    const editorTti = [];
    for (let k = 0; k < 3; k++) {
      await page.goto('about:blank');
      const t0 = Date.now();
      await page.goto(`${base}/#/graphs/${created.id}`);
      await page.getByTestId('node-f_350').waitFor({ timeout: 60000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      editorTti.push(Date.now() - t0);
    }
    const checkerMs = await checkerReady(page, `${base}/#/graphs/${created.id}`);
    await page.goto(`${base}/#/graphs/${created.id}`);
    await page.getByTestId('node-f_350').waitFor({ timeout: 60000 });
    await page.waitForTimeout(1000);
    const counts = await page.evaluate(() => [document.querySelectorAll('[data-testid^="node-"][data-kind]').length, document.querySelectorAll('[data-testid^="edge-"]').length]);

    const drag = await measureDrag(page);
    await page.keyboard.press('Control+z'); // the drag is one undo step: put the node back
    await page.getByTestId('zoom-fit').click();
    await page.waitForTimeout(500);
    const panRows = await measurePan(page);
    await browser.close();

    const rows = [
      ['server', path.relative(repo, bin).startsWith('..') ? bin : path.relative(repo, bin)],
      ['graph', `${counts[0]} nodes, ${counts[1]} edges rendered`],
      ['drag 2 s: frames per second', drag.fps.toFixed(1)],
      ['drag 2 s: longest frame (ms)', drag.longest.toFixed(1)],
      ['drag 2 s: the longest frame began', drag.when],
      ['drag 2 s: longest frame before the release (ms)', drag.beforeUp.toFixed(1)],
      ['drag 2 s: median frame (ms)', drag.median.toFixed(1)],
      ['pointer moves sent', String(drag.k)],
      ['node moved', drag.moved ? 'yes' : 'NO'],
      ...panRows,
      ['time to interactive, app (ms, median of 3)', String(median(tti))],
      ['time to interactive, 1,000-node editor (ms, median of 3)', String(median(editorTti))],
      ['1,000-node editor: full checker ready (ms, median of 3)', checkerMs],
      ...wasmSizes(staticDir),
    ];
    const table = ['| measure | value |', '|---|---:|', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
    console.log(table);
    mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
    writeFileSync(process.env.BENCH_OUT ?? path.join(repo, 'bench/results/canvas.md'),
      `Canvas benchmark, headless Chromium (software rendering), ${new Date().toISOString()}\n\n${table}\n\nTargets: drag and pan >= 55 fps with the longest frame < 50 ms, first-paint gzip <= 500 KB, interactive < 1 s (app) and < 1.5 s (1,000-node editor).\n`);
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
