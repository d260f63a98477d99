import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { CONSOLE_FIELDS } from '../../console/src/api-types';
import { given } from '../factories';
import {
  buildConsole,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  eventually,
  focusedVisibly,
  waitForText,
  waitForTexts,
} from '../utils/console';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { e2eOnPostgres } from '../utils/test-database';

const ADMIN = 'admin-key-for-console-0001';
/** The live updates the issue promises: within 2 s (plus a little for the browser's own work). */
const LIVE_MS = 2500;
/** UPDATE_SCREENSHOTS=1 writes the README's screenshots to docs/; otherwise to a temporary folder. */
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(__dirname, '..', '..', 'docs')
    : mkdtempSync(join(tmpdir(), 'lds-console-'));

const haveChromium = existsSync(CHROMIUM_PATH);
if (!haveChromium && process.env.REQUIRE_CHROMIUM === '1') {
  throw new Error(`REQUIRE_CHROMIUM=1 but there is no Chromium at ${CHROMIUM_PATH}`);
}
if (!haveChromium) {
  console.warn(
    `SKIPPED: the console's browser tests need Chromium at ${CHROMIUM_PATH} ` +
      '(apt-get install -y chromium; .ci/run installs it)',
  );
}

describe('Console types against the OpenAPI document (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('every schema and field the console reads exists in /docs-json', async () => {
    const { body: doc } = await t.http().get('/docs-json').expect(200);
    const missing = Object.entries(CONSOLE_FIELDS).flatMap(([schema, fields]) =>
      fields
        .filter((field) => !doc.components.schemas[schema]?.properties?.[field])
        .map((field) => `${schema}.${field}`),
    );
    expect(missing).toEqual([]);
  });
});

/**
 * The console in a real browser (Debian's Chromium driven by playwright-core), against a live
 * app. Any console error or uncaught exception in the page fails the test it happened in.
 */
