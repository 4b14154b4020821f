// Config forms keep what the user types: number fields show exactly the text
// typed (char by char), store a number only when it reads as one, and report
// text that does not read as a problem of the node and field. Leaving the
// editor with unsaved changes asks first.
import { test, expect, Page } from '@playwright/test';
import { Server } from './server';
import { newGraph as newGraphAt, dropNode, select } from './helpers';
import { readFileSync } from 'node:fs';

const server = new Server(18447);
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

async function newGraph(page: Page, name: string) {
  await newGraphAt(page, server.url, name);
}

const fieldProblems = (page: Page, id: string, field: string) =>
  page.locator(`[data-testid="problem"][data-node="${id}"][data-field="${field}"]`);

async function retype(page: Page, testid: string, text: string) {
  const input = page.getByTestId(testid);
  await input.click();
  await input.press('ControlOrMeta+a');
  await input.press('Backspace');
  await page.keyboard.type(text);
}

test('number fields keep the typed text and report what does not read', async ({ page }, info) => {
  await newGraph(page, 'e2e_forms_numbers');
  const limit = await dropNode(page, 'transform.limit', 300, 160);
  await select(page, limit);
  const n = page.getByTestId('config-n');

  for (const bad of ['1.5', '12.75', '-5', '1e30']) {
    await retype(page, 'config-n', bad);
    await expect(n).toHaveValue(bad);
    const p = fieldProblems(page, limit, 'n');
    await expect(p).toHaveCount(1);
    await expect(p).toContainText(`a whole number ≥ 0 is needed, \`${bad}\` is not one`);
    await expect(p).toContainText(limit);
    await expect(page.getByTestId('no-problems')).toHaveCount(0);
  }

  // The caret stays where the user put it: typing in the middle inserts there.
  await retype(page, 'config-n', '25');
  await n.press('ArrowLeft');
  await page.keyboard.type('1');
  await expect(n).toHaveValue('215');
  await retype(page, 'config-n', '25');
  await expect(n).toHaveValue('25');
  await expect(fieldProblems(page, limit, 'n')).toHaveCount(0);

  // The other number field of Limit follows the same rule; emptied, it is left out.
  await retype(page, 'config-offset', '2.5');
  await expect(page.getByTestId('config-offset')).toHaveValue('2.5');
  await expect(fieldProblems(page, limit, 'offset')).toHaveCount(1);
  await retype(page, 'config-offset', '');
  await expect(fieldProblems(page, limit, 'offset')).toHaveCount(0);

  // The text survives the inspector closing and reopening.
  await retype(page, 'config-n', '3x');
  await page.getByTestId('canvas').click({ position: { x: 20, y: 20 } });
  await select(page, limit);
  await expect(n).toHaveValue('3x');
  await expect(fieldProblems(page, limit, 'n')).toHaveCount(1);
  await retype(page, 'config-n', '25');
  await expect(fieldProblems(page, limit, 'n')).toHaveCount(0);

  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-state')).toContainText('Saved');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const file = info.outputPath('limit.json');
  await download.saveAs(file);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const node = doc.nodes.find((x: { id: string }) => x.id === limit);
  expect(node.config.n).toBe(25);
  expect(node.config.offset).toBeUndefined();
});

test('leaving with unsaved changes asks first', async ({ page }) => {
  await newGraph(page, 'e2e_forms_leave');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-state')).toContainText('Saved');
  const unloadPrevented = () => page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  });
  expect(await unloadPrevented()).toBe(false);

  const added = await dropNode(page, 'transform.limit', 300, 160);
  await expect(page.getByTestId('save-state')).toContainText('Unsaved');
  expect(await unloadPrevented()).toBe(true);

  // "←": the dialog; staying keeps the node and the editor.
  await page.locator('.toolbar a.back').click();
  await expect(page.getByTestId('confirm-leave')).toBeVisible();
  await page.getByTestId('confirm-leave-stay').click();
  await expect(page.getByTestId('confirm-leave')).toHaveCount(0);
  await expect(page.getByTestId(`node-${added}`)).toBeVisible();
  expect(page.url()).toContain('#/graphs/');

  // The header's Runs link asks too; so does the browser's back button.
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('confirm-leave')).toBeVisible();
  await page.getByTestId('confirm-leave-stay').click();
  await page.goBack();
  await expect(page.getByTestId('confirm-leave')).toBeVisible();
  await page.getByTestId('confirm-leave-stay').click();
  await expect(page.getByTestId(`node-${added}`)).toBeVisible();

  // Saved: nothing to ask, and beforeunload is disarmed.
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-state')).toContainText('Saved');
  expect(await unloadPrevented()).toBe(false);
  await dropNode(page, 'transform.distinct', 300, 300);

  // Discard leaves, and the unsaved node is not kept.
  await page.locator('.toolbar a.back').click();
  await page.getByTestId('confirm-leave-discard').click();
  await expect(page.getByTestId('graph-list')).toBeVisible();
  await expect(page.getByTestId('confirm-leave')).toHaveCount(0);
  await page.getByText('e2e_forms_leave').first().click();
  await expect(page.getByTestId(`node-${added}`)).toBeVisible();
  await expect(page.locator('[data-testid^="node-"][data-kind="transform.distinct"]')).toHaveCount(0);
});
