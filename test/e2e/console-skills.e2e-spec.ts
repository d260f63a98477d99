import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readerQuery } from '../../src/database/raw-query';
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

/** A change the console makes shows within this (plus a little for the browser's own work). */
const LIVE_MS = 2500;

/**
 * Skills, priority and fallback in the console (issue 24), in a real browser against a live
 * app: operators' skills edited in their table, the queue's priorities, sources' routing.
 * console.e2e-spec.ts says when the browser tests are skipped (no Chromium).
 */
(existsSync(CHROMIUM_PATH) ? describe : describe.skip)(
  'Console: skills, priority and routing (e2e)',
  () => {
    let browser: Browser;
    let t: TestApp;
    let page: Page;
    let problems: string[] = [];
    /** Console errors a test expects (an API error it provokes on purpose). */
    let expectedProblems: RegExp[] = [];

    const api = () => t.http();
    const operatorRow = (name: string) =>
      page
        .getByRole('table', { name: 'Operators' })
        .getByRole('row', { name: new RegExp(`^${name}\\b`) });
    const sourceRow = (name: string) =>
      page.getByRole('table', { name: 'Sources' }).getByRole('row', { name: new RegExp(name) });
    const waiting = () => page.getByRole('region', { name: 'Waiting' });
    const alert = (text: string | RegExp) => page.getByRole('alert').filter({ hasText: text });
    /** The console as a team lead opens it, showing what the API holds now. */
    const openConsole = async () => {
      await page.goto(`${t.url}/console`);
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    };
    const skillsOf = (name: string) =>
      operatorRow(name)
        .getByRole('list', { name: `Skills of ${name}` })
        .getByRole('listitem');

    beforeAll(async () => {
      buildConsole();
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      // The fallback sweep is off: no request here should change behind the test's back.
      t = await createTestApp({ env: { SKILL_FALLBACK_INTERVAL_MS: '0' } });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(5000);
      page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
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

    it('edits an operator’s skills in the Operators table; the queue drains into the new skill', async () => {
      const ann = await given(t).operator({ name: 'Ann', skills: ['de'], max_load: 3 });
      const source = await given(t).source({ name: 'French line', required_skills: ['fr'] });
      await given(t).weights(source.id, [{ operator_id: ann.id, weight: 1 }]);
      await given(t).request(source.id, { message: 'Bonjour' });
      await openConsole();

      const table = page.getByRole('table', { name: 'Operators' });
      expect(await table.getByRole('columnheader').allInnerTexts()).toContain('Skills');
      await waitForTexts(skillsOf('Ann'), [/^de$/]);
      const item = waiting().getByRole('listitem').filter({ hasText: 'Bonjour' });
      await waitForText(item, 'Needs fr');

      const edit = operatorRow('Ann').getByRole('button', { name: 'Edit skills of Ann' });
      await edit.click();
      const input = operatorRow('Ann').getByRole('textbox', { name: 'Skills of Ann' });
      expect(await input.inputValue()).toBe('de');
      expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
      await input.fill('fr, de');
      await page.keyboard.press('Enter');
      await alert('Skills of Ann saved.').waitFor();
      // Sorted by the service; focus returns to the Edit button the editor replaced.
      await waitForTexts(skillsOf('Ann'), [/^de$/, /^fr$/]);
      await eventually(() => focusedVisibly(edit));
      expect((await api().get(`/operators/${ann.id}`).expect(200)).body.skills).toEqual([
        'de',
        'fr',
      ]);
      // Ann now has what the waiting request needs: it goes to her at once.
      await item.waitFor({ state: 'detached', timeout: LIVE_MS });
      await waitForText(operatorRow('Ann'), '1 / 3');

      // A name the service refuses: its reason in the row, nothing saved; Escape cancels.
      await edit.click();
      await input.fill('de, Billing!');
      expectedProblems = [/status of 400/];
      await operatorRow('Ann').getByRole('button', { name: 'Save' }).click();
      await waitForText(operatorRow('Ann').getByRole('alert'), /^Skills\[1\] must be a skill name/);
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      await input.press('Escape');
      await input.waitFor({ state: 'detached' });
      await waitForTexts(skillsOf('Ann'), [/^de$/, /^fr$/]);
      expect((await api().get(`/operators/${ann.id}`).expect(200)).body.skills).toEqual([
        'de',
        'fr',
      ]);
    });

    it('adds an operator with skills, and the edit form shows them', async () => {
      await page.getByRole('button', { name: 'Add operator' }).click();
      const form = page.getByRole('dialog', { name: 'Add operator' });
      await form.getByLabel('Name').fill('Bo');
      await form.getByLabel('Skills').fill('vip, billing');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await waitForTexts(skillsOf('Bo'), [/^billing$/, /^vip$/]);
      const { body: list } = await api().get('/operators?skill=vip').expect(200);
      expect(list.map((o: any) => [o.name, o.skills])).toEqual([['Bo', ['billing', 'vip']]]);

      await operatorRow('Bo').getByRole('button', { name: 'Edit operator Bo' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit operator: Bo' });
      expect(await edit.getByLabel('Skills').inputValue()).toBe('billing, vip');
      await edit.getByLabel('Skills').fill('billing, billing');
      expectedProblems = [/status of 400/];
      await edit.getByRole('button', { name: 'Save' }).click();
      await waitForText(edit.getByRole('alert'), 'Skills[1] repeats "billing"');
      await page.keyboard.press('Escape');
      await edit.waitFor({ state: 'detached' });
    });

    it('lists the queue in the API’s order, with priority, effective priority and skills', async () => {
      // Nobody is configured for this source: everything waits. Aging: 3 a minute.
      const source = await given(t).source({
        name: 'Queue channel',
        default_priority: 20,
        priority_aging_per_minute: 3,
      });
      const routine = await given(t).request(source.id, { message: 'Routine', priority: 0 });
      const old = await given(t).request(source.id, { message: 'Waited long', priority: 0 });
      await given(t).request(source.id, { message: 'Source default' });
      await given(t).request(source.id, { message: 'Urgent', priority: 50 });
      await given(t).request(source.id, { message: 'German', priority: 40, skills: ['de'] });
      // Waited 10 minutes: 0 + 10 × 3 = 30, ahead of the source's default of 20.
      await readerQuery(t.writer.manager).query('UPDATE requests SET created_at = ? WHERE id = ?', [
        new Date(Date.parse(old.created_at) - 10 * 60_000),
        old.id,
      ]);
      await openConsole();

      const items = waiting().getByRole('listitem').filter({ hasText: 'Queue channel' });
      // Each: the message, "#id · source · waiting …", the priorities, the skills it needs.
      const queued = (message: string, priorities: string, needs = '') =>
        new RegExp(`^${message}\\n[^\\n]*\\n${priorities}\\n${needs}Operator for`);
      await waitForTexts(items, [
        queued('Urgent', 'Priority 50 · effective 50'),
        queued('German', 'Priority 40 · effective 40', 'Needs de\\n'),
        queued('Waited long', 'Priority 0 · effective 30'),
        queued('Source default', 'Priority 20 · effective 20'),
        queued('Routine', 'Priority 0 · effective 0'),
      ]);
      // The same order as the queue the service drains.
      const { body: queue } = await api().get('/requests?waiting=true').expect(200);
      const ours = queue.filter((r: any) => r.source_id === source.id);
      const shown = await items.allInnerTexts();
      expect(shown.map((text) => text.split('\n')[0])).toEqual(ours.map((r: any) => r.message));
      expect(ours.at(-1).id).toBe(routine.id);
    });

    it('edits a source’s routing fields, with the service’s refusals in the form', async () => {
      const source = await given(t).source({ name: 'Routing channel' });
      await openConsole();
      const row = sourceRow('Routing channel');
      await waitForText(row.getByTestId('routing'), '—');

      const editButton = row.getByRole('button', { name: 'Edit source Routing channel' });
      await editButton.click();
      const form = page.getByRole('dialog', { name: 'Edit source: Routing channel' });
      const routing = form.getByRole('group', { name: 'Routing' });
      const field = {
        skills: routing.getByLabel('Required skills'),
        fallback: routing.getByLabel('Skill fallback (seconds)'),
        priority: routing.getByLabel('Default priority'),
        aging: routing.getByLabel('Priority aging per minute'),
      };
      expect(await field.skills.inputValue()).toBe('');
      expect(await field.fallback.inputValue()).toBe('');
      expect(await field.priority.inputValue()).toBe('0');
      expect(await field.aging.inputValue()).toBe('0');
      await field.skills.fill('vip, de');
      await field.fallback.fill('120');
      await field.priority.fill('10');
      await field.aging.fill('2');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await alert('Source Routing channel saved.').waitFor();
      await waitForText(
        row.getByTestId('routing'),
        'needs de, vip · anyone after 120 s · priority 10 · +2/min',
      );
      const stored = async () => (await api().get(`/sources/${source.id}`).expect(200)).body;
      expect(await stored()).toMatchObject({
        required_skills: ['de', 'vip'],
        skill_fallback_seconds: 120,
        default_priority: 10,
        priority_aging_per_minute: 2,
      });

      // Empty fallback: never.
      await editButton.click();
      expect(await field.skills.inputValue()).toBe('de, vip');
      expect(await field.fallback.inputValue()).toBe('120');
      await field.fallback.fill('');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await waitForText(row.getByTestId('routing'), 'needs de, vip · priority 10 · +2/min');
      expect((await stored()).skill_fallback_seconds).toBeNull();

      // Refusals: the service's reason in the form, one field at a time, nothing saved.
      await editButton.click();
      expectedProblems = [/status of 400/];
      await field.priority.fill('101');
      await form.getByRole('button', { name: 'Save' }).click();
      await waitForText(form.getByRole('alert'), /default_priority must not be greater than 100/i);
      await field.priority.fill('10');
      await field.fallback.fill('0');
      await form.getByRole('button', { name: 'Save' }).click();
      await waitForText(form.getByRole('alert'), /skill_fallback_seconds must not be less than 1/i);
      await field.fallback.fill('');
      await field.skills.fill('DE');
      await form.getByRole('button', { name: 'Save' }).click();
      await waitForText(form.getByRole('alert'), /required_skills\[0\] must be a skill name/i);
      await page.keyboard.press('Escape');
      await form.waitFor({ state: 'detached' });
      expect(await stored()).toMatchObject({
        required_skills: ['de', 'vip'],
        skill_fallback_seconds: null,
        default_priority: 10,
      });
    });

    it('adds a source with its routing', async () => {
      await page.getByRole('button', { name: 'Add source' }).click();
      const form = page.getByRole('dialog', { name: 'Add source' });
      await form.getByLabel('Name').fill('Priority line');
      await form.getByLabel('Default priority').fill('70');
      await form.getByLabel('Skill fallback (seconds)').fill('30');
      await form.getByLabel('Required skills').fill('billing');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await waitForText(
        sourceRow('Priority line').getByTestId('routing'),
        'needs billing · anyone after 30 s · priority 70',
      );
      const { body: list } = await api().get('/sources?limit=1000').expect(200);
      expect(list.find((s: any) => s.name === 'Priority line')).toMatchObject({
        required_skills: ['billing'],
        skill_fallback_seconds: 30,
        default_priority: 70,
        priority_aging_per_minute: 0,
      });
    });
  },
);
