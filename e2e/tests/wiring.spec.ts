// Wiring ergonomics (issue 12, item 9), in real Chromium against a real
// `sluice serve`: a node dropped on a wire is inserted into it; a wire into a
// full single input replaces its wire (one undo step); a palette click with a
// node selected adds the new node downstream, wired; the palette search knows
// analysts' words and Enter adds; auto-layout lays the graph out left to right.
import { test, expect, Page } from '@playwright/test';
import { Server } from './server';
import { newGraph as newGraphAt, dropNode, wire, select, nodeIds, drag, center } from './helpers';

const server = new Server(18437);
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

async function newGraph(page: Page, name: string) {
  await newGraphAt(page, server.url, name);
}

/** The middle of the wire `from → to` on screen (its midpoint handle). */
async function wireMiddle(page: Page, from: string, to: string): Promise<[number, number]> {
  return center(page.getByTestId(`edge-${from}-${to}`).locator('.edge-mid'));
}

test('a node dropped on a wire is inserted into it, and a moved one too', async ({ page }) => {
  await newGraph(page, 'e2e_insert');
  const src = await dropNode(page, 'source.csv', 110, 150);
  const sink = await dropNode(page, 'sink.csv', 720, 150);
  await wire(page, src, sink);
  await expect(page.getByTestId(`edge-${src}-${sink}`)).toBeVisible();

  // From the palette, straight onto the wire.
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const [mx, my] = await wireMiddle(page, src, sink);
  const before = await nodeIds(page);
  await page.mouse.move(...(await center(page.getByTestId('palette-transform.filter'))));
  await page.mouse.down();
  await page.mouse.move(mx, my, { steps: 12 });
  // While over the wire, the wire shows where the node will go.
  await expect(page.getByTestId(`edge-${src}-${sink}`)).toHaveClass(/insert/);
  await page.mouse.up();
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  const f = (await nodeIds(page)).find((id) => !before.includes(id))!;
  await expect(page.getByTestId(`edge-${src}-${f}`)).toBeVisible();
  await expect(page.getByTestId(`edge-${f}-${sink}`)).toBeVisible();
  await expect(page.getByTestId(`edge-${src}-${sink}`)).toHaveCount(0);

  // A node already on the canvas, with no wires, dragged onto a wire.
  const lim = await dropNode(page, 'transform.limit', 300, 380);
  const [wx, wy] = await wireMiddle(page, f, sink);
  await drag(page, await center(page.getByTestId(`node-${lim}`).locator('.node-head')), [wx, wy - 10], 15);
  await expect(page.getByTestId(`edge-${f}-${lim}`)).toBeVisible();
  await expect(page.getByTestId(`edge-${lim}-${sink}`)).toBeVisible();
  await expect(page.getByTestId(`edge-${f}-${sink}`)).toHaveCount(0);
  // The drag and the insertion are one undo step.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId(`edge-${f}-${sink}`)).toBeVisible();
  await expect(page.getByTestId(`edge-${f}-${lim}`)).toHaveCount(0);
  expect(canvas.width).toBeGreaterThan(0);
});

test('wiring into a full single input replaces its wire, undoably; a cycle is still refused', async ({ page }) => {
  await newGraph(page, 'e2e_replace');
  const a = await dropNode(page, 'source.csv', 110, 100);
  const b = await dropNode(page, 'source.csv', 110, 300);
  const f = await dropNode(page, 'transform.filter', 420, 200);
  const g = await dropNode(page, 'transform.filter', 700, 200);
  await wire(page, a, f);
  await wire(page, b, f);
  await expect(page.getByTestId(`edge-${b}-${f}`)).toBeVisible();
  await expect(page.getByTestId(`edge-${a}-${f}`)).toHaveCount(0);
  await expect(page.getByTestId('status')).toContainText(`Replaced the wire from \`${a}\``);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId(`edge-${a}-${f}`)).toBeVisible();
  await expect(page.getByTestId(`edge-${b}-${f}`)).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId(`edge-${b}-${f}`)).toBeVisible();

  // f → g, then g → f: f's input is full, but replacing it would close a cycle.
  await wire(page, f, g);
  await wire(page, g, f);
  await expect(page.getByTestId(`edge-${g}-${f}`)).toHaveCount(0);
  await expect(page.getByTestId(`edge-${b}-${f}`)).toBeVisible();
  await expect(page.getByTestId('status')).toHaveText(`${g}: is on a cycle: ${g} → ${f} → ${g}`);
});

