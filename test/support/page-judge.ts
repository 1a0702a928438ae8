/**
 * Test support: the outside judges every browser test holds a page people read to. axe-core with
 * its default rules (WCAG 2.0 and 2.1 A and AA, and best practices), no sideways scroll, and no
 * English id or word on the page (issue 17).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot } from './browser.js';

/** A phone (390 px) and a desktop (1280 px), the widths issue 17 was tried at. */
export const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;
/** Ids and English words that leaked onto pages people read (issue 17). Whole words, case-sensitive. */
export const ENGLISH = [
  'resolved',
  'not-resolved',
  'well-founded',
  'unfounded',
  'inadmissible',
  'admissible',
  'withdrawn',
  'referred',
  'respondent',
  'respondent-manager',
  'client',
  'officer',
  'escalate',
  'outcome',
  'deadline',
  'breached',
  'done',
  'sent',
  'Options',
];

/** axe-core's own minified build: what @axe-core/playwright's AxeBuilder injects is axe.js, 1.3 MB unminified. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core over the page, its violations, each as `rule: targets` (every node). The rules are axe's
 * defaults: every rule but the experimental ones, WCAG 2.0 and 2.1 A and AA and axe's best
 * practices (a page without a main landmark, a heading level skipped). That is what AxeBuilder
 * ran here: its `.options()` replaced the `.withTags()` WCAG selection given before it.
 *
 * axe.run called in the page as AxeBuilder's legacy mode calls it (`axe.run(document, options)`,
 * after `axe.configure` with the same-origin setting and its branding), with axe injected once per
 * check and minified: AxeBuilder evaluated the 1.3 MB of axe.js twice per check, once in analyze()
 * and again in runLegacy()'s inject(), half of a check's CPU (#19). test/page-judge.test.ts holds
 * this to AxeBuilder's answer. The legacy mode does not judge cross-origin frames, and no page
 * these tests judge has a frame.
 *
 * Only the violations come back, every node of each (resultTypes: one node of each other result:
 * the passes listed every node of the page, a fifth of a check's CPU, 2026-12-03). `all`: every
 * node of every result, the same rules (test/page-judge.test.ts).
 */
export async function axeViolations(page: Page, all = false): Promise<string[]> {
  const options = all ? {} : { resultTypes: ['violations'] };
  await wholePage(page);
  return page.evaluate(
    `${AXE_SOURCE}
;axe.configure({ allowedOrigins: ['<same_origin>'], branding: { application: 'playwright' } });
axe.run(document, ${JSON.stringify(options)}).then((r) =>
  r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')),
);`,
  );
}

/**
 * A page is judged whole: a click that submits a form or follows a link returns once the new page
 * is committed, and Chromium parses it as it streams in, so a judge that ran then saw only its top
 * (a fault, an English word or a "u" further down unseen; axe threw on a document without its root:
 * test/browser.test.ts under KLACHTFLOW_BROWSER_SLOW=6, test/page-judge.test.ts).
 */
async function wholePage(page: Page): Promise<void> {
  await page.waitForLoadState('load');
}

export /** axe-core with its default rules, no sideways scroll, no English word. */
async function readable(page: Page, what: string) {
  expect((await axeViolations(page)).map((v) => `${what}: ${v}`)).toEqual([]);
  const sideways = await page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
  expect(sideways, `${what} scrolls sideways`).toBeLessThanOrEqual(0);
  const text = (await page.locator('body').innerText()) ?? '';
  const leaks = ENGLISH.filter((w) => new RegExp(`(^|[^\\p{L}@-])${w}($|[^\\p{L}@-])`, 'u').test(text));
  expect(leaks, `${what}: English on the page`).toEqual([]);
}

/**
 * The part of the page people look at (`part`, a locator), shot at each width of VIEWPORTS into
 * `${dir}/${name}-${width}.png` (when screenshots are taken: SCREENSHOTS in browser.ts), and the
 * whole page judged at that width (readable).
 */
export async function shoot(page: Page, dir: string, name: string, what: string, part = 'main') {
  for (const v of VIEWPORTS) {
    await page.setViewportSize({ width: v.width, height: v.height });
    await screenshot(page.locator(part).first(), `${dir}/${name}-${v.width}.png`);
    await readable(page, `${what} (${v.width} px)`);
  }
}

/**
 * Every word of the page a complainant reads, with the words only a screen reader speaks (the
 * title, aria-label, title and placeholder attributes); nothing is typed into the form first.
 */
export async function pageWords(page: Page): Promise<string> {
  await wholePage(page);
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const spoken = [...doc.querySelectorAll('[aria-label],[title],[placeholder],[alt]')].flatMap((el: any) =>
      ['aria-label', 'title', 'placeholder', 'alt'].map((a) => el.getAttribute(a) ?? ''),
    );
    return [doc.title, doc.body.innerText, ...spoken].join('\n');
  });
}
