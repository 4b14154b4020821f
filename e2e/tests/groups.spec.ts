// Node groups on the canvas in real Chromium (the model wizard writes its
// nodes as one): the title bar drags every member by the same amount, wires
// following, as one undo step; collapsing hides the members and the wires
// inside, draws one box with the name and member count and ends boundary
// wires at it; the collapsed state is saved and survives a reload; rename and
// ungroup are undoable and neither touches the nodes.
import { test, expect, Page, Locator } from '@playwright/test';
import { Server, ANALYST } from './server';
import { apiAs, center, drag, login } from './helpers';

const server = new Server(18491);
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const graph = {
  format: 'sluice.graph/v1', name: 'e2e_groups',
  nodes: [
    { id: 'txns', kind: 'source.csv', config: { path: 'demo/transactions.csv' }, pos: [80, 120], ui: { group: 'star' } },
    { id: 'big', kind: 'transform.filter', config: { predicate: 'amount > 1000' }, pos: [340, 160], ui: { group: 'star' } },
    { id: 'out', kind: 'sink.csv', config: { path: 'out/e2e_groups.csv' }, pos: [700, 140] },
  ],
  edges: [{ from: 'txns', to: 'big' }, { from: 'big', to: 'out' }],
  ui: { groups: [{ id: 'star', label: 'Star' }] },
};

async function box(loc: Locator) {
  const b = await loc.boundingBox();
  if (!b) throw new Error('no box');
  return b;
}

/** A card's position in graph units, from its transform (a selection outline would widen its box). */
async function at(page: Page, id: string): Promise<[number, number]> {
  const t = await page.getByTestId(`node-${id}`).getAttribute('transform');
  const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(t ?? '');
  if (!m) throw new Error(`no position in ${t}`);
  return [Number(m[1]), Number(m[2])];
}

/** The canvas zoom: graph units × k = screen pixels. */
async function zoom(page: Page): Promise<number> {
  const t = await page.locator('svg.scene:not(.canvas-overlay) > g.layer').getAttribute('transform');
  return Number(/scale\(([\d.]+)\)/.exec(t ?? '')![1]);
}

function near(got: [number, number], want: [number, number]) {
  expect(Math.abs(got[0] - want[0]), `x ${got} vs ${want}`).toBeLessThan(1.5);
  expect(Math.abs(got[1] - want[1]), `y ${got} vs ${want}`).toBeLessThan(1.5);
}