test('palette: search by analysts’ words, Enter adds, a click adds downstream of the selection', async ({ page }) => {
  await newGraph(page, 'e2e_palette');
  const search = page.getByTestId('palette-search');
  for (const [word, kinds] of [
    ['group', ['transform.aggregate']],
    ['lookup', ['transform.join']],
    ['rename', ['transform.select']],
    ['dedupe', ['transform.distinct']],
    ['top', ['transform.limit', 'transform.sort']],
  ] as const) {
    await search.fill(word);
    for (const k of kinds) await expect(page.getByTestId(`palette-${k}`)).toBeVisible();
    await expect(page.getByTestId('palette-source.csv')).toBeHidden();
  }

  await search.fill('');
  const src = await dropNode(page, 'source.csv', 150, 200);
  await select(page, src);
  await search.fill('group');
  await search.press('Enter');
  // Added to the right of the source, wired from it, and selected.
  await expect.poll(async () => (await nodeIds(page)).length).toBe(2);
  const agg = (await nodeIds(page)).find((id) => id !== src)!;
  await expect(page.getByTestId(`node-${agg}`)).toHaveAttribute('data-kind', 'transform.aggregate');
  await expect(page.getByTestId(`edge-${src}-${agg}`)).toBeVisible();
  const [s, a] = [await page.getByTestId(`node-${src}`).boundingBox(), await page.getByTestId(`node-${agg}`).boundingBox()];
  expect(a!.x).toBeGreaterThan(s!.x + s!.width);
  await expect(page.getByTestId('inspector-node-id')).toHaveValue(agg);

  // A plain click on an entry chains on from the new selection.
  await search.fill('');
  await page.getByTestId('palette-sink.csv').click();
  await expect.poll(async () => (await nodeIds(page)).length).toBe(3);
  const sink = (await nodeIds(page)).find((id) => id !== src && id !== agg)!;
  await expect(page.getByTestId(`edge-${agg}-${sink}`)).toBeVisible();
  // Adding the node and its wire is one undo step (keys go to the canvas once
  // the search field lets go of the focus).
  await page.getByTestId('palette-search').blur();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId(`node-${sink}`)).toHaveCount(0);
  await expect(page.getByTestId(`edge-${src}-${agg}`)).toBeVisible();
});

test('auto-layout puts every wire left to right with no overlapping cards', async ({ page }) => {
  await newGraph(page, 'e2e_layout');
  // Dropped in reverse: the sink on the left, the source on the right.
  const sink = await dropNode(page, 'sink.csv', 120, 120);
  const f = await dropNode(page, 'transform.filter', 380, 300);
  const src = await dropNode(page, 'source.csv', 640, 120);
  await wire(page, src, f);
  await wire(page, f, sink);
  await page.getByTestId('auto-layout').click();
  const box = async (id: string) => (await page.getByTestId(`node-${id}`).locator('.node-body').boundingBox())!;
  await expect.poll(async () => (await box(src)).x < (await box(f)).x && (await box(f)).x < (await box(sink)).x).toBe(true);
  const [bs, bf, bk] = [await box(src), await box(f), await box(sink)];
  expect(bs.x + bs.width).toBeLessThan(bf.x);
  expect(bf.x + bf.width).toBeLessThan(bk.x);
  // A chain sits on one line (centres compared: a selected card's outline is wider).
  expect(Math.abs(bs.y + bs.height / 2 - (bk.y + bk.height / 2))).toBeLessThan(1);
  // One undo step puts everything back.
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await box(sink)).x < (await box(src)).x).toBe(true);
});
