// Databases end to end: the admin registers a PostgreSQL connection (tests it,
// saves it; the password never comes back to the page), then the analyst builds
// table → filter → table by dragging, sees live rows from PostgreSQL, saves,
// submits and runs the draft, the rows written are read back with psql, and the
// reviewer sees which tables the version reads and writes in prod.
//
// Needs PostgreSQL on 127.0.0.1:5432 with trust auth (user postgres, database
// test), as on CI; without it the setup fails loudly.
import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { Server, ADMIN_PASSWORD } from './server';
import { login, newGraph, dropNode, wire, select } from './helpers';

const server = new Server(18493);
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', db: 'test' };
const CONN = 'e2e_pg';
const SECRET = 'e2e-never-shown-Xq7';
// Tables of this run only, so parallel runs on one database do not collide.
const SRC = `e2e_connui_src_${process.pid}`;
const OUT = `e2e_connui_out_${process.pid}`;

function psql(sql: string): string {
  return execFileSync('psql', ['-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', PG.db,
    '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
  { encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '5', PGOPTIONS: '-c client_min_messages=warning' } }).trim();
}

test.beforeAll(async () => {
  psql(`DROP TABLE IF EXISTS public.${SRC}; DROP TABLE IF EXISTS public.${OUT};
    CREATE TABLE public.${SRC} (id integer PRIMARY KEY, name text, amount numeric(12,2));
    INSERT INTO public.${SRC} VALUES (1, 'Alice', 50.00), (2, '张三', 150.50), (3, 'Bob', 99.99),
      (4, 'Émile', 1200.00), (5, NULL, 101.00);`);
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
  psql(`DROP TABLE IF EXISTS public.${SRC}; DROP TABLE IF EXISTS public.${OUT};`);
});

/** Signs out and waits for the login form, so the next sign-in types into a form that stays. */
async function signOut(page: Page) {
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('login-user')).toBeVisible();
}