(haveChromium ? describe : describe.skip)('Console in the browser (e2e)', () => {
  let browser: Browser;
  let t: TestApp;
  let context: BrowserContext;
  let page: Page;
  let problems: string[] = [];
  /** Console errors a test expects (an API error it provokes on purpose). */
  let expectedProblems: RegExp[] = [];

  const admin = () => given({ ...t, http: () => request.agent(t.url).set(adminHeaders) });
  const adminHeaders = { Authorization: `Bearer ${ADMIN}` };
  const api = () => request.agent(t.url).set(adminHeaders);

  const watch = (p: Page) => {
    p.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    p.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  };

  const operatorsTable = () => page.getByRole('table', { name: 'Operators' });
  const operatorRow = (name: string) =>
    operatorsTable().getByRole('row', { name: new RegExp(`^${name}\\b`) });
  const waiting = () => page.getByRole('region', { name: 'Waiting' });
  const waitingItem = (text: string) => waiting().getByRole('listitem').filter({ hasText: text });

  beforeAll(async () => {
    buildConsole();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN } });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(5000);
    page = await context.newPage();
    watch(page);
  });
  afterEach(() => {
    const unexpected = problems.filter((p) => !expectedProblems.some((e) => e.test(p)));
    problems = [];
    expectedProblems = [];
    expect(unexpected).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks for the admin key and shows no data without it; signs in with Enter', async () => {
    await admin().operator({ name: 'Ada' });
    await page.goto(`${t.url}/console`);
    const key = page.getByLabel('Admin API key');
    await key.waitFor();
    expect(await operatorsTable().count()).toBe(0);
    expect(await page.getByText('Ada').count()).toBe(0);

    // Keyboard only: the key field takes focus by Tab and shows it.
    await page.keyboard.press('Tab');
    await eventually(() => focusedVisibly(key));
    await page.keyboard.type(ADMIN);
    await page.keyboard.press('Enter');
    await operatorRow('Ada').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('lds.console.adminKey'))).toBe(ADMIN);

    // A reload keeps the session (sessionStorage), and the page streams live.
    await page.reload();
    await operatorRow('Ada').waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });

  it('shows an operator created through the API within 2 s, with its load bar and switch', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await admin().operator({ name: 'Zoe', max_load: 4 });
    const row = operatorRow('Zoe');
    await row.waitFor({ timeout: LIVE_MS });
    await waitForText(row, '0 / 4');
    expect(await row.getByRole('meter').count()).toBe(1);
    expect(await row.getByRole('switch').isChecked()).toBe(true);
  });

  it('shows a request waiting, then drained into the operator the console switches on', async () => {
    const operator = await admin().operator({ name: 'Bea', is_active: false, max_load: 5 });
    const source = await admin().source({ name: 'Drain channel' });
    await admin().weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    await operatorRow('Bea').waitFor({ timeout: LIVE_MS });

    await admin().request(source.id, { message: 'Please call me back' });
    const item = waitingItem('Please call me back');
    await item.waitFor({ timeout: LIVE_MS });
    await waitForText(item, 'Drain channel');
    await waitForText(item, 'waiting');

    // Switching Bea on drains the queue into her load.
    await operatorRow('Bea').getByRole('switch').click();
    await item.waitFor({ state: 'detached', timeout: LIVE_MS });
    await waitForText(operatorRow('Bea'), '1 / 5');
    const { body } = await api().get(`/operators/${operator.id}`).expect(200);
    expect(body).toMatchObject({ is_active: true, current_load: 1 });
  });

  it('assigns a waiting request to the operator picked in the queue', async () => {
    const source = await admin().source({ name: 'Manual channel' });
    const cid = await admin().operator({ name: 'Cid', max_load: 3 });
    const created = await admin().request(source.id, { message: 'Nobody is configured here' });
    const item = waitingItem('Nobody is configured here');
    await item.waitFor({ timeout: LIVE_MS });

    await item.getByRole('combobox').selectOption({ label: 'Cid (0/3)' });
    await item.getByRole('button', { name: 'Assign' }).click();
    await item.waitFor({ state: 'detached', timeout: LIVE_MS });
    await waitForText(operatorRow('Cid'), '1 / 3');
    const { body } = await api().get(`/requests/${created.id}`).expect(200);
    expect(body.operator_id).toBe(cid.id);
  });

  it('previews a weight change with the simulator, then saves it', async () => {
    const [dan, eve] = [
      await admin().operator({ name: 'Dan', max_load: 1000 }),
      await admin().operator({ name: 'Eve', max_load: 1000 }),
    ];
    const source = await admin().source({
      name: 'Weights channel',
      strategy: 'weighted-round-robin',
    });
    const row = page
      .getByRole('table', { name: 'Sources' })
      .getByRole('row', { name: /Weights channel/ });
    await row.waitFor({ timeout: LIVE_MS });
    await waitForText(row, 'weighted-round-robin');
    await row.getByRole('button', { name: 'Edit weights' }).click();

    const editor = page.getByRole('dialog', { name: /Weights: Weights channel/ });
    await editor.getByLabel('Dan', { exact: true }).fill('1');
    await editor.getByLabel('Eve', { exact: true }).fill('3');
    const preview = editor.getByRole('table', { name: 'Preview' });
    await waitForText(preview.getByRole('row', { name: /Eve/ }), '75.0%');
    await waitForText(preview.getByRole('row', { name: /Dan/ }), '25.0%');
    // Nothing is saved by the preview.
    expect((await api().get(`/sources/${source.id}/weights`).expect(200)).body).toEqual([]);

    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    const { body } = await api().get(`/sources/${source.id}/weights`).expect(200);
    expect(body.map((w: any) => [w.operator_id, w.weight])).toEqual([
      [dan.id, 1],
      [eve.id, 3],
    ]);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Weights of Weights channel saved.' })
      .waitFor();
    // The chart shows the source's expected shares.
    await page
      .getByRole('img', {
        name: /Distribution of Weights channel: Dan: 0\.0% actual, 25\.0% expected/,
      })
      .waitFor({ timeout: LIVE_MS });
  });

  it('opens a request’s decision and timeline, which grows live', async () => {
    const source = await admin().source({ name: 'Timeline channel' });
    const fay = await admin().operator({ name: 'Fay', max_load: 2 });
    const created = await admin().request(source.id, { message: 'Where is my order?' });
    const item = waitingItem('Where is my order?');
    await item.waitFor({ timeout: LIVE_MS });
    await item.getByRole('button', { name: 'Details' }).click();

    const detail = page.getByRole('dialog', { name: 'Request detail' });
    await detail.waitFor();
    await waitForText(detail, /No operator/);
    const timeline = detail.getByRole('list', { name: 'Timeline' });
    await waitForTexts(timeline.getByRole('listitem'), [/^created/, /^waiting/]);

    await api().post(`/requests/${created.id}/assign`).send({ operator_id: fay.id }).expect(200);
    await waitForTexts(timeline.getByRole('listitem'), [
      /^created/,
      /^waiting/,
      /^assigned.*Fay.*manual/,
    ]);
    await waitForText(detail, 'with Fay');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  it('releases an inactive operator’s open work', async () => {
    const source = await admin().source({ name: 'Release channel' });
    const gus = await admin().operator({ name: 'Gus', max_load: 2 });
    await admin().weights(source.id, [{ operator_id: gus.id, weight: 1 }]);
    await admin().request(source.id, { message: 'Gus had this one' });
    await api().patch(`/operators/${gus.id}`).send({ is_active: false }).expect(200);

    const release = operatorRow('Gus').getByRole('button', { name: 'Release' });
    await release.waitFor({ timeout: LIVE_MS });
    await release.click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Released 1 of Gus: 0 reassigned, 1 waiting.' })
      .waitFor();
    await waitingItem('Gus had this one').waitFor({ timeout: LIVE_MS });
    await waitForText(operatorRow('Gus'), '0 / 2');
  });

  it('works with the keyboard: Enter opens the weights editor, Escape closes it, focus returns', async () => {
    const edit = page
      .getByRole('table', { name: 'Sources' })
      .getByRole('row', { name: /Weights channel/ })
      .getByRole('button', { name: 'Edit weights' });
    await edit.focus();
    await page.keyboard.press('Enter');
    const editor = page.getByRole('dialog', { name: /Weights: Weights channel/ });
    await editor.waitFor();
    // Focus moved into the dialog; Tab walks its controls and shows where it is.
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.evaluate((el) => el.closest('dialog') !== null)).toBe(true);
    await eventually(() => focusedVisibly(focused));
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await eventually(() => focusedVisibly(edit));
  });

  it('shows an API error as a message, not a blank page', async () => {
    const source = await admin().source({ name: 'Full channel' });
    const hal = await admin().operator({ name: 'Hal', max_load: 0 });
    await admin().request(source.id, { message: 'Hal is full' });
    const item = waitingItem('Hal is full');
    await item.waitFor({ timeout: LIVE_MS });
    expectedProblems = [/status of 409/];
    await item.getByRole('combobox').selectOption({ value: String(hal.id) });
    await item.getByRole('button', { name: 'Assign' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /409|capacity/ })
      .waitFor();
    await operatorsTable().waitFor();
  });

  it('fits a phone screen (390x844) without sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const mobile = await phone.newPage();
    watch(mobile);
    await mobile.goto(`${t.url}/console`);
    await mobile.getByLabel('Admin API key').fill(ADMIN);
    await mobile.getByRole('button', { name: 'Sign in' }).click();
    await mobile
      .getByRole('table', { name: 'Operators' })
      .getByRole('row', { name: /^Zoe\b/ })
      .waitFor();
    const overflow = await mobile.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await mobile.screenshot({ path: join(SCREENSHOTS, 'console-phone.png'), fullPage: true });
    await phone.close();
  });

  it('takes the screenshots of the main views', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.goto(`${t.url}/console`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await operatorRow('Zoe').waitFor();
    // A little traffic, so that the live feed and the chart have something to show.
    const source = await admin().source({
      name: 'Website form',
      strategy: 'weighted-round-robin',
    });
    const [ann, bob] = [
      await admin().operator({ name: 'Ann', max_load: 5 }),
      await admin().operator({ name: 'Bob', max_load: 8 }),
    ];
    await admin().weights(source.id, [
      { operator_id: ann.id, weight: 1 },
      { operator_id: bob.id, weight: 3 },
    ]);
    for (let i = 0; i < 8; i++) await admin().request(source.id, { message: `Question ${i + 1}` });
    await page.getByRole('region', { name: 'Live events' }).getByRole('listitem').nth(11).waitFor();
    await page.getByRole('img', { name: /Distribution of Website form/ }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-board.png'), fullPage: true });

    await page
      .getByRole('table', { name: 'Sources' })
      .getByRole('row', { name: /Weights channel/ })
      .getByRole('button', { name: 'Edit weights' })
      .click();
    const editor = page.getByRole('dialog', { name: /Weights/ });
    await editor.getByLabel('Eve', { exact: true }).fill('1');
    await waitForText(
      editor.getByRole('table', { name: 'Preview' }).getByRole('row', { name: /Eve/ }),
      '50.0%',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'console-weights.png') });
    await page.keyboard.press('Escape');

    await waitingItem('Gus had this one').getByRole('button', { name: 'Details' }).click();
    await page
      .getByRole('dialog', { name: 'Request detail' })
      .getByRole('list', { name: 'Timeline' })
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-request.png') });
    await page.keyboard.press('Escape');
  });
});

(haveChromium && !e2eOnPostgres ? describe : describe.skip)(
  'Console without ADMIN_API_KEYS (e2e)',
  () => {
    it('shows the data at once, without asking for a key', async () => {
      buildConsole();
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const t = await createTestApp();
      try {
        await given(t).operator({ name: 'Ivy' });
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        page.on('pageerror', (e) => problems.push(e.message));
        await page.goto(`${t.url}/console`);
        await page
          .getByRole('table', { name: 'Operators' })
          .getByRole('row', { name: /^Ivy\b/ })
          .waitFor();
        expect(await page.getByLabel('Admin API key').count()).toBe(0);
        expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
        await t.close();
      }
    });
  },
);