test('a group drags, collapses, renames and ungroups; collapse is saved and undo restores', async ({ page }) => {
  const api = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const created = await api.post('/api/graphs', { data: { graph } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const { id } = await created.json();
  await login(page, server.url, ANALYST.user, ANALYST.password);
  await page.goto(`${server.url}/#/graphs/${id}`);
  await expect(page.getByTestId('node-txns')).toBeVisible();
  await expect(page.getByTestId('group-label-star')).toHaveText('Star');
  await expect(page.getByTestId('group-frame-star')).toBeVisible();

  // Drag the title: both members move by the mouse's delta, the outside node stays, the wire follows.
  const [a0, b0, o0] = [await at(page, 'txns'), await at(page, 'big'), await at(page, 'out')];
  const wire0 = await page.getByTestId('edge-big-out').locator('path.edge-line').getAttribute('d');
  const [lx, ly] = await center(page.getByTestId('group-label-star'));
  const k = await zoom(page);
  await drag(page, [lx, ly], [lx + 90, ly + 70]);
  const [dx, dy] = [90 / k, 70 / k];
  near(await at(page, 'txns'), [a0[0] + dx, a0[1] + dy]);
  near(await at(page, 'big'), [b0[0] + dx, b0[1] + dy]);
  expect(await at(page, 'out')).toEqual(o0);
  expect(await page.getByTestId('edge-big-out').locator('path.edge-line').getAttribute('d')).not.toBe(wire0);
  // One undo step puts both back.
  await page.keyboard.press('Control+z');
  await expect.poll(() => at(page, 'txns')).toEqual(a0);
  near(await at(page, 'big'), b0);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(async () => (await at(page, 'big'))[0]).toBeGreaterThan(b0[0] + dx - 1.5);
  near(await at(page, 'big'), [b0[0] + dx, b0[1] + dy]);

  // Collapse: members and the inner wire hidden, one box with name and count, the boundary wire drawn to it.
  await page.getByTestId('group-toggle-star').click();
  const groupBox = page.getByTestId('group-box-star');
  await expect(groupBox).toBeVisible();
  await expect(page.getByTestId('group-count-star')).toHaveText('2 nodes');
  await expect(page.getByTestId('group-label-star')).toHaveText('Star');
  await expect(page.getByTestId('node-txns')).toBeHidden();
  await expect(page.getByTestId('node-big')).toBeHidden();
  await expect(page.getByTestId('edge-txns-big')).toBeHidden();
  const boundary = page.getByTestId('edge-big-out');
  await expect(boundary).toBeVisible();
  // The wire starts on the box's right edge, half way down (graph units).
  const d = await boundary.locator('path.edge-line').getAttribute('d');
  const [x1, y1] = /^M([-\d.]+),([-\d.]+)/.exec(d ?? '')!.slice(1).map(Number);
  const r = await groupBox.evaluate((e) => ['x', 'y', 'width', 'height'].map((a) => Number(e.getAttribute(a))));
  expect(Math.abs(x1 - (r[0] + r[2])), `${d} vs ${r}`).toBeLessThan(0.2);
  expect(Math.abs(y1 - (r[1] + r[3] / 2)), `${d} vs ${r}`).toBeLessThan(0.2);
  // Undo expands, redo collapses again.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node-txns')).toBeVisible();
  await expect(groupBox).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('node-txns')).toBeHidden();

  // Dragging the box moves the hidden members too.
  const [hx, hy] = await at(page, 'out');
  const b1 = await box(groupBox);
  await drag(page, [b1.x + b1.width / 2, b1.y + b1.height / 2], [b1.x + b1.width / 2, b1.y + b1.height / 2 + 50]);
  const b2 = await box(groupBox);
  near([b2.x, b2.y], [b1.x, b1.y + 50]);
  expect(await zoom(page)).toBe(k);
  expect(await at(page, 'out')).toEqual([hx, hy]);

  // Saved collapsed: the document says so and a reload draws it collapsed, with no problems.
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-state')).toContainText('Saved');
  const saved = await (await api.get(`/api/graphs/${id}`)).json();
  const doc = saved.graph;
  expect(doc.ui.groups).toEqual([{ id: 'star', label: 'Star', collapsed: true }]);
  // Both members moved by the same graph delta (the drag and the box's drag), the outside node not at all.
  const pos: Record<string, [number, number]> = Object.fromEntries(doc.nodes.map((n: any) => [n.id, n.pos]));
  expect(pos.out).toEqual([700, 140]);
  const [mx, my] = [90 / k, 120 / k];
  for (const [n, x, y] of [['txns', 80, 120], ['big', 340, 160]] as const) {
    expect(Math.abs(pos[n][0] - x - mx), `${n} x`).toBeLessThanOrEqual(1);
    expect(Math.abs(pos[n][1] - y - my), `${n} y`).toBeLessThanOrEqual(1);
  }
  await page.reload();
  await expect(page.getByTestId('group-box-star')).toBeVisible();
  await expect(page.getByTestId('node-txns')).toBeHidden();
  await expect(page.getByTestId('edge-big-out')).toBeVisible();
  await expect(page.getByTestId('problem')).toHaveCount(0);
  // Expanded again, the members are where the drags left them.
  await page.getByTestId('group-toggle-star').click();
  await expect(page.getByTestId('node-txns')).toBeVisible();
  await expect(page.getByTestId('edge-txns-big')).toBeVisible();

  // Rename by double-clicking the title; undo restores the old name.
  await page.getByTestId('group-label-star').dblclick();
  const field = page.getByTestId('group-rename-star');
  await expect(field).toBeFocused();
  await field.fill('Bank star');
  await field.press('Enter');
  await expect(page.getByTestId('group-label-star')).toHaveText('Bank star');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('group-label-star')).toHaveText('Star');

  // Ungroup keeps the nodes; undo brings the group back.
  await page.getByTestId('group-ungroup-star').click();
  await expect(page.getByTestId('group-star')).toHaveCount(0);
  for (const n of ['txns', 'big', 'out']) await expect(page.getByTestId(`node-${n}`)).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('group-label-star')).toHaveText('Star');
});
