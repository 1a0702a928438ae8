/**
 * Cross-site request forgery and framing, judged by a real browser (Debian chromium): a page on
 * another port of the same host (same site, so SameSite cookies go along) posts a decision with
 * the officer's cookie, and frames the worklist. And the pages themselves work under their own
 * Content-Security-Policy: no violation while an officer and a complainant use them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium } from './support/browser.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
const chromium = useChromium();
let evil: Server;
let evilUrl: string;
/** What the attacker's server serves, by path. */
const evilPages = new Map<string, string>();

beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  evil = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(evilPages.get(req.url ?? '/') ?? '<!doctype html><title>leeg</title>');
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
  await rt?.stop();
});

async function signIn(page: Page, role = 'officer') {
  await page.goto(`${rt.url}/medewerkers`);
  await page.getByLabel('Uw toegangscode').fill(rt.officers[role] ?? '');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await expect.poll(() => page.title()).toBe('Werklijst - ONS welzijn');
}

/** A complaint whose current step waits for the officer, and the first outcome they may choose. */
async function waitingDossier() {
  const k = (await rt.call('POST', '/complaints', { body: SANNE })).json;
  await rt.advance('PT0S');
  const d = (await rt.call('GET', `/dossiers/${k.id}`, { token: rt.officers.officer })).json;
  const action = d.availableActions.find((a: any) => a.type === 'outcome');
  expect(action).toBeDefined();
  return {
    id: k.id as string,
    token: k.accessToken as string,
    stepId: action.stepId as string,
    outcome: action.fields.outcome.options[0].value as string,
  };
}

const cspErrors = (page: Page) => {
  const seen: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) seen.push(`${page.url()}: ${m.text()}`);
  });
  return seen;
};

describe('browser security: forged posts and framing', () => {
  it('a page on another port posting a decision with the officer’s cookie is refused, and nothing is recorded', async () => {
    const context = await chromium().newContext();
    const page = await context.newPage();
    await signIn(page);
    const d = await waitingDossier();
    evilPages.set(
      '/beslis',
      `<!doctype html><title>Win een prijs</title><form method="post" action="${rt.url}/medewerkers/dossiers/${d.id}/acties">
        <input type="hidden" name="type" value="outcome"><input type="hidden" name="stepId" value="${d.stepId}">
        <input type="hidden" name="outcome" value="${d.outcome}"></form><script>document.forms[0].submit()</script>`,
    );
    const answer = page.waitForResponse(
      (r) => r.url().startsWith(`${rt.url}/medewerkers/dossiers/`) && r.request().method() === 'POST',
    );
    await page.goto(`${evilUrl}/beslis`);
    expect((await answer).status()).toBe(403);
    await rt.advance('PT0S');
    const after = (await rt.call('GET', `/dossiers/${d.id}`, { token: rt.officers.officer })).json;
    expect(after.currentStep?.id).toBe(d.stepId);
    expect(after.timeline.some((e: any) => e.stepId === d.stepId)).toBe(false);

    // The same officer, on our own page, still decides with one click (the form carries its token).
    await page.goto(`${rt.url}/medewerkers/dossiers/${d.id}`);
    await page.locator(`input[name="outcome"][value="${d.outcome}"]`).check();
    await page.getByRole('button', { name: 'Leg de uitkomst vast' }).click();
    // The answer's page whole, not only what has streamed in (KLACHTFLOW_BROWSER_SLOW, test/support/browser.ts).
    await page.waitForLoadState('load');
    expect(await page.getByRole('status').textContent()).toContain('De uitkomst is vastgelegd');
    await context.close();
  });

  it('a complainant’s withdrawal cannot be forged from another page either', async () => {
    const context = await chromium().newContext();
    const page = await context.newPage();
    const d = await waitingDossier();
    evilPages.set(
      '/intrekken',
      `<!doctype html><title>x</title><form method="post" action="${rt.url}/klacht/${d.id}/${d.token}/intrekken"></form><script>document.forms[0].submit()</script>`,
    );
    const answer = page.waitForResponse((r) => r.url().includes('/intrekken') && r.request().method() === 'POST');
    await page.goto(`${evilUrl}/intrekken`);
    expect((await answer).status()).toBe(403);
    const after = (await rt.call('GET', `/complaints/${d.id}`, { token: d.token })).json;
    expect(after.status).toBe('open');
    await context.close();
  });

  it('another site cannot frame the officers’ pages', async () => {
    const context = await chromium().newContext();
    const page = await context.newPage();
    await signIn(page);
    evilPages.set('/lijst', `<!doctype html><title>x</title><iframe src="${rt.url}/medewerkers/werklijst"></iframe>`);
    await page.goto(`${evilUrl}/lijst`);
    await page.waitForLoadState('load');
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    const shown = await frame
      ?.locator('h1')
      .allTextContents()
      .catch(() => [] as string[]);
    expect(shown ?? []).not.toContain('Werklijst');
    await context.close();
  });
});

describe('browser security: the pages work under their own policy', () => {
  it('complainant and officer pages show no Content-Security-Policy violation', async () => {
    const context = await chromium().newContext();
    const page = await context.newPage();
    const violations = cspErrors(page);
    const d = await waitingDossier();
    for (const path of [
      '/klacht-indienen',
      '/klacht/link-kwijt',
      `/klacht/${d.id}/${d.token}?nieuw=1`,
      `/klacht/${d.id}/${d.token}/intrekken`,
    ])
      await page.goto(`${rt.url}${path}`);
    await signIn(page);
    const letters = (await rt.call('GET', `/dossiers/${d.id}`, { token: rt.officers.officer })).json.letters;
    for (const path of [
      `/medewerkers/dossiers/${d.id}`,
      `/medewerkers/dossiers/${d.id}/brieven/${encodeURIComponent(letters[0].letterId)}`,
      '/medewerkers/verbeterregister',
      '/medewerkers/postvak',
      '/medewerkers/klacht-vastleggen',
    ])
      await page.goto(`${rt.url}${path}`);
    // The stylesheets still apply: the page is laid out by /assets, not by inline styles.
    await page.goto(`${rt.url}/medewerkers/dossiers/${d.id}`);
    expect(await page.locator('.kf-main').evaluate((e) => (globalThis as any).getComputedStyle(e).maxWidth)).toBe(
      '640px',
    );
    expect(violations).toEqual([]);
    await context.close();
  });
});
