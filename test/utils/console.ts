import { eventually as pollUntil } from './eventually';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Headless, and nothing reaching for the internet (this machine's network is closed). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const root = join(__dirname, '..', '..');
const consoleDir = join(root, 'console');

function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), 0);
}

/** Builds console/dist (as `npm run build` does) unless it is newer than its sources. */
export function buildConsole(): void {
  const built = newest(join(consoleDir, 'dist', 'index.html'));
  const sources = Math.max(
    newest(join(consoleDir, 'src')),
    newest(join(consoleDir, 'index.html')),
    newest(join(consoleDir, 'vite.config.mts')),
  );
  if (built > sources) return;
  execFileSync(process.execPath, [join(root, 'scripts', 'build-console.js')], { stdio: 'inherit' });
}

/** The tests' one polling helper, with the console's 5 s default. */
export const eventually = (check: () => unknown, timeoutMs = 5000): Promise<void> =>
  pollUntil(check, timeoutMs, 'the page', 100);

/** Waits until the locator's element shows `text`. */
export async function waitForText(locator: Locator, text: string | RegExp, timeoutMs = 5000) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: timeoutMs });
}

/** Waits until the locator's elements' texts match `expected`, one pattern each, in order. */
export async function waitForTexts(locator: Locator, expected: RegExp[], timeoutMs = 5000) {
  await eventually(async () => {
    const texts = await locator.allInnerTexts();
    expect(texts.length).toBe(expected.length);
    texts.forEach((text, i) => expect(text).toMatch(expected[i]));
  }, timeoutMs);
}

/** True when the element has focus and the browser draws a visible focus outline for it. */
export function focusedVisibly(locator: Locator): Promise<boolean> {
  return locator.evaluate(
    (el) =>
      el === document.activeElement &&
      el.matches(':focus-visible') &&
      getComputedStyle(el).outlineStyle !== 'none' &&
      parseFloat(getComputedStyle(el).outlineWidth) > 0,
  );
}
