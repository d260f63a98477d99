import { DateTime } from 'luxon';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { given } from '../factories';
import {
  buildConsole,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  eventually,
  waitForText,
} from '../utils/console';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { fakeDateOnly } from '../utils/fake-date';

type Body = Record<string, any>;

/** UPDATE_SCREENSHOTS=1 writes the README's screenshots to docs/ (as console.e2e-spec.ts does). */
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(__dirname, '..', '..', 'docs')
    : mkdtempSync(join(tmpdir(), 'lds-console-'));

/** The browser's zone: the Staffing view's default, and the zone of the chart's hour labels. */
const ZONE = 'Europe/Berlin';
const HOUR_MS = 3_600_000;
const DAY_NAMES: Record<string, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

const pad = (n: number) => String(n).padStart(2, '0');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A bucket's hour as the chart names it: "Mon 14:00" in the browser's zone. */
const hourLabel = (ms: number) =>
  DateTime.fromMillis(ms).setZone(ZONE).setLocale('en').toFormat('ccc HH:00');
/** A staffing cell's accessible name, written out from the API's figures. */
const cellName = (c: Body) =>
  `${DAY_NAMES[c.day]} ${pad(c.hour)}:00–${pad(c.hour + 1)}:00: ` +
  `${Math.round(c.arrivals_per_hour * 100) / 100} arrivals/h, ` +
  `required ${c.required_capacity}, scheduled ${c.scheduled_capacity}, ` +
  `gap ${c.gap < 0 ? `−${-c.gap}` : c.gap > 0 ? `+${c.gap}` : '0'} ` +
  `(${c.gap < 0 ? 'understaffed' : c.gap > 0 ? 'overstaffed' : 'balanced'})`;

/**
 * The console's Service levels chart and Staffing grid (issue 26) in a real browser against a
 * live app, on history seeded through the API at scripted times. console.e2e-spec.ts says when
 * the browser tests are skipped (no Chromium).
 */