async function createConnection(page: Page) {
  await login(page, server.url, 'admin', ADMIN_PASSWORD);
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-connections').click();
  await expect(page.getByTestId('connection-list')).toBeVisible();
  await page.getByTestId('new-connection').click();
  await page.getByTestId('connection-name').fill(CONN);
  await page.getByTestId('connection-kind').selectOption('postgres');
  await page.getByTestId('connection-host').fill(PG.host);
  await page.getByTestId('connection-port').fill(String(PG.port));
  await page.getByTestId('connection-database').fill(PG.db);
  await page.getByTestId('connection-user').fill(PG.user);
  await page.getByTestId('connection-password').fill(SECRET);
  // Read-only is the default; the sink of this test writes through it.
  await expect(page.getByTestId('connection-read-only')).toBeChecked();
  await page.getByTestId('connection-read-only').uncheck();

  await page.getByTestId('connection-test').click();
  const result = page.getByTestId('connection-test-result');
  await expect(result).toHaveAttribute('data-ok', 'true', { timeout: 15_000 });
  await expect(result).toHaveClass(/\bok\b/);
  await expect(result).not.toBeEmpty();

  await page.getByTestId('connection-save').click();
  const row = page.getByTestId(`connection-${CONN}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('PostgreSQL');
  await expect(row).toContainText(`${PG.host}:${PG.port}/${PG.db}`);
  await expect(row).toContainText('read and write');
  await expect(row).toContainText('secret stored');
  await expect(page.getByTestId('connection-form')).toHaveCount(0);

  // The secret is nowhere: not in the page, not in what the API answers, not in
  // the edit form, and not after a reload.
  expect(await page.content()).not.toContain(SECRET);
  const listed = await page.request.get(`${server.url}/api/connections`);
  expect(listed.ok()).toBe(true);
  expect(await listed.text()).not.toContain(SECRET);
  await page.reload();
  await row.getByTestId('connection-edit').click();
  await expect(page.getByTestId('connection-password')).toHaveValue('');
  await expect(page.getByTestId('connection-name')).toHaveValue(CONN);
  expect(await page.content()).not.toContain(SECRET);
  await page.getByTestId('connection-cancel').click();

  // Both environments every server has are there to bind names in.
  await expect(page.getByTestId('env-dev')).toBeVisible();
  await expect(page.getByTestId('env-prod')).toBeVisible();
  await signOut(page);
}

test('admin connects PostgreSQL; analyst reads, filters and writes a table', async ({ page }) => {
  test.setTimeout(120_000);
  await createConnection(page);

  await newGraph(page, server.url, 'e2e_tables');
  await expect(page.getByTestId('environment')).toHaveText('dev');
  const src = await dropNode(page, 'source.table', 100, 150);
  const filter = await dropNode(page, 'transform.filter', 330, 150);
  const sink = await dropNode(page, 'sink.table', 560, 150);
  await wire(page, src, filter);
  await wire(page, filter, sink);

  // The source: a connection from the catalog, a table from its list.
  await select(page, src);
  await page.getByTestId('config-connection').selectOption(CONN);
  await expect(page.getByTestId('config-table-note')).toContainText(`tables on ${CONN}`);
  const offered = page.locator(`datalist option[value="public.${SRC}"], datalist option[value="${SRC}"]`);
  await expect(offered).toHaveCount(1);
  await page.getByTestId('config-table').fill((await offered.getAttribute('value'))!);
  // Its columns arrive and fill the pickers downstream.
  await expect(page.getByTestId('output-columns')).toContainText('amount');
  await expect(page.getByTestId('output-columns')).toContainText('name');

  await select(page, filter);
  await page.getByTestId('config-predicate').fill('amount > 100');
  await expect(page.getByTestId('preview-row')).toHaveCount(3);
  await expect(page.getByTestId('preview')).toContainText('张三');
  await expect(page.getByTestId('preview')).not.toContainText('Alice');

  // The sink: only the fields of the chosen mode show.
  await select(page, sink);
  await page.getByTestId('config-connection').selectOption(CONN);
  await page.getByTestId('config-table').fill(`public.${OUT}`);
  await expect(page.getByTestId('config-keys')).toHaveCount(0);
  await page.getByTestId('config-mode').selectOption('merge');
  await expect(page.getByTestId('config-keys')).toBeVisible();
  await expect(page.getByTestId('config-partition_by')).toHaveCount(0);
  await page.getByTestId('config-mode').selectOption('replace_partition');
  await expect(page.getByTestId('config-partition_by')).toBeVisible();
  await expect(page.getByTestId('config-keys')).toHaveCount(0);
  await page.getByTestId('config-mode').selectOption('scd2');
  for (const k of ['keys', 'tracked', 'as_of', 'expire_missing']) {
    await expect(page.getByTestId(`config-${k}`)).toBeVisible();
  }
  await page.getByTestId('config-mode').selectOption('replace');
  await expect(page.getByTestId('config-keys')).toHaveCount(0);
  await expect(page.getByTestId('problem')).toHaveCount(0);
  await expect(page.getByTestId('no-problems')).toBeVisible();

  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-state')).toContainText('Saved');
  await page.getByTestId('submit').click();
  await page.getByTestId('submit-message').fill('PostgreSQL in, PostgreSQL out');
  await page.getByTestId('submit-confirm').click();
  await expect(page.getByTestId('review-status')).toHaveAttribute('data-status', 'submitted');
  await page.getByTestId('run').click();
  // Where draft runs ask for their business date and parameters first, start from the dialog.
  const dialog = page.getByTestId('run-dialog');
  await expect(page.getByTestId('run-page').or(dialog)).toBeVisible();
  if (await dialog.isVisible()) await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-page')).toBeVisible();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });

  const written = psql(`SELECT id, coalesce(name, '<null>'), amount::numeric(12,2) FROM public.${OUT} ORDER BY id`);
  expect(written.split('\n')).toEqual(['2|张三|150.50', '4|Émile|1200.00', '5|<null>|101.00']);

  // The reviewer sees what the version reads and writes where it will run (prod;
  // without a binding there, the connection of the same name).
  await signOut(page);
  await login(page, server.url, 'admin', ADMIN_PASSWORD);
  await page.getByTestId('nav-reviews').click();
  await page.getByTestId('review-item').filter({ hasText: 'e2e_tables' }).click();
  await expect(page.getByTestId('review-connection')).toHaveCount(2);
  const reads = page.locator(`[data-testid="review-connection"][data-node="${src}"]`);
  await expect(reads).toContainText('reads');
  await expect(reads).toContainText(SRC);
  await expect(reads).toContainText(`PostgreSQL · ${PG.host}:${PG.port}/${PG.db}`);
  const writes = page.locator(`[data-testid="review-connection"][data-node="${sink}"]`);
  await expect(writes).toContainText('writes');
  await expect(writes).toContainText(`public.${OUT}`);
  await expect(writes).toContainText(CONN);
  expect(await page.content()).not.toContain(SECRET);
});

test('forms: mistakes named, failures explained, read-only kept from sinks, fields per mode', async ({ page }) => {
  const RO = 'e2e_ro';
  await login(page, server.url, 'admin', ADMIN_PASSWORD);
  await page.goto(server.url + '/#/admin/connections');
  await page.getByTestId('new-connection').click();
  await page.getByTestId('connection-name').fill(RO);
  await page.getByTestId('connection-host').fill(PG.host);
  await page.getByTestId('connection-port').fill('70000');
  await page.getByTestId('connection-database').fill('e2e_no_such_database');
  await page.getByTestId('connection-user').fill(PG.user);
  // A mistake in the form is named before anything is sent.
  await page.getByTestId('connection-test').click();
  await expect(page.getByTestId('connection-problem')).toContainText('port:');
  // The server's answer for a database that is not there, in words.
  await page.getByTestId('connection-port').fill(String(PG.port));
  await page.getByTestId('connection-test').click();
  const result = page.getByTestId('connection-test-result');
  await expect(result).toHaveAttribute('data-ok', 'false', { timeout: 15_000 });
  await expect(result).toContainText('does not exist');
  await page.getByTestId('connection-database').fill(PG.db);
  await page.getByTestId('connection-test').click();
  await expect(result).toHaveAttribute('data-ok', 'true', { timeout: 15_000 });
  // SQLite asks for a file only.
  await page.getByTestId('connection-kind').selectOption('sqlite');
  await expect(page.getByTestId('connection-host')).toHaveCount(0);
  await page.getByTestId('connection-kind').selectOption('postgres');
  await expect(page.getByTestId('connection-host')).toHaveValue(PG.host);
  await page.getByTestId('connection-save').click();
  const row = page.getByTestId(`connection-${RO}`);
  await expect(row).toContainText('read-only');
  await expect(row).toContainText('no secret');

  // prod binds the name to a connection and has its own data root; both stay after a reload.
  const prod = page.getByTestId('env-prod');
  await prod.getByTestId('env-add-binding').click();
  await prod.getByTestId('env-binding-name').last().fill('core');
  await prod.getByTestId('env-save').click();
  await expect(prod.getByTestId('env-status')).toContainText('choose the connection');
  await prod.getByTestId('env-binding-connection').last().selectOption(RO);
  await prod.getByTestId('env-data-root').fill('prodfiles');
  await prod.getByTestId('env-save').click();
  await expect(prod.getByTestId('env-status')).toContainText('Saved prod');
  await page.reload();
  await expect(page.getByTestId('env-prod').getByTestId('env-binding-name').last()).toHaveValue('core');
  await expect(page.getByTestId('env-prod').getByTestId('env-binding-connection').last()).toHaveValue(RO);
  await expect(page.getByTestId('env-prod').getByTestId('env-data-root')).toHaveValue('prodfiles');
  await signOut(page);

  await newGraph(page, server.url, 'e2e_table_forms');
  const src = await dropNode(page, 'source.table', 100, 150);
  const sink = await dropNode(page, 'sink.table', 400, 150);
  await wire(page, src, sink);
  await select(page, src);
  await page.getByTestId('config-connection').selectOption(RO);
  await page.getByTestId('config-table').fill(`public.${SRC}`);
  await page.getByTestId('config-use-query').click();
  await expect(page.getByTestId('config-query')).toHaveValue(`SELECT * FROM public.${SRC}`);
  await expect(page.getByTestId('config-table')).toHaveCount(0);
  await page.getByTestId('config-use-table').click();
  await expect(page.getByTestId('config-query')).toHaveCount(0);
  await page.getByTestId('config-table').fill(`public.${SRC}`);

  // A sink is offered writable connections only.
  await select(page, sink);
  await expect(page.getByTestId('config-connection').locator(`option[value="${RO}"]`)).toHaveCount(0);
  await page.getByTestId('config-mode').selectOption('merge');
  await page.getByTestId('config-keys-0').fill('id');
  await page.getByTestId('config-mode').selectOption('scd2');
  await expect(page.getByTestId('config-keys-0')).toHaveValue('id');
  await expect(page.getByTestId('config-tracked')).toBeVisible();
  // A mode that does not use keys drops them; choosing merge again starts empty.
  await page.getByTestId('config-mode').selectOption('append');
  await expect(page.getByTestId('config-keys')).toHaveCount(0);
  await page.getByTestId('config-mode').selectOption('merge');
  await expect(page.getByTestId('config-keys-0')).toHaveValue('');
});
