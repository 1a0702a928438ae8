import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signIn as signInAs, useChromium } from './support/browser.js';
import { dossier, submit, walk } from './support/ladder.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// The officer's decision form (issue 16's leftover): what the outcome's letter must contain
// (statemachines/letter-content.ts) refused with a 422 shows its Dutch message beside the field
// (NL Design System / Utrecht form field error: the message under the label, aria-describedby,
// aria-invalid), the summary links to it, and what the officer typed is kept. Real Chromium; the
// page with its errors judged (axe, no sideways scroll, no English) and shot at 390 and 1280 px
// with the shared `shoot`. The form behaves the same at any width: it is filled in once, on a phone.
const SHOTS = 'test-results/screenshots/followups';

const chromium = useChromium();
let rt: TestRuntime;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => {
  await rt?.stop();
});

/** Signs in as `role` through the sign-in page (test/support/browser.ts). */
const signIn = (page: Page, role: string) => signInAs(page, rt.url, rt.officers[role] ?? '');

const FINDINGS = '#findings-contents-findings';
const SOLUTIONS = '#findings-contents-solutions';

describe('browser: a missing letter field on the decision form', () => {
  it('shows the message beside the field, links to it, keeps what was typed', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'not-resolved'],
    ]);
    const context = await chromium().newContext();
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.setViewportSize(VIEWPORTS[0]);
    await signIn(page, 'officer');
    await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
    const form = page.locator('form', { has: page.locator(FINDINGS) });
    await form.locator('input[name="outcome"]').first().check();
    const chosen = await form.locator('input[name="outcome"]:checked').getAttribute('value');
    // Both fields the letter needs left empty, the note typed: each empty field marked.
    await form.locator('textarea[name="note"]').fill('Wij bellen u nog om het toe te lichten.');
    await form.getByRole('button', { name: 'Leg de uitkomst vast' }).click();
    // The click returns once the answer's page is committed; Chromium parses it as it streams in,
    // and the reads below (count, getAttribute) do not wait for what is not there yet
    // (KLACHTFLOW_BROWSER_SLOW in test/support/browser.ts).
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/^Fout: /);
    for (const field of [FINDINGS, SOLUTIONS]) {
      expect(await page.locator(field).getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator(`#fouten a[href="${field}"]`).count()).toBe(1);
    }
    // Then the solutions typed, the findings still empty.
    await page.locator(SOLUTIONS).fill('Een vaste dag voor de afspraken.');
    await page.getByRole('button', { name: 'Leg de uitkomst vast' }).first().click();
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/^Fout: /);
    // Beside the field: its own message, in Dutch, tied to the field.
    const findings = page.locator(FINDINGS);
    expect(await findings.getAttribute('aria-invalid')).toBe('true');
    const described = (await findings.getAttribute('aria-describedby')) ?? '';
    const errorId = described.split(/\s+/).find((x) => x.endsWith('-error'));
    expect(errorId, described).toMatch(/^\S+-error$/);
    const message = await page.locator(`#${errorId}`).innerText();
    expect(message).toMatch(/^Bevindingen/);
    expect(message).toMatch(/vul/i);
    // The error stands inside the field's own block, under its label (Utrecht form field).
    const block = page.locator('.utrecht-form-field', { has: findings });
    expect(await block.locator(`#${errorId}`).count()).toBe(1);
    expect(await block.getAttribute('class')).toMatch(/utrecht-form-field--invalid|kf-invalid/);
    // A filled field is not marked.
    expect(await page.locator(SOLUTIONS).getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator(`#fouten a[href="${SOLUTIONS}"]`).count()).toBe(0);
    // The summary links to the field.
    const link = page.locator(`#fouten a[href="${FINDINGS}"]`);
    expect(await link.count()).toBe(1);
    expect(await link.innerText()).toBe(message);
    // What the officer typed is kept, and the outcome stays chosen.
    expect(await page.locator(SOLUTIONS).inputValue()).toBe('Een vaste dag voor de afspraken.');
    expect(await page.locator('textarea[name="note"]').first().inputValue()).toBe(
      'Wij bellen u nog om het toe te lichten.',
    );
    expect(await page.locator(`input[name="outcome"][value="${chosen}"]`).isChecked()).toBe(true);
    // Nothing was decided.
    expect((await dossier(rt, s.id)).currentStep.id).toBe('findings');
    // The top as the officer lands on it (the title and the summary), then at both widths the page
    // judged and the form with its errors shot, at a size a person can read.
    await screenshot(page, `${SHOTS}/decision-error-top-${VIEWPORTS[0].width}.png`);
    await shoot(page, SHOTS, 'decision-error-form', 'decision form with an error', `form:has(${FINDINGS})`);
    // The link in the summary moves to the field; filled in, the decision goes through.
    await link.click();
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe(FINDINGS.slice(1));
    await page.locator(FINDINGS).fill('De begeleider kwam twee keer niet.');
    await page.getByRole('button', { name: 'Leg de uitkomst vast' }).first().click();
    expect(await page.title()).not.toMatch(/^Fout: /);
    const d = await dossier(rt, s.id);
    expect(d.currentStep?.id).not.toBe('findings');
    await context.close();
  });
});