(existsSync(CHROMIUM_PATH) ? describe : describe.skip)(
  'Console: service levels and staffing (e2e)',
  () => {
    let browser: Browser;
    let t: TestApp;
    let page: Page;
    let problems: string[] = [];
    let web: Body;
    let phone: Body;
    let shifts: Body;
    /** The hours (start, ms) the seeded arrivals fell into. */
    let webHour: number;
    let phoneHour: number;

    const api = () => t.http();
    const serviceLevels = () => page.getByRole('region', { name: 'Service levels' });
    const staffing = () => page.getByRole('region', { name: 'Staffing' });
    const bar = (name: RegExp) => serviceLevels().getByRole('img', { name });
    const summary = (term: RegExp) =>
      serviceLevels()
        .locator('.summary div')
        .filter({ has: page.locator('dt', { hasText: term }) })
        .locator('dd');
    const grid = () => staffing().getByRole('table', { name: 'Staffing gap per hour' });
    const cell = (name: string | RegExp) =>
      grid().getByRole('cell', {
        name: typeof name === 'string' ? new RegExp(`^${escape(name)}`) : name,
      });
    const plan = async (sourceId: number, zone: string) =>
      (
        await api()
          .get('/staffing/plan')
          .query({ source_id: sourceId, time_zone: zone })
          .expect(200)
      ).body.cells as Body[];
    const at = (ms: number) => jest.setSystemTime(new Date(ms));
    const close = (id: number) =>
      api().patch(`/requests/${id}/status`).query({ status: 'closed' }).expect(200);

    beforeAll(async () => {
      buildConsole();
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      t = await createTestApp();

      // Web form: Ann (always on shift, room for 10) answers at once. Phone line: nobody.
      const ann = await given(t).operator({ name: 'Ann', max_load: 10 });
      web = await given(t).source({ name: 'Web form' });
      await given(t).weights(web.id, [{ operator_id: ann.id, weight: 1 }]);
      phone = await given(t).source({ name: 'Phone line' });
      // Shift line: only Bob, on shift Mondays 09:00-12:00 in the browser's zone.
      const bob = await given(t).operator({
        name: 'Bob',
        max_load: 2,
        schedule: {
          time_zone: ZONE,
          weekly: [{ day: 'mon', start: '09:00', end: '12:00' }],
          exceptions: [],
        },
      });
      shifts = await given(t).source({ name: 'Shift line' });
      await given(t).weights(shifts.id, [{ operator_id: bob.id, weight: 1 }]);

      // The history, a few hours back (the chart shows the browser's last three days).
      const thisHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
      webHour = thisHour - 2 * HOUR_MS;
      phoneHour = thisHour - 5 * HOUR_MS;
      fakeDateOnly();
      try {
        at(phoneHour + 10 * 60_000);
        const first = await given(t).request(phone.id); // nobody: waits
        const second = await given(t).request(phone.id);
        at(phoneHour + 15 * 60_000);
        await close(first.id); // gave up while waiting
        at(phoneHour + 20 * 60_000);
        // Ann, not configured for the phone line, takes it by hand: waited 600 s.
        await api().post(`/requests/${second.id}/assign`).send({ operator_id: ann.id }).expect(200);
        at(phoneHour + 30 * 60_000);
        await close(second.id);
        at(webHour + 10 * 60_000);
        for (let i = 0; i < 3; i++) {
          const r = await given(t).request(web.id); // Ann at once: wait 0
          expect(r.operator_id).toBe(ann.id);
        }
        at(webHour + 20 * 60_000);
        const { body: open } = await api().get('/requests').query({ source_id: web.id });
        for (const r of open) await close(r.id); // handle 600 s each
      } finally {
        jest.useRealTimers();
      }

      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        timezoneId: ZONE,
      });
      context.setDefaultTimeout(5000);
      page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await page.goto(`${t.url}/console`);
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    });
    afterEach(() => {
      const unexpected = problems;
      problems = [];
      expect(unexpected).toEqual([]);
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('charts the arrivals per hour and their service level, for all sources or one', async () => {
      // All sources: both hours, each bar named with its figures; the summary adds them up.
      await bar(
        new RegExp(`^${hourLabel(webHour)}: 3 arrivals, service level 100%, wait p90 0 s$`),
      ).waitFor();
      await bar(
        new RegExp(`^${hourLabel(phoneHour)}: 2 arrivals, service level 0%, wait p90 10 min$`),
      ).waitFor();
      expect(await serviceLevels().getByRole('img').count()).toBe(2);
      await waitForText(summary(/^Arrivals/), /^5$/);
      await waitForText(summary(/^Answered within 1 min$/), /^60%$/);
      await waitForText(summary(/^Wait p90/), /^10 min$/);
      await waitForText(summary(/^Longest wait$/), /^10 min$/);

      // One source: only its hour.
      await serviceLevels().getByLabel('Source').selectOption({ label: 'Web form' });
      await waitForText(summary(/^Arrivals/), /^3$/);
      await waitForText(summary(/^Answered within/), /^100%$/);
      await eventually(async () => expect(await serviceLevels().getByRole('img').count()).toBe(1));
      await bar(new RegExp(`^${hourLabel(webHour)}: 3 arrivals`)).waitFor();

      // The bars take focus and show their figures.
      await bar(new RegExp(`^${hourLabel(webHour)}`)).focus();
      await waitForText(
        serviceLevels().locator('.chart-readout'),
        `${hourLabel(webHour)}: 3 arrivals, service level 100%`,
      );

      await serviceLevels().getByLabel('Source').selectOption({ label: 'Phone line' });
      await waitForText(summary(/^Arrivals/), /^2$/);
      await bar(new RegExp(`^${hourLabel(phoneHour)}: 2 arrivals, service level 0%`)).waitFor();
      await waitForText(summary(/^Wait p90/), /^10 min$/);
      expect(await serviceLevels().getByRole('img').count()).toBe(1);

      // A source without arrivals says so.
      await serviceLevels().getByLabel('Source').selectOption({ label: 'Shift line' });
      await waitForText(serviceLevels(), 'No arrivals in the last 3 days.');
      expect(await serviceLevels().getByRole('img').count()).toBe(0);
    });

    it('shows the first source’s week in the browser’s zone: 168 cells named with the API’s figures', async () => {
      expect(await staffing().getByLabel('Source').inputValue()).toBe(String(web.id));
      expect(await staffing().getByLabel('Time zone').inputValue()).toBe(ZONE);
      const cells = await plan(web.id, ZONE);
      expect(cells).toHaveLength(168);
      await eventually(async () => expect(await grid().getByRole('cell').count()).toBe(168));

      // The hour of the week the web form's arrivals fell into, and a quiet one.
      const busy = cells.find((c) => c.arrivals_per_hour > 0)!;
      expect(busy).toMatchObject({ arrivals_per_hour: 0.75, scheduled_capacity: 10 });
      expect(busy.required_capacity).toBeGreaterThan(0);
      await cell(cellName(busy)).waitFor();
      const quiet = cells.find((c) => c.arrivals_per_hour === 0)!;
      await cell(cellName(quiet)).waitFor();

      // Hover shows the same figures in a tooltip; so does keyboard focus.
      const target = cell(cellName(busy));
      await target.hover();
      const tip = page.getByRole('tooltip');
      await waitForText(tip, `${busy.required_capacity}`);
      const tipText = await tip.innerText();
      expect(tipText).toContain('0.75 arrivals/h');
      expect(tipText).toContain(`required ${busy.required_capacity}`);
      expect(tipText).toContain('scheduled 10');
      expect(tipText).toContain(`gap +${10 - busy.required_capacity}`);
      await page.mouse.move(0, 0);
      await tip.waitFor({ state: 'detached' });
      await target.focus();
      await waitForText(tip, '0.75 arrivals/h');
      expect(await target.getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));
      await page.keyboard.press('Escape');
      await tip.waitFor({ state: 'detached' });
    });

    it('shows an operator’s scheduled capacity only in its hours, in the zone picked', async () => {
      await staffing().getByLabel('Source').selectOption({ label: 'Shift line' });
      // Bob: Mondays 09:00-12:00 in the browser's zone, 2 at a time; nothing arrives there.
      for (const hour of [9, 10, 11]) {
        await cell(
          `Mon ${pad(hour)}:00–${pad(hour + 1)}:00: 0 arrivals/h, required 0, scheduled 2, gap +2`,
        ).waitFor();
      }
      await cell(
        'Mon 08:00–09:00: 0 arrivals/h, required 0, scheduled 0, gap 0 (balanced)',
      ).waitFor();
      await cell('Mon 12:00–13:00: 0 arrivals/h, required 0, scheduled 0, gap 0').waitFor();
      await cell('Tue 09:00–10:00: 0 arrivals/h, required 0, scheduled 0').waitFor();
      expect(
        await grid()
          .getByRole('cell', { name: /scheduled 2/ })
          .count(),
      ).toBe(3);
      // The sign, not only the colour, tells over from balanced.
      expect(await cell(/^Mon 09:00/).innerText()).toBe('+2');
      expect(await cell(/^Mon 12:00/).innerText()).toBe('');

      // In UTC the same shift falls on the hours the API names for that zone.
      await staffing().getByLabel('Time zone').selectOption('UTC');
      const utc = (await plan(shifts.id, 'UTC')).filter((c) => c.scheduled_capacity === 2);
      expect(utc).toHaveLength(3);
      expect(utc[0].hour).not.toBe(9);
      for (const c of utc) await cell(cellName(c)).waitFor();
      expect(
        await grid()
          .getByRole('cell', { name: /scheduled 2/ })
          .count(),
      ).toBe(3);
    });

    it('marks an understaffed hour with a minus sign and red, and explains the colours', async () => {
      // Phone line: arrivals, handled by hand, nobody configured: short where something arrived.
      await staffing().getByLabel('Source').selectOption({ label: 'Phone line' });
      const short = (await plan(phone.id, 'UTC')).find((c) => c.gap < 0)!;
      expect(short).toBeDefined();
      const target = cell(cellName(short));
      await target.waitFor();
      expect(await target.innerText()).toBe(`−${-short.gap}`);
      expect(await target.evaluate((el) => el.className)).toMatch(/^gap-short-/);
      await waitForText(staffing(), /\b1 hour is understaffed\./);
      const legend = staffing().getByRole('list', { name: 'Legend' });
      await waitForText(legend, 'understaffed');
      await waitForText(legend, 'overstaffed');
    });

    it('takes the screenshots of both views', async () => {
      await serviceLevels().getByLabel('Source').selectOption({ label: 'All sources' });
      await waitForText(summary(/^Arrivals/), /^5$/);
      const webBar = bar(new RegExp(`^${hourLabel(webHour)}`));
      await webBar.focus();
      await serviceLevels().screenshot({ path: join(SCREENSHOTS, 'console-service-levels.png') });

      await staffing().getByLabel('Source').selectOption({ label: 'Web form' });
      await staffing().getByLabel('Time zone').selectOption(ZONE);
      const busy = (await plan(web.id, ZONE)).find((c) => c.arrivals_per_hour > 0)!;
      await cell(cellName(busy)).focus();
      await page.getByRole('tooltip').waitFor();
      await staffing().screenshot({ path: join(SCREENSHOTS, 'console-staffing.png') });
    });
  },
);
