import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { CONSOLE_FIELDS } from '../../console/src/api-types';
import { POLL_MS } from '../../console/src/timing';
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
  const alert = (text: string | RegExp) => page.getByRole('alert').filter({ hasText: text });
  /**
   * Operators and sources changed through the API bring no live event: the console reads them
   * again every POLL_MS. The page's clock is fake (installed in beforeAll), so a test jumps to
   * that rare poll instead of waiting for it.
   */
  const nextPoll = () => page.clock.fastForward(POLL_MS);

  beforeAll(async () => {
    buildConsole();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN } });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(5000);
    page = await context.newPage();
    await page.clock.install();
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

  it('follows the event stream instead of polling: idle, it makes no request', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const reads: string[] = [];
    const onRequest = (r: { url(): string }) => reads.push(new URL(r.url()).pathname);
    page.on('request', onRequest);
    try {
      // Five seconds of the page's (fake) clock, every timer in them fired: the stream's 2 s
      // retry and any short poll would read. The 30 s poll is further off (the previous test
      // loaded the page). A read of our own then marks the end: request events arrive in order.
      await page.clock.runFor(5000);
      await page.evaluate(async () => void (await fetch('/health')));
      await eventually(() => expect(reads).toContain('/health'));
      expect(reads).toEqual(['/health']);
      // A request event reloads the board at once.
      const source = await admin().source({ name: 'Stream channel' });
      await admin().request(source.id, { message: 'Streamed in' });
      await waitingItem('Streamed in').waitFor({ timeout: LIVE_MS });
      expect(reads).toContain('/operators');
    } finally {
      page.off('request', onRequest);
    }
  });

  it('shows an operator created through the API at the next poll, with its load bar and switch', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await admin().operator({ name: 'Zoe', max_load: 4 });
    await nextPoll();
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
    await nextPoll();
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
    await nextPoll();
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
    await waitForText(preview.getByRole('row', { name: /Total/ }), '100.0%');
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
    await nextPoll();

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
    // Its inputs arrive with the source's weights; until then Close is its only control, and a
    // Tab past the last control of a modal dialog leaves the page for the browser's own UI.
    await editor.getByRole('spinbutton').first().waitFor();
    // Focus moved into the dialog; Tab walks its controls and shows where it is.
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.evaluate((el) => el.closest('dialog') !== null)).toBe(true);
    await eventually(() => focusedVisibly(focused));
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await eventually(() => focusedVisibly(edit));
  });

  it('offers full and inactive operators as disabled options with the reason', async () => {
    const source = await admin().source({ name: 'Full channel' });
    const hal = await admin().operator({ name: 'Hal', max_load: 0 });
    const off = await admin().operator({ name: 'Oli', is_active: false, max_load: 3 });
    await admin().request(source.id, { message: 'No room for this one' });
    const item = waitingItem('No room for this one');
    await item.waitFor({ timeout: LIVE_MS });
    const select = item.getByRole('combobox');
    const option = (id: number) => select.locator(`option[value="${id}"]`);
    expect(await option(hal.id).textContent()).toBe('Hal (0/0) · full');
    expect(await option(hal.id).isDisabled()).toBe(true);
    expect(await option(off.id).textContent()).toBe('Oli (0/3) · inactive');
    expect(await option(off.id).isDisabled()).toBe(true);
    expect(await option((await admin().operator({ name: 'Unused' })).id).count()).toBe(0);
    // The reason is also read out with the list.
    const describedBy = await select.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain(
      'Hal is full (0/0)',
    );
    expect(await select.inputValue()).not.toBe(String(hal.id));
  });

  it('shows an API error in names, not as raw API text, and keeps the page', async () => {
    const source = await admin().source({ name: 'Race channel' });
    const ivo = await admin().operator({ name: 'Ivo', max_load: 1 });
    await admin().request(source.id, { message: 'Ivo fills up meanwhile' });
    const item = waitingItem('Ivo fills up meanwhile');
    await item.waitFor({ timeout: LIVE_MS });
    await item.getByRole('combobox').selectOption({ label: 'Ivo (0/1)' });
    // Ivo's capacity drops through the API: no event, so the console still offers Ivo.
    await api().patch(`/operators/${ivo.id}`).send({ max_load: 0 }).expect(200);
    expectedProblems = [/status of 409/];
    await item.getByRole('button', { name: 'Assign' }).click();
    const message = alert('Ivo is at capacity (0/0)');
    await message.waitFor();
    expect(await message.textContent()).not.toMatch(/POST|\/requests|operator \d/);
    await operatorsTable().waitFor();
    await waitForText(operatorRow('Ivo'), '0 / 0');
  });

  it('adds an operator and edits its name, max load and active switch', async () => {
    await page.getByRole('button', { name: 'Add operator' }).click();
    const form = page.getByRole('dialog', { name: 'Add operator' });
    await form.getByLabel('Name').fill('Kim');
    await form.getByLabel('Max load').fill('2');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await alert('Operator Kim added.').waitFor();
    await waitForText(operatorRow('Kim'), '0 / 2');
    const { body: list } = await api().get('/operators?limit=1000').expect(200);
    const kim = list.find((o: any) => o.name === 'Kim');
    expect(kim).toMatchObject({ max_load: 2, is_active: true });

    await operatorRow('Kim').getByRole('button', { name: 'Edit operator Kim' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit operator: Kim' });
    expect(await edit.getByLabel('Max load').inputValue()).toBe('2');
    await edit.getByLabel('Name').fill('Kimberly');
    await edit.getByLabel('Max load').fill('3');
    await edit.getByLabel(/Active/).uncheck();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await waitForText(operatorRow('Kimberly'), '0 / 3');
    expect(await operatorRow('Kimberly').getByRole('switch').isChecked()).toBe(false);
    const { body } = await api().get(`/operators/${kim.id}`).expect(200);
    expect(body).toMatchObject({ name: 'Kimberly', max_load: 3, is_active: false });

    // A refused change stays in the form, in words.
    await operatorRow('Kimberly').getByRole('button', { name: 'Edit operator Kimberly' }).click();
    const again = page.getByRole('dialog', { name: 'Edit operator: Kimberly' });
    await again.getByLabel('Name').fill('   ');
    expectedProblems = [/status of 400/];
    await again.getByRole('button', { name: 'Save' }).click();
    await waitForText(again.getByRole('alert'), /^Name /);
    await page.keyboard.press('Escape');
    await again.waitFor({ state: 'detached' });
  });

  it('adds a source with a strategy and stickiness, then edits it', async () => {
    await page.getByRole('button', { name: 'Add source' }).click();
    const form = page.getByRole('dialog', { name: 'Add source' });
    await form.getByLabel('Name').fill('Chat widget');
    await form.getByLabel('Description').fill('The chat on the pricing page');
    await form.getByLabel('Strategy').selectOption('weighted-random');
    await waitForText(form, /random/i);
    await form.getByLabel(/Sticky/).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await alert('Source Chat widget added.').waitFor();
    const sourcesTable = page.getByRole('table', { name: 'Sources' });
    const row = sourcesTable.getByRole('row', { name: /Chat widget/ });
    await waitForText(row, 'weighted-random');
    await waitForText(row, 'Yes');
    const { body: list } = await api().get('/sources?limit=1000').expect(200);
    const chat = list.find((s: any) => s.name === 'Chat widget');
    expect(chat).toMatchObject({
      description: 'The chat on the pricing page',
      strategy: 'weighted-random',
      sticky: true,
    });

    await row.getByRole('button', { name: 'Edit source Chat widget' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit source: Chat widget' });
    expect(await edit.getByLabel('Description').inputValue()).toBe('The chat on the pricing page');
    await edit.getByLabel('Strategy').selectOption({ label: 'Service default' });
    await edit.getByLabel(/Sticky/).uncheck();
    await edit.getByLabel('Description').fill('');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await waitForText(row, 'default');
    await waitForText(row, 'No');
    const { body } = await api().get(`/sources/${chat.id}`).expect(200);
    expect(body).toMatchObject({ description: null, strategy: null, sticky: false });

    // A taken name is refused with the service's reason, in the form.
    await sourcesTable
      .getByRole('row', { name: /Weights channel/ })
      .getByRole('button', { name: 'Edit source Weights channel' })
      .click();
    const clash = page.getByRole('dialog', { name: 'Edit source: Weights channel' });
    await clash.getByLabel('Name').fill('Chat widget');
    expectedProblems = [/status of 409/];
    await clash.getByRole('button', { name: 'Save' }).click();
    await waitForText(clash.getByRole('alert'), 'A source named "Chat widget" already exists');
    await page.keyboard.press('Escape');
    await clash.waitFor({ state: 'detached' });
  });

  it('closes, reopens, reassigns and assigns a request from its detail, with the customer', async () => {
    const source = await admin().source({
      name: 'Detail channel',
      strategy: 'weighted-round-robin',
    });
    const [lea, max, pat] = [
      await admin().operator({ name: 'Lea', max_load: 5 }),
      await admin().operator({ name: 'Max', max_load: 5 }),
      await admin().operator({ name: 'Pat', max_load: 5 }),
    ];
    await admin().weights(source.id, [
      { operator_id: lea.id, weight: 1 },
      { operator_id: max.id, weight: 1 },
    ]);
    const created = await admin().request(source.id, {
      message: 'Need a quote',
      lead_name: 'Jane Smith',
      lead_email: 'jane@example.com',
      lead_phone: '+1234567890',
    });
    const first = created.operator_id === lea.id ? 'Lea' : 'Max';
    const other = first === 'Lea' ? 'Max' : 'Lea';
    await page
      .getByRole('region', { name: 'Live events' })
      .getByRole('button', { name: `Request #${created.id}` })
      .first()
      .click();
    const detail = page.getByRole('dialog', { name: 'Request detail' });
    const customer = detail.getByRole('region', { name: 'Customer' });
    await waitForText(customer, 'Jane Smith');
    await waitForText(customer, 'jane@example.com');
    await waitForText(customer, '+1234567890');
    await waitForText(detail, `with ${first}`);
    const state = async () => (await api().get(`/requests/${created.id}`).expect(200)).body;

    await detail.getByRole('button', { name: 'Reassign' }).click();
    await waitForText(detail, `with ${other}`);
    expect((await state()).operator_name).toBe(other);

    await detail.getByRole('button', { name: 'Close request' }).click();
    await detail.getByRole('button', { name: 'Reopen request' }).waitFor();
    expect((await state()).status).toBe('closed');
    await waitForTexts(detail.getByRole('list', { name: 'Timeline' }).getByRole('listitem'), [
      /^created/,
      /^assigned/,
      /^reassigned/,
      /^closed/,
    ]);

    await detail.getByRole('button', { name: 'Reopen request' }).click();
    await detail.getByRole('button', { name: 'Close request' }).waitFor();
    expect((await state()).status).toBe('active');

    await detail.getByRole('combobox').selectOption({ label: 'Pat (0/5)' });
    await detail.getByRole('button', { name: 'Assign', exact: true }).click();
    await waitForText(detail, 'with Pat');
    expect(await state()).toMatchObject({ status: 'active', operator_id: pat.id });
    // The current operator is listed, not offered.
    expect(
      await detail.getByRole('combobox').locator(`option[value="${pat.id}"]`).isDisabled(),
    ).toBe(true);
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  it('lists an operator’s active requests in one click', async () => {
    const source = await admin().source({ name: 'Nia channel' });
    const nia = await admin().operator({ name: 'Nia', max_load: 5 });
    await admin().weights(source.id, [{ operator_id: nia.id, weight: 1 }]);
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await admin().request(source.id));
    await api().patch(`/requests/${made[1].id}/status`).send({ status: 'closed' }).expect(200);
    await waitForText(operatorRow('Nia'), '2 / 5');

    await operatorRow('Nia').getByRole('button', { name: 'Active requests of Nia' }).click();
    const search = page.getByRole('region', { name: 'Requests' });
    const results = search.getByRole('table', { name: 'Search results' });
    await waitForTexts(results.getByRole('row').filter({ hasText: 'Request #' }), [
      new RegExp(`Request #${made[0].id}\\b.*Nia.*active`),
      new RegExp(`Request #${made[2].id}\\b.*Nia.*active`),
    ]);
    expect(await search.getByLabel('Operator').inputValue()).toBe(String(nia.id));
    expect(await search.getByLabel('Status').inputValue()).toBe('active');
    await waitForText(search.getByRole('status'), '1–2 of 2');
  });

  it('searches requests by lead, source, operator and status, a page at a time', async () => {
    const source = await admin().source({ name: 'Search channel' });
    const made = [];
    for (let i = 0; i < 23; i++) {
      made.push(await admin().request(source.id, { lead_external_id: `searcher-${i % 2}` }));
    }
    const search = page.getByRole('region', { name: 'Requests' });
    const results = search.getByRole('table', { name: 'Search results' });
    const count = search.getByRole('status');
    await search.getByRole('button', { name: 'Clear' }).click();
    await search.getByLabel('Source').selectOption({ label: 'Search channel' });
    await search.getByRole('button', { name: 'Search' }).click();
    await waitForText(count, '1–20 of 23');
    expect(await results.getByRole('row').filter({ hasText: 'Request #' }).count()).toBe(20);
    await search.getByRole('button', { name: 'Next page' }).click();
    await waitForText(count, '21–23 of 23');
    await waitForText(results, `Request #${made[22].id}`);
    await search.getByRole('button', { name: 'Previous page' }).click();
    await waitForText(count, '1–20 of 23');

    // By lead: the 12 requests of searcher-0, waiting (nobody is configured for this source).
    await search.getByLabel('Lead ID').fill(String(made[0].lead_id));
    await search.getByLabel('Status').selectOption('waiting');
    await search.getByRole('button', { name: 'Search' }).click();
    await waitForText(count, '1–12 of 12');
    await search.getByLabel('Status').selectOption('closed');
    await search.getByRole('button', { name: 'Search' }).click();
    await waitForText(count, 'No request matches.');

    // By operator: assigning one moves it into the operator's list, live.
    const ray = await admin().operator({ name: 'Ray', max_load: 3 });
    await nextPoll();
    await search.getByRole('button', { name: 'Clear' }).click();
    await search.getByLabel('Operator').selectOption({ label: 'Ray' });
    await search.getByRole('button', { name: 'Search' }).click();
    await waitForText(count, 'No request matches.');
    await api().post(`/requests/${made[3].id}/assign`).send({ operator_id: ray.id }).expect(200);
    await waitForText(count, '1–1 of 1', LIVE_MS);
    await results.getByRole('button', { name: `Request #${made[3].id}` }).click();
    const detail = page.getByRole('dialog', { name: 'Request detail' });
    await waitForText(detail, 'with Ray');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  it('previews shares that add up to 100%, with who is full now as a separate note', async () => {
    const source = await admin().source({ name: 'Busy channel', strategy: 'weighted-round-robin' });
    const [sal, tom] = [
      await admin().operator({ name: 'Sal', max_load: 1 }),
      await admin().operator({ name: 'Tom', max_load: 1 }),
    ];
    await admin().weights(source.id, [
      { operator_id: sal.id, weight: 2 },
      { operator_id: tom.id, weight: 5 },
    ]);
    await admin().request(source.id);
    await admin().request(source.id); // both are full now
    const row = page
      .getByRole('table', { name: 'Sources' })
      .getByRole('row', { name: /Busy channel/ });
    await row.getByRole('button', { name: 'Edit weights' }).click();
    const editor = page.getByRole('dialog', { name: /Weights: Busy channel/ });
    const preview = editor.getByRole('table', { name: 'Preview' });
    await waitForText(preview.getByRole('row', { name: /^Sal/ }), '28.6%');
    await waitForText(preview.getByRole('row', { name: /^Tom/ }), '71.4%');
    await waitForText(preview.getByRole('row', { name: /Total/ }), '100.0%');
    expect(await editor.getByText('Nobody').count()).toBe(0);
    await waitForTexts(editor.getByRole('list', { name: 'Capacity now' }).getByRole('listitem'), [
      /^Sal is full now \(1\/1\): new requests wait or go to others\.$/,
      /^Tom is full now \(1\/1\): new requests wait or go to others\.$/,
    ]);
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
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
      .getByRole('row', { name: /Busy channel/ })
      .getByRole('button', { name: 'Edit weights' })
      .click();
    // Busy channel's operators are full: the preview shows shares by weight and notes who is full.
    const editor = page.getByRole('dialog', { name: /Weights/ });
    const capacity = editor.getByRole('list', { name: 'Capacity now' });
    await capacity.waitFor();
    await capacity.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-weights.png') });
    await page.keyboard.press('Escape');

    await waitingItem('Gus had this one').getByRole('button', { name: 'Details' }).click();
    await page
      .getByRole('dialog', { name: 'Request detail' })
      .getByRole('list', { name: 'Timeline' })
      .waitFor();
    await waitForText(
      page
        .getByRole('dialog', { name: 'Request detail' })
        .getByRole('region', { name: 'Customer' }),
      'Lead',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'console-request.png') });
    await page.keyboard.press('Escape');

    await operatorRow('Bob').getByRole('button', { name: 'Active requests of Bob' }).click();
    const search = page.getByRole('region', { name: 'Requests' });
    await waitForText(search.getByRole('status'), /of \d+/);
    await search.screenshot({ path: join(SCREENSHOTS, 'console-search.png') });

    await operatorRow('Ann').getByRole('button', { name: 'Edit operator Ann' }).click();
    await page.getByRole('dialog', { name: 'Edit operator: Ann' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-operators.png') });
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
