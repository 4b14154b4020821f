// Canvas readability (issue 12, item 5) at 1024×768 in real Chromium: the
// canvas keeps most of the width; palette, inspector and the bottom panels
// resize by dragging their edge and collapse; the preview maximises; a large
// graph opens at a readable zoom; node labels stay inside their cards.
import { test, expect, Page } from '@playwright/test';
import { Server } from './server';
import { newGraph as newGraphAt, dropNode, drag, center, select } from './helpers';

const server = new Server(18439);
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());
test.use({ viewport: { width: 1024, height: 768 } });

async function newGraph(page: Page, name: string) {
  await newGraphAt(page, server.url, name);
}

const box = async (page: Page, id: string) => (await page.getByTestId(id).boundingBox())!;

/** A point on a side panel's resize handle, above its collapse button. */
async function handle(page: Page, id: string): Promise<[number, number]> {
  const b = await box(page, id);
  return [b.x + b.width / 2, b.y + 80];
}

test('at 1024×768 the panels resize, collapse and the preview maximises', async ({ page }) => {
  await newGraph(page, 'e2e_panels');
  const canvas0 = await box(page, 'canvas');
  expect(canvas0.width).toBeGreaterThan(1024 / 2);
  expect(canvas0.height).toBeGreaterThan(300);

  // Drag the palette's edge 80 px right: the palette grows, the canvas shrinks.
  const palette0 = await box(page, 'palette');
  const [px, py] = await handle(page, 'resize-palette');
  await drag(page, [px, py], [px + 80, py]);
  await expect.poll(async () => Math.round((await box(page, 'palette')).width - palette0.width)).toBe(80);
  await expect.poll(async () => Math.round(canvas0.width - (await box(page, 'canvas')).width)).toBe(80);

  // The inspector's edge, dragged left, widens it.
  const insp0 = await box(page, 'inspector');
  const [ix, iy] = await handle(page, 'resize-inspector');
  await drag(page, [ix, iy], [ix - 60, iy]);
  await expect.poll(async () => Math.round((await box(page, 'inspector')).width - insp0.width)).toBe(60);

  // The bottom panels' edge, dragged up, makes the preview taller.
  const preview0 = await box(page, 'preview');
  const [bx, by] = await center(page.getByTestId('resize-bottom'));
  await drag(page, [bx, by], [bx, by - 100]);
  await expect.poll(async () => Math.round((await box(page, 'preview')).height - preview0.height)).toBe(100);

  // Collapsing both side panels gives the canvas the whole width.
  await page.getByTestId('toggle-palette').click();
  await page.getByTestId('toggle-inspector').click();
  await expect(page.getByTestId('palette')).toBeHidden();
  await expect.poll(async () => (await box(page, 'canvas')).width).toBeGreaterThan(1000);
  await page.getByTestId('toggle-palette').click();
  await expect(page.getByTestId('palette-source.csv')).toBeVisible();
  await page.getByTestId('toggle-inspector').click();
  await expect(page.getByTestId('inspector')).toBeVisible();

  // The preview takes the whole centre, and gives it back.
  await page.getByTestId('preview-maximize').click();
  await expect(page.getByTestId('canvas')).toBeHidden();
  const big = await box(page, 'preview');
  expect(big.height).toBeGreaterThan(500);
  await page.getByTestId('preview-maximize').click();
  await expect(page.getByTestId('canvas')).toBeVisible();

  // The bottom panels collapse to their headers; the minimap hides.
  await page.getByTestId('toggle-bottom').click();
  await expect.poll(async () => (await box(page, 'preview')).height).toBeLessThan(40);
  await page.getByTestId('toggle-bottom').click();
  await expect(page.getByTestId('minimap')).toBeVisible();
  await page.getByTestId('toggle-minimap').click();
  await expect(page.getByTestId('minimap')).toHaveCount(0);

  // Nodes still drop where they are let go, on the resized canvas.
  const id = await dropNode(page, 'source.csv', 200, 150);
  await select(page, id);
});

test('a large graph opens at a readable zoom, and labels stay inside their cards', async ({ page }) => {
  await newGraph(page, 'e2e_readable');
  // Forty nodes in a long row: far wider than the canvas.
  const nodes = Array.from({ length: 40 }, (_, i) => ({
    id: i === 3 ? 'a_really_long_node_identifier_for_branch_totals' : `f_${i}`,
    kind: 'transform.filter',
    config: { predicate: "region <> 'somewhere quite far away' AND amount > 1000000" },
    pos: [60 + i * 240, 60],
  }));
  const file = test.info().outputPath('wide.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, JSON.stringify({ format: 'sluice.graph/v1', name: 'e2e_readable', nodes, edges: [] }));
  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByTestId('node-f_0')).toBeVisible();
  await page.getByTestId('zoom-fit').click();
  // Fit does not shrink the text below 75 %: the start of the graph shows, the rest is a pan away.
  await expect(page.getByTestId('zoom-level')).toHaveText('75%');
  const canvas = await box(page, 'canvas');
  const first = await box(page, 'node-f_0');
  expect(first.x).toBeGreaterThanOrEqual(canvas.x);
  expect(first.x).toBeLessThan(canvas.x + 100);

  // Every text of a card ends inside the card.
  const long = page.getByTestId('node-a_really_long_node_identifier_for_branch_totals');
  const overflow = await long.evaluate((g) => {
    const card = g.querySelector('.node-body')!.getBoundingClientRect();
    return [...g.querySelectorAll('text')].map((t) => t.getBoundingClientRect().right - card.right);
  });
  expect(overflow.length).toBeGreaterThan(2);
  for (const o of overflow) expect(o).toBeLessThanOrEqual(0);
  await expect(long.locator('.node-id')).toContainText('…');
});
