/**
 * "Link kwijt" may not become a way to guess which address belongs to a reference, nor to flood a
 * complainant's inbox: tries are limited per reference, links per complaint, and requests per
 * caller, and the answer still never tells whether the details matched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => {
  await rt.stop();
});

const ask = (reference: string, email: string) => rt.call('POST', '/complaints/link', { body: { reference, email } });
const linkMails = async (reference: string) =>
  (await rt.mail()).filter((m) => m.subject === `[${reference}] Uw nieuwe link naar uw klacht`).length;

describe('lost link: limits', () => {
  it('five wrong guesses an hour for one reference; then even the right address gets nothing, until the hour is over', async () => {
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    const ref = r.json.reference as string;
    for (let i = 0; i < 5; i++) expect((await ask(ref, `gok${i}@example.nl`)).status).toBe(202);
    const late = await ask(ref, SANNE.complainant.email);
    // The same answer as always...
    expect(late.status).toBe(202);
    expect(late.json.message).toMatch(/^Als het kenmerk en het e-mailadres/);
    // ...but nothing was sent.
    expect(await linkMails(ref)).toBe(0);
    await rt.advance('PT1H');
    expect((await ask(ref, SANNE.complainant.email)).status).toBe(202);
    expect(await linkMails(ref)).toBe(1);
  });

  it('at most three new links a day per complaint', async () => {
    await rt.advance('PT1H');
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    const ref = r.json.reference as string;
    for (let i = 0; i < 4; i++) expect((await ask(ref, SANNE.complainant.email)).status).toBe(202);
    expect(await linkMails(ref)).toBe(3);
    await rt.advance('P1D');
    await ask(ref, SANNE.complainant.email);
    expect(await linkMails(ref)).toBe(4);
  });

  it('twenty requests an hour from one caller; the page says so in words', async () => {
    await rt.advance('PT1H');
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await ask(`KL-2026-9${String(i).padStart(3, '0')}`, 'a@b.nl')).status);
    // Earlier tests in this hour used some of the twenty already: what matters is that it stops.
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(20);
    expect(statuses.at(-1)).toBe(429);
    const page = await fetch(`${rt.url}/klacht/link-kwijt`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: 'KL-2026-0001', email: 'a@b.nl' }).toString(),
    });
    expect(page.status).toBe(429);
    expect(await page.text()).toContain('U heeft het te vaak geprobeerd.');
    await rt.advance('PT1H');
    expect((await ask('KL-2026-0001', 'a@b.nl')).status).toBe(202);
  });
});
