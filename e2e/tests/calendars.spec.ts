// Business calendars: the admin imports a CSV calendar, sees its year as month
// grids with holidays and make-up workdays marked, attaches it to a schedule,
// and the schedule lists its next 10 firings with their business dates. The
// calendar's .ics export imports back as the same calendar.
import { test, expect } from '@playwright/test';
import { Server, ADMIN_PASSWORD, ANALYST } from './server';
import { apiAs, login } from './helpers';

const server = new Server(18474);
const GRAPH = 'daily_branch_summary';
const REVIEWER = { user: 'reviewer3', password: 'reviewer-pass-3' };

test.beforeAll(async () => {
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
});

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The first Saturday of October of `year` (UTC). */
function firstSaturdayOfOctober(year: number): Date {
  const d = new Date(Date.UTC(year, 9, 1));
  while (d.getUTCDay() !== 6) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

test('import a calendar, see its month grid, schedule by it', async ({ page }) => {
  // An approved graph to schedule (a second admin reviews the analyst's submission).
  const admin = await apiAs(server.url, 'admin', ADMIN_PASSWORD);
  const made = await admin.post('/api/users', {
    data: { username: REVIEWER.user, password: REVIEWER.password, role: 'admin', current_password: ADMIN_PASSWORD },
  });
  expect(made.status()).toBe(201);
  const analyst = await apiAs(server.url, ANALYST.user, ANALYST.password);
  const graphs = await (await analyst.get('/api/graphs')).json();
  const graphId = String(graphs.graphs.find((g: { name: string }) => g.name === GRAPH).id);
  const sub = await analyst.post(`/api/graphs/${graphId}/submit`, { data: { message: 'for the schedule' } });
  expect(sub.status()).toBe(201);
  const reviewer = await apiAs(server.url, REVIEWER.user, REVIEWER.password);
  expect((await reviewer.post(`/api/reviews/${(await sub.json()).id}/approve`, { data: { comment: 'ok' } })).ok()).toBeTruthy();

  // A calendar for this year and next: 1 October closed, a make-up Saturday, 1 January closed.
  const year = new Date().getUTCFullYear();
  const holiday = `${year}-10-01`;
  const makeUp = iso(firstSaturdayOfOctober(year));
  const csv = `date,kind,note\n${holiday},holiday,National Day\n${makeUp},workday,make-up Saturday\n${year + 1}-01-01,holiday,New Year\n`;

  await login(page, server.url, 'admin', ADMIN_PASSWORD);
  await page.goto(server.url + '/#/admin');
  await expect(page.locator('[data-testid="calendar-list"] [data-testid="calendar-row"][data-name="cn"]')).toHaveCount(1);
  const form = page.getByTestId('calendar-import');
  await form.getByTestId('calendar-import-name').fill('bank');
  await form.getByTestId('calendar-import-file').setInputFiles({ name: 'bank.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(form.getByTestId('calendar-import-csv')).toHaveValue(csv);
  await form.getByTestId('calendar-import-submit').click();
  await expect(page.locator('[data-testid="calendar-row"][data-name="bank"]')).toHaveCount(1);

  // The year as twelve month grids, each day marked.
  await expect(page.getByTestId('calendar-year-view')).toHaveAttribute('data-name', 'bank');
  await page.getByTestId('calendar-year').selectOption(String(year));
  await expect(page.getByTestId('calendar-month')).toHaveCount(12);
  await expect(page.getByTestId(`calendar-day-${holiday}`)).toHaveAttribute('data-kind', 'holiday');
  await expect(page.getByTestId(`calendar-day-${makeUp}`)).toHaveAttribute('data-kind', 'workday');
  const sunday = new Date(firstSaturdayOfOctober(year).getTime() + 86_400_000);
  await expect(page.getByTestId(`calendar-day-${iso(sunday)}`)).toHaveAttribute('data-kind', 'closed');
  const monday = new Date(sunday.getTime() + 86_400_000);
  await expect(page.getByTestId(`calendar-day-${iso(monday)}`)).toHaveAttribute('data-kind', iso(monday) === holiday ? 'holiday' : 'open');

  // Attach it to a schedule of the approved graph; the next 10 firings are business days.
  const form2 = page.getByTestId('schedule-form');
  await form2.getByTestId('schedule-graph').selectOption({ label: GRAPH });
  await form2.getByTestId('schedule-calendar').selectOption('bank');
  await form2.getByTestId('schedule-create').click();
  const row = page.locator(`[data-testid="schedule-row"][data-graph="${graphId}"]`);
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('schedule-calendar-name')).toHaveText('bank');
  await row.getByTestId('schedule-next-show').click();
  const firings = row.getByTestId('schedule-next-firing');
  await expect(firings).toHaveCount(10);
  const dates = await firings.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.bizDate!));
  const closed = new Set([holiday, `${year + 1}-01-01`]);
  for (const d of dates) {
    const day = new Date(d + 'T00:00:00Z').getUTCDay();
    expect(closed.has(d), `${d} is a holiday`).toBeFalsy();
    expect(day !== 0 && (day !== 6 || d === makeUp), `${d} is a weekend day`).toBeTruthy();
  }
  expect([...dates].sort()).toEqual(dates);
  // Each line is the firing time (browser's time zone) and the business date it runs.
  const lines = await firings.allTextContents();
  lines.forEach((line, i) => {
    const m = line.match(/^(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}:\d{2} → (\d{4}-\d{2}-\d{2})$/);
    expect(m, line).not.toBeNull();
    expect(m![2]).toBe(dates[i]);
  });

  // iCalendar: the row links its .ics export; that file imports back as the same days.
  const bankRow = page.locator('[data-testid="calendar-row"][data-name="bank"]');
  await expect(bankRow.getByTestId('calendar-export-ics')).toHaveAttribute('href', '/api/calendars/bank/ics');
  const ics = await (await admin.get('/api/calendars/bank/ics')).text();
  expect(ics).toContain(`DTSTART;VALUE=DATE:${holiday.replaceAll('-', '')}`);
  await form.getByTestId('calendar-import-name').fill('bank_ics');
  await form.getByTestId('calendar-import-file').setInputFiles({ name: 'bank.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics) });
  await form.getByTestId('calendar-import-submit').click();
  await expect(page.locator('[data-testid="calendar-row"][data-name="bank_ics"]')).toHaveCount(1);
  await expect(page.getByTestId('calendar-year-view')).toHaveAttribute('data-name', 'bank_ics');
  await page.getByTestId('calendar-year').selectOption(String(year));
  await expect(page.getByTestId(`calendar-day-${holiday}`)).toHaveAttribute('data-kind', 'holiday');
  await expect(page.getByTestId(`calendar-day-${makeUp}`)).toHaveAttribute('data-kind', 'workday');
  const back = await (await admin.get('/api/calendars/bank_ics/csv')).text();
  expect(back).toBe(csv);
  await Promise.all([admin.dispose(), analyst.dispose(), reviewer.dispose()]);
});
