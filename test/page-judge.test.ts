/**
 * The judge the browser tests hold every page to (test/support/page-judge.ts), judged: axe finds
 * what is planted in a page, and the violations it reports are the same with and without every
 * node of the passes (`resultTypes`).
 */
import { describe, expect, it } from 'vitest';
import { useChromium } from './support/browser.js';
import { axeViolations } from './support/page-judge.js';

const chromium = useChromium();

/** A Dutch page with the faults planted that issue 17's pages once had. */
const PLANTED = `<!doctype html><html lang="nl"><head><title>Proef</title></head><body><main>
<h1>Proef</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="tweede">
<form><input type="text" name="naam"></form>
<a href="/ergens"></a>
<p style="color:#bbb;background:#fff">Lichtgrijze tekst op wit.</p>
</main></body></html>`;

describe('page judge: axe-core', () => {
  it('finds an image without alt, a field without label, an empty link and too little contrast, with and without every node', async () => {
    const context = await chromium().newContext();
    const page = await context.newPage();
    await page.setContent(PLANTED);
    const found = await axeViolations(page);
    for (const rule of ['image-alt', 'label', 'link-name', 'color-contrast'])
      expect(
        found.some((v) => v.startsWith(`${rule}: `)),
        `${rule} in ${found.join(' | ')}`,
      ).toBe(true);
    // Every node of a violation: both images.
    expect(found.find((v) => v.startsWith('image-alt: '))).toMatch(/, /);
    expect(await axeViolations(page, true)).toEqual(found);
    await context.close();
  });
});
