// The editor's first-paint module has no SQL parser: expressions, SQL and
// regular expressions are checked by a second WebAssembly module the page
// loads after first paint (frontend/src/checker.rs). Once it is there, the
// problems panel must say exactly what the server's `POST /api/validate` says,
// node, field and words, for a graph with bad SQL, bad expressions and a bad
// pattern.
import { test, expect, request as pwRequest } from '@playwright/test';
import { Server, ANALYST } from './server';
import { login } from './helpers';

const server = new Server(18457);
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const BAD = ['bad_parse', 'bad_column', 'bad_sql', 'dml_sql', 'bad_pattern'];

const graph = {
  format: 'sluice.graph/v1',
  name: 'e2e_checker_parity',
  nodes: [
    {
      id: 'src', kind: 'source.csv', pos: [40, 60],
      config: {
        path: 'demo/branches.csv',
        schema: ['branch', 'branch_name', 'city', 'region', 'manager'].map((name) => ({ name, type: 'string' })),
      },
    },
    { id: 'bad_parse', kind: 'transform.filter', config: { predicate: "region = = 'North'" }, pos: [300, 20] },
    { id: 'bad_column', kind: 'transform.filter', config: { predicate: "regoin <> 'North'" }, pos: [300, 160] },
    { id: 'bad_sql', kind: 'transform.sql', config: { query: 'SELEC * FROM bad_column' }, pos: [560, 20] },
    { id: 'dml_sql', kind: 'transform.sql', config: { query: 'DELETE FROM bad_column' }, pos: [560, 160] },
    {
      id: 'bad_pattern', kind: 'transform.check', pos: [560, 300],
      config: { rules: [{ name: 'code', kind: 'matches', column: 'branch', pattern: '([A-Z' }] },
    },
  ],
  edges: [
    { from: 'src', to: 'bad_parse' },
    { from: 'src', to: 'bad_column' },
    { from: 'bad_parse', to: 'bad_sql' },
    { from: 'bad_column', to: 'dml_sql' },
    { from: 'src', to: 'bad_pattern' },
  ],
};

type P = { node?: string; field?: string; message: string };
const key = (p: P) => `${p.node ?? ''} | ${p.field ?? ''} | ${p.message}`;

test('the editor shows the server’s problems word for word once the checker module has loaded', async ({ page }) => {
  const api = await pwRequest.newContext({ baseURL: server.url });
  expect((await api.post('/api/session', { data: { username: ANALYST.user, password: ANALYST.password } })).ok()).toBeTruthy();
  const created = await api.post('/api/graphs', { data: { graph } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const { id } = await created.json();
  const checked = await api.post('/api/validate', { data: { graph } });
  expect(checked.ok()).toBeTruthy();
  const serverProblems: P[] = (await checked.json()).problems;
  const expected = serverProblems.filter((p) => BAD.includes(p.node ?? '')).map(key).sort();
  // Every bad node has a problem on the server, so the comparison below is not vacuous.
  for (const node of BAD) expect(serverProblems.some((p) => p.node === node), `server problem for ${node}: ${JSON.stringify(serverProblems)}`).toBeTruthy();

  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.goto(`${server.url}/#/graphs/${id}`);
  await expect(page.getByTestId('node-bad_sql')).toBeVisible();
  // The second module arrives after first paint and is what the editor validates with.
  await expect.poll(() => page.evaluate(() => typeof (window as any).sluiceChecker?.validate)).toBe('function');

  const shown = () =>
    page.locator('[data-testid="problem"]').evaluateAll((els) =>
      els.map((e) => {
        const el = e as HTMLElement;
        return {
          node: el.dataset.node,
          field: el.dataset.field,
          message: el.querySelector('.problem-message')?.textContent ?? '',
        };
      }));
  await expect
    .poll(async () => (await shown()).filter((p) => BAD.includes(p.node ?? '')).map(key).sort(), { timeout: 15_000 })
    .toEqual(expected);
  // The SQL parser's own words reach the panel (the first-paint module cannot produce them).
  await expect(page.locator('[data-testid="problem"][data-node="bad_sql"]')).toContainText('cannot read the SQL');
  await expect(page.locator('[data-testid="problem"][data-node="dml_sql"]')).toContainText('only a SELECT is allowed');
  await api.dispose();
});
