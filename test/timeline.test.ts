import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalate, ONS_OFFICER_WITHOUT_SOLUTION, submit, walk } from './support/ladder.js';
import { officerCookie, type TestRuntime, testRuntime } from './support/runtime.js';

// The dossier's history in words (the officer's dossier page, and inspection under Awb 9:9):
// ONS welzijn, submitted on Thursday 3 September 2026, 09:00.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('the dossier’s history in words', () => {
  it('tells what happened in the regulation’s titles, who did it, and leaves out bookkeeping', async () => {
    // A respondent named without an address: their copy is one to print and post.
    const s = await submit(rt, { respondent: { name: 'Jan Jansen' } });
    await walk(rt, s.id, ONS_OFFICER_WITHOUT_SOLUTION('De afspraken zijn niet nagekomen.'));
    await escalate(rt, s, 'manager');
    const officer = rt.officers.officer ?? '';
    const d = (await rt.call('GET', `/dossiers/${s.id}`, { token: officer })).json;
    const lines = d.history.map((h: any) => `${h.who}: ${h.text}`);

    expect(lines[0]).toBe('de klager: Klacht ontvangen via het klachtformulier.');
    expect(lines).toEqual(
      expect.arrayContaining([
        'klachtflow: Ontvangstbevestiging verstuurd.',
        'klachtflow: Brief aan de klager: Wij hebben uw klacht ontvangen.',
        'klachtflow: Stap begonnen: Is de klacht ontvankelijk? Aan zet: Klachtenfunctionaris.',
        'officer@local: De klacht is ontvankelijk.',
        'klachtflow: Brief aan de klager: Onze bevindingen over uw klacht.',
        'klachtflow: Brief aan de beklaagde: Onze bevindingen over de klacht (geen e-mailadres: per post).',
        'de klager: Gekozen voor de volgende stap: Behandeling door de manager.',
        'klachtflow: Stap begonnen: De manager zoekt een oplossing.',
      ]),
    );
    // In order, and nothing of the machinery: no step or outcome ids, no tokens, no reminders.
    const at = (text: string) => lines.findIndex((l: string) => l.includes(text));
    expect(at('De klacht is ontvankelijk')).toBeLessThan(at('Onze bevindingen'));
    expect(at('Onze bevindingen')).toBeLessThan(at('Gekozen voor de volgende stap'));
    for (const l of lines) expect(l).not.toMatch(/admissib|escalated:|choice-|__|token|reminder/);
    // No line says the same words twice around a colon (issue 17: "Ontvangstbevestiging:
    // Ontvangstbevestiging verstuurd"), nor "Begonnen, bij"; every preset's whole walk is judged
    // for repetitions in history-lines.test.ts.
    for (const l of lines) expect(l).not.toMatch(/(\p{L}[\p{L} ]{5,})[?:] \1/iu);
    for (const l of lines) expect(l).not.toMatch(/Begonnen, bij/i);

    // The officers' page shows it.
    const cookie = await officerCookie(rt);
    const page = await (await fetch(`${rt.url}/medewerkers/dossiers/${s.id}`, { headers: { cookie } })).text();
    // Who did it by their role's title (the local sign-in is per role), not a login id.
    expect(page).toContain('(Klachtenfunctionaris): De klacht is ontvankelijk.');
    expect(page).not.toContain('officer@local');
  });

  it('inspection: the complainant’s copy in Dutch dates and words, officers named only as "een medewerker"', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, [['admissibility', 'admissible']]);
    const mine = await rt.call('GET', `/complaints/${s.id}/export?format=html`, { token: s.token });
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Ontvangen op donderdag 3 september 2026 van Sanne de Vries.');
    expect(mine.text).toContain('<h2>Wat er gebeurde</h2>');
    expect(mine.text).toContain('(een medewerker): De klacht is ontvankelijk.');
    expect(mine.text).not.toContain('officer@local');
    // No ISO timestamps and no English states for a person to decode.
    expect(mine.text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
    expect(mine.text).not.toMatch(/\((open|met|breached|cancelled)\)/);
    const json = (await rt.call('GET', `/complaints/${s.id}/export`, { token: s.token })).json;
    expect(json.history.map((h: any) => h.who)).not.toContain('officer@local');

    const theirs = await rt.call('GET', `/dossiers/${s.id}/export?format=html`, { token: rt.officers.manager });
    expect(theirs.text).toContain('(officer@local): De klacht is ontvankelijk.');
  });
});
