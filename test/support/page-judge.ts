/**
 * Test support: the outside judges every browser test holds a page people read to. axe-core with
 * the WCAG 2.1 A and AA rules, no sideways scroll, and no English id or word on the page (issue 17).
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

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

/**
 * axe-core's WCAG 2.1 A and AA rules over the page: its violations, each as `rule: targets`.
 * Run with axe.run in the page (AxeBuilder's legacy mode) instead of runPartial per frame and
 * finishRun in a blank page that is opened, loaded with axe once more and closed on every check:
 * that blank page doubled each check's CPU (6 checks: 7.3 to 9.2 CPU s against 4.1; 2026-12-03).
 * The one difference is that legacy mode does not judge cross-origin frames, and no page these
 * tests judge has a frame. Both modes gave the same violations, passes, incomplete and
 * inapplicable rules, node for node, on the form, the start page and a complainant's page, and the
 * same three violations when an image without alt, an input without label and an empty link were
 * planted in each.
 */
export async function axeViolations(page: Page, all = false): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).setLegacyMode();
  // Every node of a violation, one node each of the passes and the rest (which no test reads): the
  // passes listed every node of the page, and handing them over cost a fifth of a check's CPU
  // (2026-12-03). `all`: every node of every result, as before (test/page-judge.test.ts).
  if (!all) builder.options({ resultTypes: ['violations'] });
  const result = await builder.analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export /** axe-core with the WCAG 2.1 A and AA rules, no sideways scroll, no English word. */
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
 * `${dir}/${name}-${width}.png`, and the whole page judged at that width (readable).
 */
export async function shoot(page: Page, dir: string, name: string, what: string, part = 'main') {
  for (const v of VIEWPORTS) {
    await page.setViewportSize({ width: v.width, height: v.height });
    await page
      .locator(part)
      .first()
      .screenshot({ path: `${dir}/${name}-${v.width}.png` });
    await readable(page, `${what} (${v.width} px)`);
  }
}

/**
 * Every word of the page a complainant reads, with the words only a screen reader speaks (the
 * title, aria-label, title and placeholder attributes); nothing is typed into the form first.
 */
export async function pageWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const spoken = [...doc.querySelectorAll('[aria-label],[title],[placeholder],[alt]')].flatMap((el: any) =>
      ['aria-label', 'title', 'placeholder', 'alt'].map((a) => el.getAttribute(a) ?? ''),
    );
    return [doc.title, doc.body.innerText, ...spoken].join('\n');
  });
}
