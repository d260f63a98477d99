import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { DESK_POLL_MS } from '../../console/src/timing';
import { given } from '../factories';
import {
  buildConsole,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  eventually,
  focusedVisibly,
  waitForText,
} from '../utils/console';
import { createTestApp, TestApp } from '../utils/create-test-app';

const ADMIN = 'admin-key-for-console-desk-01';
/** The desk reads every DESK_POLL_MS without the event stream; plus the browser's own work. */
const DESK_MS = DESK_POLL_MS * 2 + 1000;
/** A page change the console makes itself (a click) shows within this. */
const LIVE_MS = 2500;
/**
 * An operator key may not read GET /events/stream (403): the desk then polls. The browser logs
 * that refused read; it is the only console error these tests accept.
 */
const STREAM_REFUSED = /status of 403/;
/** UPDATE_SCREENSHOTS=1 writes the README's screenshot to docs/; otherwise to a temporary folder. */
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(__dirname, '..', '..', 'docs')
    : mkdtempSync(join(tmpdir(), 'lds-desk-'));

/**
 * The operator's desk (issue 25) and the board's presence, shift and offer fields, in a real
 * browser against a live app. console.e2e-spec.ts says when the browser tests are skipped.
 */
(existsSync(CHROMIUM_PATH) ? describe : describe.skip)(
  'Console: presence, shifts and offers; the operator’s desk (e2e)',
  () => {
    let browser: Browser;
    let t: TestApp;
    let context: BrowserContext;
    let page: Page;
    let problems: string[] = [];
    /** Console errors a test expects (an API error it provokes on purpose). */
    let expectedProblems: RegExp[] = [];

    const adminHeaders = { Authorization: `Bearer ${ADMIN}` };
    const api = () => request.agent(t.url).set(adminHeaders);
    const admin = () => given({ ...t, http: api });
    const as = (key: string) => request.agent(t.url).set({ Authorization: `Bearer ${key}` });

    const offers = () => page.getByRole('region', { name: 'Offers' });
    const myRequests = () => page.getByRole('region', { name: 'My requests' });
    const item = (region: ReturnType<typeof offers>, text: string) =>
      region.getByRole('listitem').filter({ hasText: text });
    const alert = (text: string | RegExp) => page.getByRole('alert').filter({ hasText: text });
    const secondsLeft = async (locator: ReturnType<typeof offers>) => {
      const text = await locator.getByTestId('seconds-left').innerText();
      const match = /(\d+) s left/.exec(text);
      if (!match) throw new Error(`no seconds left in "${text}"`);
      return Number(match[1]);
    };

    /** Signs in on the sign-in form with `key` (the page must show it). */
    const signIn = async (key: string) => {
      await page.goto(`${t.url}/console`);
      const field = page.getByLabel('API key');
      await field.fill(key);
      await page.keyboard.press('Enter');
    };

    let ann: Record<string, any>;
    let annKey: string;
    let annKeyId: number;
    /** Configured beside Ann but away, so that work goes to Ann unless a test makes Bob available. */
    let bob: Record<string, any>;
    const bobPresence = (presence: string) =>
      api().put(`/operators/${bob.id}/presence`).send({ presence }).expect(200);
    let offerSource: Record<string, any>;

    beforeAll(async () => {
      buildConsole();
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN } });
      context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(5000);
      page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

      ann = await admin().operator({ name: 'Ann', max_load: 3 });
      ({ key: annKey, id: annKeyId } = (
        await api().post(`/operators/${ann.id}/keys`).expect(201)
      ).body);
      offerSource = await admin().source({
        name: 'Offer line',
        assignment: 'offer',
        offer_timeout_seconds: 60,
      });
      bob = await admin().operator({ name: 'Bob', max_load: 10 });
      await bobPresence('away');
      await admin().weights(offerSource.id, [
        { operator_id: ann.id, weight: 1 },
        { operator_id: bob.id, weight: 1 },
      ]);
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

    it('an operator key opens the desk, not the board', async () => {
      expectedProblems = [STREAM_REFUSED];
      await signIn(annKey);
      await offers().waitFor();
      await myRequests().waitFor();
      await page.getByRole('heading', { name: 'Ann' }).waitFor();
      expect(await page.getByLabel('Presence').inputValue()).toBe('available');
      expect(await page.getByRole('table', { name: 'Operators' }).count()).toBe(0);
      // The stream is closed to operator keys: the desk says it reads every 2 s instead.
      await page.getByRole('status').filter({ hasText: 'updated every 2 s' }).waitFor();
    });

    it('shows a new offer with seconds left that count down', async () => {
      const created = await admin().request(offerSource.id, { message: 'Please offer me' });
      expect(created.pending_offer).toMatchObject({ operator_id: ann.id });
      const offer = item(offers(), 'Please offer me');
      await offer.waitFor({ timeout: DESK_MS });
      const first = await secondsLeft(offer);
      expect(first).toBeGreaterThan(50);
      expect(first).toBeLessThanOrEqual(60);
      await eventually(async () => expect(await secondsLeft(offer)).toBeLessThan(first), 4000);
    });

    it('Accept moves the offer to My requests; Close removes it', async () => {
      const offer = item(offers(), 'Please offer me');
      const requestId = (await as(annKey).get('/me/offers').expect(200)).body[0].request_id;
      await offer.getByRole('button', { name: 'Accept' }).click();
      await offer.waitFor({ state: 'detached', timeout: LIVE_MS });
      const mine = item(myRequests(), 'Please offer me');
      await mine.waitFor({ timeout: LIVE_MS });
      await alert(`Request #${requestId} is yours.`).waitFor();
      expect((await api().get(`/requests/${requestId}`).expect(200)).body).toMatchObject({
        status: 'active',
        operator_id: ann.id,
        pending_offer: null,
      });
      // Focus goes to the list the request moved to, not to the page's start.
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('My requests');

      await mine.getByRole('button', { name: 'Close' }).click();
      await mine.waitFor({ state: 'detached', timeout: LIVE_MS });
      expect((await api().get(`/requests/${requestId}`).expect(200)).body.status).toBe('closed');
      expect((await as(annKey).get('/me/requests').expect(200)).body).toEqual([]);
    });

    it('Decline removes an offer', async () => {
      const created = await admin().request(offerSource.id, { message: 'Not for me' });
      const offer = item(offers(), 'Not for me');
      await offer.waitFor({ timeout: DESK_MS });
      // Someone else to take it: a declined offer goes to the next operator, never back to Ann.
      await bobPresence('available');
      // By keyboard: Tab from Accept reaches Decline, Enter presses it.
      await offer.getByRole('button', { name: 'Accept' }).focus();
      await page.keyboard.press('Tab');
      const decline = offer.getByRole('button', { name: 'Decline' });
      await eventually(() => focusedVisibly(decline));
      await page.keyboard.press('Enter');
      await offer.waitFor({ state: 'detached', timeout: LIVE_MS });
      const { body: history } = await api()
        .get(`/offers?request_id=${created.id}&limit=10`)
        .expect(200);
      expect(history[0]).toMatchObject({ operator_id: ann.id, status: 'declined' });
      expect(history[1]).toMatchObject({ operator_id: bob.id, status: 'pending' });
      await api().patch(`/requests/${created.id}/status`).send({ status: 'closed' }).expect(200);
      await bobPresence('away');
    });

    it('an offer left to run out disappears once the service expires it', async () => {
      const quick = await admin().source({
        name: 'Quick line',
        assignment: 'offer',
        offer_timeout_seconds: 5,
      });
      await admin().weights(quick.id, [
        { operator_id: ann.id, weight: 1 },
        { operator_id: bob.id, weight: 1 },
      ]);
      const created = await admin().request(quick.id, { message: 'Answer me fast' });
      const offer = item(offers(), 'Answer me fast');
      await offer.waitFor({ timeout: DESK_MS });
      await bobPresence('available');
      expect(await secondsLeft(offer)).toBeLessThanOrEqual(5);
      // Expired no later than 2 s after expires_at, then read at the next poll.
      await offer.waitFor({ state: 'detached', timeout: 5000 + 2000 + DESK_MS });
      const { body } = await api().get(`/offers?request_id=${created.id}&limit=10`).expect(200);
      expect(body[0]).toMatchObject({ operator_id: ann.id, status: 'expired' });
      expect(body[1]).toMatchObject({ operator_id: bob.id });
      await api().patch(`/requests/${created.id}/status`).send({ status: 'closed' }).expect(200);
      await bobPresence('away');
    });

    it('the Presence control sets the operator’s own presence', async () => {
      const presence = page.getByLabel('Presence');
      await presence.selectOption('away');
      await eventually(async () =>
        expect((await as(annKey).get('/me').expect(200)).body.presence).toBe('away'),
      );
      await waitForText(page.locator('#desk-presence-hint'), 'No new work comes to you');
      // Away: a new request is not offered to Ann; back to available, it is.
      const created = await admin().request(offerSource.id, { message: 'While Ann is away' });
      expect(created.pending_offer).toBeNull();
      await presence.selectOption('available');
      await eventually(async () =>
        expect((await as(annKey).get('/me').expect(200)).body.presence).toBe('available'),
      );
      const offer = item(offers(), 'While Ann is away');
      await offer.waitFor({ timeout: DESK_MS });
      await offer.getByRole('button', { name: 'Accept' }).click();
      await item(myRequests(), 'While Ann is away').waitFor({ timeout: LIVE_MS });

      // The desk with work in both lists, for the README.
      const next = await admin().request(offerSource.id, { message: 'Do you ship to Norway?' });
      await item(offers(), 'Norway').waitFor({ timeout: DESK_MS });
      const dismiss = page.getByRole('button', { name: 'Dismiss' });
      while ((await dismiss.count()) > 0) await dismiss.first().click();
      await page.screenshot({ path: join(SCREENSHOTS, 'console-desk.png') });
      await api().patch(`/requests/${next.id}/status`).send({ status: 'closed' }).expect(200);
      await item(offers(), 'Norway').waitFor({ state: 'detached', timeout: DESK_MS });
    });

    it('the board shows presence, shift, offered load and the pending offers', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(ADMIN);
      const annRow = page
        .getByRole('table', { name: 'Operators' })
        .getByRole('row', { name: /^Ann\b/ });
      await annRow.waitFor();
      await waitForText(annRow.getByTestId('presence'), 'Available');
      await waitForText(annRow.getByTestId('shift'), 'On shift');
      await waitForText(annRow, '1 / 3');

      // An offer holds a unit of Ann's room: the board shows it beside the load, and lists it.
      const created = await admin().request(offerSource.id, { message: 'For the board' });
      await waitForText(annRow.getByTestId('offered'), '1 offered', LIVE_MS);
      const pending = page.getByRole('region', { name: 'Pending offers' });
      const row = pending
        .getByRole('listitem')
        .filter({ hasText: `Request #${created.id}` })
        .filter({ hasText: 'offered to Ann' });
      await waitForText(row, /\d+ s left/, LIVE_MS);

      // Presence set through the API (no event): the board shows it with its reason.
      await as(annKey)
        .put(`/operators/${ann.id}/presence`)
        .send({ presence: 'away', reason: 'lunch' })
        .expect(200);
      await page.reload();
      await waitForText(annRow.getByTestId('presence'), 'Away: lunch');
      // Going away withdrew the offer.
      await pending.getByText('No offer waits for an answer.').waitFor({ timeout: LIVE_MS });
      await api().put(`/operators/${ann.id}/presence`).send({ presence: 'available' }).expect(200);
    });

    it('adds an offer source and edits its timeout in the source form', async () => {
      await page.getByRole('button', { name: 'Add source' }).click();
      const form = page.getByRole('dialog', { name: 'Add source' });
      await form.getByLabel('Name').fill('Chat offers');
      expect(await form.getByLabel('Offer timeout (seconds)').isDisabled()).toBe(true);
      await form.getByLabel('Assignment').selectOption('offer');
      await form.getByLabel('Offer timeout (seconds)').fill('45');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      const sourceRow = page
        .getByRole('table', { name: 'Sources' })
        .getByRole('row', { name: /Chat offers/ });
      await waitForText(sourceRow, 'offers, 45 s to accept');
      const { body: list } = await api().get('/sources?limit=1000').expect(200);
      const chat = list.find((s: any) => s.name === 'Chat offers');
      expect(chat).toMatchObject({ assignment: 'offer', offer_timeout_seconds: 45 });

      await sourceRow.getByRole('button', { name: 'Edit source Chat offers' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit source: Chat offers' });
      expect(await edit.getByLabel('Assignment').inputValue()).toBe('offer');
      expect(await edit.getByLabel('Offer timeout (seconds)').inputValue()).toBe('45');
      await edit.getByLabel('Offer timeout (seconds)').fill('2');
      expectedProblems = [/status of 400/];
      await edit.getByRole('button', { name: 'Save' }).click();
      await waitForText(edit.getByRole('alert'), /offer_timeout_seconds/i);
      await edit.getByLabel('Assignment').selectOption('direct');
      await edit.getByLabel('Offer timeout (seconds)').waitFor({ state: 'attached' });
      expect(await edit.getByLabel('Offer timeout (seconds)').isDisabled()).toBe(true);
      await page.keyboard.press('Escape');
      await edit.waitFor({ state: 'detached' });
    });

    it('adds an operator with a schedule and a presence in the operator form', async () => {
      await page.getByRole('button', { name: 'Add operator' }).click();
      const form = page.getByRole('dialog', { name: 'Add operator' });
      await form.getByLabel('Name').fill('Sam');
      await form.getByLabel('Presence').selectOption('away');
      await form.getByLabel('Reason').fill('training');
      await form.getByLabel('Working hours').check();
      await form.getByLabel('Time zone').fill('Europe/Berlin');
      await form.getByRole('button', { name: 'Add Monday to Friday, 09:00–17:00' }).click();
      await form.getByLabel('Weekly hours, row 5: end').fill('13:00');
      // A refused schedule stays in the form, the service's words in the editor's names.
      await form.getByLabel('Weekly hours, row 1: end').fill('08:00');
      expectedProblems = [/status of 400/];
      await form.getByRole('button', { name: 'Save' }).click();
      await waitForText(form.getByRole('alert'), 'Weekly hours, row 1: end must be after start');
      await form.getByLabel('Weekly hours, row 1: end').fill('17:00');
      await form.getByRole('button', { name: 'Add exception' }).click();
      await form.getByLabel('Exceptions, row 1: date').fill('2026-12-24');
      await form.getByLabel('Exceptions, row 1: start').fill('09:00');
      await form.getByLabel('Exceptions, row 1: end').fill('12:00');
      await form.getByRole('button', { name: 'Add exception' }).click();
      await form.getByLabel('Exceptions, row 2: date').fill('2026-12-25');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await alert('Operator Sam added.').waitFor();

      const { body: list } = await api().get('/operators?limit=1000').expect(200);
      const sam = list.find((o: any) => o.name === 'Sam');
      expect(sam).toMatchObject({
        presence: 'away',
        presence_reason: 'training',
        schedule: {
          time_zone: 'Europe/Berlin',
          weekly: [
            { day: 'mon', start: '09:00', end: '17:00' },
            { day: 'tue', start: '09:00', end: '17:00' },
            { day: 'wed', start: '09:00', end: '17:00' },
            { day: 'thu', start: '09:00', end: '17:00' },
            { day: 'fri', start: '09:00', end: '13:00' },
          ],
          exceptions: [
            { date: '2026-12-24', start: '09:00', end: '12:00' },
            { date: '2026-12-25' },
          ],
        },
      });
      const samRow = page
        .getByRole('table', { name: 'Operators' })
        .getByRole('row', { name: /^Sam\b/ });
      await waitForText(samRow.getByTestId('presence'), 'Away: training');
      await waitForText(
        samRow.getByTestId('shift'),
        sam.on_shift ? 'On shift until' : 'Off shift until',
      );

      // Editing shows the schedule as saved; unchecking Working hours makes it always on shift.
      await samRow.getByRole('button', { name: 'Edit operator Sam' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit operator: Sam' });
      expect(await edit.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
      expect(await edit.getByLabel('Weekly hours, row 5: day').inputValue()).toBe('fri');
      expect(await edit.getByLabel('Exceptions, row 2: start').inputValue()).toBe('');
      await edit.getByLabel('Working hours').uncheck();
      await edit.getByLabel('Presence').selectOption('available');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      await eventually(async () =>
        expect((await api().get(`/operators/${sam.id}`).expect(200)).body).toMatchObject({
          schedule: null,
          on_shift: true,
          next_shift_change_at: null,
          presence: 'available',
          presence_reason: null,
        }),
      );
      await waitForText(samRow.getByTestId('shift'), /^On shift$/);
    });

    it('a revoked key ends the desk at its next read', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      expectedProblems = [STREAM_REFUSED];
      await signIn(annKey);
      await offers().waitFor();
      expectedProblems = [STREAM_REFUSED, /status of 401/];
      await api().delete(`/operators/${ann.id}/keys/${annKeyId}`).expect(204);
      await alert('The service refused the key: sign in again.').waitFor({ timeout: DESK_MS });
      await page.getByLabel('API key').waitFor();
      expect(await offers().count()).toBe(0);
    });
  },
);
