// Shared steps for the browser tests: sign in, drag with the real mouse, read node ids.
import { APIRequestContext, expect, Locator, Page, request as pwRequest } from '@playwright/test';
import { ANALYST } from './server';

/** Signs in through the form; `landing` is the test id of the page the user lands on. */
export async function login(page: Page, base: string, user: string, password: string, landing = 'graph-list') {
  await page.goto(base + '/#/login');
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId(landing)).toBeVisible();
}

/** An API client signed in as `user`, with its own cookie jar. */
export async function apiAs(base: string, user: string, password: string): Promise<APIRequestContext> {
  const ctx = await pwRequest.newContext({ baseURL: base });
  const r = await ctx.post('/api/session', { data: { username: user, password } });
  expect(r.ok(), `sign in as ${user}`).toBeTruthy();
  return ctx;
}

/** Signs in as the demo analyst and opens a new, named graph in the editor. */
export async function newGraph(page: Page, base: string, name: string) {
  await login(page, base, ANALYST.user, ANALYST.password);
  await page.getByTestId('new-graph').click();
  await expect(page.getByTestId('canvas')).toBeVisible();
  await page.getByTestId('graph-name').fill(name);
}

export async function center(loc: Locator): Promise<[number, number]> {
  await loc.scrollIntoViewIfNeeded();
  const b = await loc.boundingBox();
  if (!b) throw new Error('element has no box');
  return [b.x + b.width / 2, b.y + b.height / 2];
}

/** A real pointer drag: press, move in steps, release. */
export async function drag(page: Page, from: [number, number], to: [number, number], steps = 10) {
  await page.mouse.move(from[0], from[1]);
  await page.mouse.down();
  await page.mouse.move(to[0], to[1], { steps });
  await page.mouse.up();
}

/** Drags a palette entry onto the canvas at (x, y) relative to the canvas, and returns the new node's id. */
export async function dropNode(page: Page, kind: string, x: number, y: number): Promise<string> {
  const before = await nodeIds(page);
  const canvas = await page.getByTestId('canvas').boundingBox();
  if (!canvas) throw new Error('no canvas');
  await drag(page, await center(page.getByTestId(`palette-${kind}`)), [canvas.x + x, canvas.y + y]);
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  const added = (await nodeIds(page)).filter((id) => !before.includes(id));
  const node = page.getByTestId(`node-${added[0]}`);
  await expect(node).toHaveAttribute('data-kind', kind);
  return added[0];
}

export async function nodeIds(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="node-"][data-kind]').evaluateAll((els) =>
    els.map((e) => (e as HTMLElement).dataset.testid!.slice('node-'.length)));
}

/** Wires the output port of `from` to input `port` of `to`. */
export async function wire(page: Page, from: string, to: string, port = 'in') {
  await drag(page, await center(page.getByTestId(`port-${from}-out`)), await center(page.getByTestId(`port-${to}-in-${port}`)));
}

export async function select(page: Page, id: string) {
  await page.getByTestId(`node-${id}`).locator('.node-head').click();
  await expect(page.getByTestId('inspector-node-id')).toHaveValue(id);
}
