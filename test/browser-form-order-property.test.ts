/**
 * The complaint form's error summary follows the form as rendered, whatever the complainant typed:
 * its order is read from the rendered form (`idsInOrder` in lambdas/web/pages.tsx), so typed text
 * must never add, drop or move a field in it (a name like `x" id="consent`, marks, lone surrogates,
 * controls). fast-check over arbitrary Unicode in every field and every error message, each
 * rendered page parsed by Chromium, the judge: the summary's links in the document order of their
 * targets, and each target on the page. Bounded runs, a fixed seed (FC_SEED overrides it).
 */
import fc from 'fast-check';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComplaintForm } from '../lambdas/web/pages.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import { intakeDimensions } from '../statemachines/vocabulary.js';
import { useChromium } from './support/browser.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
const chromium = useChromium();

/** Any code point, lone surrogates included, and text made to look like markup. */
const typed = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('x" id="consent', "' id='role", '<input id="name">', '&quot; id=&quot;street', '\u0000\u202e'),
);

describe('property: the error summary in the order of the rendered form, whatever was typed', () => {
  let page: Page;
  beforeAll(async () => {
    page = await (await chromium().newContext()).newPage();
  });
  afterAll(async () => page?.context().close());

  for (const preset of PRESET_IDS) {
    it(preset, async () => {
      const reg = loadRegulation(preset);
      const fields = [
        'role',
        ...(reg.intake.variants.length > 1 ? ['variant'] : []),
        'name',
        'email',
        'phone',
        'street',
        'postcode',
        'city',
        'description',
        ...intakeDimensions(reg).map((d) => `answer-${d.id}`),
        'incident-day',
        'respondent',
        'consent',
      ];
      const valueKeys = [
        'name',
        'email',
        'phone',
        'street',
        'postcode',
        'city',
        'onBehalfOf',
        'description',
        'respondent',
        'incident-day',
        'incident-month',
        'incident-year',
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.record(Object.fromEntries(valueKeys.map((k) => [k, typed]))),
          fc.subarray(fields, { minLength: 2 }),
          fc.array(typed, { minLength: fields.length, maxLength: fields.length }),
          async (values, wrong, messages) => {
            const errors = Object.fromEntries(wrong.map((f, i) => [f, `${messages[i] ?? ''} .`]));
            // The summary is built in whatever order the errors come: reversed, to be sure.
            const reversed = Object.fromEntries(Object.entries(errors).reverse());
            const html = `<!doctype html>${String(
              ComplaintForm({ reg, values: values as Record<string, string>, errors: reversed, formId: 'f' }),
            )}`;
            await page.setContent(html);
            const found = await page.evaluate(() => {
              const doc = (globalThis as any).document;
              const all = [...doc.querySelectorAll('*')];
              const targets = [...doc.querySelectorAll('#fouten a')].map((a: any) =>
                decodeURIComponent((a.getAttribute('href') ?? '').slice(1)),
              );
              return { targets, places: targets.map((id: string) => all.indexOf(doc.getElementById(id))) };
            });
            expect(found.targets.length).toBe(wrong.length);
            expect(
              found.places.every((p: number) => p >= 0),
              found.targets.join(', '),
            ).toBe(true);
            const sorted = [...found.places].sort((a, b) => a - b);
            expect(found.places).toEqual(sorted);
          },
        ),
        { numRuns: 15, seed: SEED },
      );
    });
  }
});
