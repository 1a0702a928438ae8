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

export /** axe-core with the WCAG 2.1 A and AA rules, no sideways scroll, no English word. */
async function readable(page: Page, what: string) {
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${what}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  );
  const sideways = await page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
  expect(sideways, `${what} scrolls sideways`).toBeLessThanOrEqual(0);
  const text = (await page.locator('body').innerText()) ?? '';
  const leaks = ENGLISH.filter((w) => new RegExp(`(^|[^\\p{L}@-])${w}($|[^\\p{L}@-])`, 'u').test(text));
  expect(leaks, `${what}: English on the page`).toEqual([]);
}
