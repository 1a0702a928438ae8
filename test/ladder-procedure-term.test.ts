import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { act, dossier, mailsOf, submit } from './support/ladder.js';
import { formToken, officerCookie, type TestRuntime, testRuntime } from './support/runtime.js';
import { lindeWithTerm } from './support/terms.js';

// The term for the handling as a whole, end to end in the local runtime (the committed ASL, the
// local Scheduler, a manual clock): set at receipt, watched in every step of its span, reminded,
// put off from an earlier step, breached while the dossier still sits in an earlier step, and shown
// as one deadline in the dossier, the worklist, the letters and the report.

const term = (d: any, id = 'afhandeling') => d.deadlines.find((x: any) => x.term === id);

async function extendTerm(
  rt: TestRuntime,
  id: string,
  stepId: string,
  token: string | undefined,
  body: Record<string, unknown>,
) {
  return rt.call('POST', `/dossiers/${id}/actions`, {
    token,
    body: { type: 'extend', stepId, termId: 'afhandeling', ...body },
  });
}

describe('Awb 9:11: six weeks over the whole rung (examples/sociaal-team-gemeente.yaml)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Thursday 3 September 2026: six weeks end on Thursday 15 October.
    rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => rt?.stop());

  it('is set at receipt and shown as one deadline: dossier, worklist, acknowledgement, complainant', async () => {
    const s = await submit(rt);
    // The complaint's own answer (what the form's confirmation shows) lists it already.
    expect(s.body.deadlines.find((x: any) => x.term === 'afhandeling')).toMatchObject({ lastDay: '2026-10-15' });
    const d = await dossier(rt, s.id);
    expect(d.currentStep.id).toBe('ontvankelijkheid');
    expect(term(d)).toMatchObject({
      title: 'Afhandeling van de klacht',
      lastDay: '2026-10-15',
      status: 'open',
      kind: 'statutory',
      statute: 'Awb 9:11 lid 1',
    });
    expect(term(d).explanation.text).toContain('ontvangst van de klacht');
    const list = await rt.call('GET', '/dossiers', { token: rt.officers.coordinator });
    const item = list.json.items.find((x: any) => x.id === s.id);
    // Awb 9:8's four weeks come first; the six weeks are on the dossier beside them.
    expect(item.nextDueAt).toBe(d.deadlines.map((x: any) => x.dueAt).sort()[0]);
    const ack = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('ontvangen'));
    expect(ack?.text).toContain('Uiterlijk donderdag 15 oktober 2026: "Afhandeling van de klacht"');
    const own = await rt.call('GET', `/complaints/${s.id}`, { token: s.token });
    expect(own.json.deadlines.some((x: any) => x.title === 'Afhandeling van de klacht')).toBe(true);
  });

  it('watched across steps: put off from the hearing, reminded, breached in the investigation, alarmed', async () => {
    const s = await submit(rt);
    let d = await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    expect(d.currentStep.id).toBe('horen');
    // The hearing step has no extension of its own; the term may be put off from here all the same.
    const actions = (await rt.call('GET', `/dossiers/${s.id}`, { token: rt.officers.coordinator })).json
      .availableActions;
    expect(actions).toContainEqual(expect.objectContaining({ type: 'extend', termId: 'afhandeling' }));
    // Not by a role the regulation does not name (the teamleider stands in for the step, not the term).
    const notNamed = await extendTerm(rt, s.id, 'horen', rt.officers.teamleider, {
      term: 'twee weken',
      reason: 'drukte',
    });
    expect(notNamed.status).toBe(403);
    // Not beyond the cap of four weeks without the complainant's written consent (Awb 9:11 lid 2).
    const tooLong = await extendTerm(rt, s.id, 'horen', rt.officers.coordinator, {
      term: 'vijf weken',
      reason: 'drukte',
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.error.message).toContain('schriftelijke instemming');
    const ok = await extendTerm(rt, s.id, 'horen', rt.officers.coordinator, {
      term: 'vier weken',
      reason: 'Wij wachten op het verslag van de zorgaanbieder.',
    });
    expect(ok.status, ok.text).toBe(200);
    await rt.advance('PT0S');
    d = await dossier(rt, s.id);
    expect(term(d)).toMatchObject({ lastDay: '2026-11-12', extended: true, status: 'open' });
    expect(d.currentStep.id).toBe('horen'); // the step goes on, with its own term untouched
    const letter = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('meer tijd'));
    expect(letter?.text).toContain('uiterlijk donderdag 12 november 2026');
    expect(letter?.text).toContain('Wij wachten op het verslag van de zorgaanbieder.');

    d = await act(rt, s.id, 'horen', 'gehoord');
    expect(d.currentStep.id).toBe('onderzoek');
    // The old end (15 October) passes without a breach: the term now runs to 12 November.
    await rt.advance('P43D'); // Monday 16 October
    d = await dossier(rt, s.id);
    expect(term(d).status).toBe('open');
    // Two working days before the end the one who holds the dossier is reminded, in the step it is in.
    await rt.advance('P24D'); // Monday 9 November → the reminder on Tuesday 10 November 09:00
    await rt.advance('P1D');
    const reminder = (await mailsOf(rt, s.reference)).find(
      (m) => m.subject.toLowerCase().includes('herinnering') && m.text.includes('Afhandeling van de klacht'),
    );
    expect(reminder?.to).toContain('klachtcoordinator@sociaalteam.voorbeeld.nl');
    expect(reminder?.text).toContain('12 november 2026');

    // The end passes while the dossier is still in the investigation: recorded now, and alarmed.
    await rt.advance('P3D'); // Friday 13 November
    d = await dossier(rt, s.id);
    expect(d.currentStep.id).toBe('onderzoek');
    expect(term(d).status).toBe('breached');
    const alarm = (await mailsOf(rt, s.reference)).find(
      (m) => m.text.includes('De termijn is verstreken') && m.text.includes('Afhandeling van de klacht'),
    );
    expect(alarm).toBeDefined();
    // The college (the term's escalateTo) and the coordinator who holds the dossier.
    expect(alarm?.to.join(' ')).toMatch(/college/);
    expect(alarm?.to).toContain('klachtcoordinator@sociaalteam.voorbeeld.nl');
    // Too late to put it off now.
    const late = await extendTerm(rt, s.id, 'onderzoek', rt.officers.coordinator, {
      term: 'een week',
      reason: 'te laat',
    });
    expect(late.status).toBe(422);

    d = await act(rt, s.id, 'onderzoek', 'klaar');
    const closed = await act(rt, s.id, 'bevindingen', 'gegrond');
    expect(closed.closed.result).toBe('well-founded');
    expect(term(closed).status).toBe('breached'); // a late answer does not unbreach the term
  });

  it('met when the findings go out in time; cancelled when the complainant withdraws', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    await act(rt, s.id, 'horen', 'afgezien');
    await act(rt, s.id, 'onderzoek', 'klaar');
    const d = await act(rt, s.id, 'bevindingen', 'ongegrond');
    expect(term(d).status).toBe('met');
    const w = await submit(rt);
    const r = await rt.call('POST', `/complaints/${w.id}/withdraw`, { token: w.token, body: {} });
    expect(r.status, r.text).toBe(200);
    await rt.advance('PT0S');
    expect(term(await dossier(rt, w.id)).status).toBe('cancelled');
  });

  it("the officers' page offers the term's own form; posted as a browser does, it puts the term off", async () => {
    const s = await submit(rt);
    const cookie = await officerCookie(rt, 'coordinator');
    const page = await (await fetch(`${rt.url}/medewerkers/dossiers/${s.id}`, { headers: { cookie } })).text();
    expect(page).toContain('Termijn voor de hele behandeling verdagen: Afhandeling van de klacht');
    expect(page).toContain('name="termId" value="afhandeling"');
    // Every id on the page once (a step's own extension form may stand beside it).
    const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(new Set(ids).size);
    const before = term(await dossier(rt, s.id)).lastDay;
    const r = await fetch(`${rt.url}/medewerkers/dossiers/${s.id}/acties`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        type: 'extend',
        stepId: 'ontvankelijkheid',
        termId: 'afhandeling',
        term: 'twee weken',
        reason: 'De klacht gaat over drie teams.',
        _csrf: await formToken(rt, cookie),
      }).toString(),
    });
    expect(r.status).toBe(303);
    await rt.advance('PT0S');
    const after = term(await dossier(rt, s.id));
    expect(after.extended).toBe(true);
    expect(after.lastDay > before).toBe(true);
    await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: {} });
    await rt.advance('PT0S');
  });

  it("the report's attainment counts the term as one row", async () => {
    const r = await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31', { token: rt.officers.coordinator });
    expect(r.status, r.text).toBe(200);
    const row = r.json.deadlines.find((x: any) => x.step === 'afhandeling');
    // The first dossier sat at the admissibility past its six weeks (no answer: missed), the second
    // was breached in the investigation and answered late, the third met, the fourth and the fifth
    // (the page's) were withdrawn.
    expect(row).toMatchObject({
      title: 'Afhandeling van de klacht',
      met: 1,
      metAfterExtension: 0,
      late: 1,
      breached: 1,
      open: 0,
      cancelled: 2,
    });
  });
});

describe('Awb 9:11: putting off on the last day as the Atw moved it', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Saturday 5 September 2026: six weeks end on Saturday 17 October, by Atw art. 1 on Monday 19 October.
    rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-09-05T10:00:00+02:00');
  });
  afterAll(async () => rt?.stop());

  it('is in time on Monday 19 October, and the term was not breached on the Saturday', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    expect(term(await dossier(rt, s.id)).lastDay).toBe('2026-10-19');
    await rt.call('POST', '/local/clock', { body: { to: '2026-10-19T15:00:00+02:00' } });
    let d = await dossier(rt, s.id);
    expect(term(d).status).toBe('open');
    const r = await extendTerm(rt, s.id, d.currentStep.id, rt.officers.coordinator, {
      term: 'twee weken',
      reason: 'Het verslag van de hoorzitting is nog niet klaar.',
    });
    expect(r.status, r.text).toBe(200);
    await rt.advance('P1D');
    d = await dossier(rt, s.id);
    // Two weeks after Saturday 17 October is Saturday 31 October, by Atw art. 1 Monday 2 November.
    expect(term(d)).toMatchObject({ status: 'open', extended: true, lastDay: '2026-11-02' });
  });
});

describe('Wkkgz art. 17: six weeks from filing, over the mediation and the decision (de Linde as a term)', () => {
  let rt: TestRuntime;
  let file: string;
  beforeAll(() => {
    file = join(mkdtempSync(join(tmpdir(), 'kf-wkkgz-term-')), 'thuiszorg-de-linde.yaml');
    writeFileSync(file, stringify(lindeWithTerm()));
  });
  // Each test on its own clock from Thursday 3 September 2026: six weeks end on Thursday 15 October.
  beforeEach(async () => {
    rt = await testRuntime(file, '2026-09-03T09:00:00+02:00');
  });
  afterEach(async () => rt?.stop());

  it('breached while the dossier still sits in the mediation: recorded then, the bestuurder alarmed', async () => {
    const s = await submit(rt);
    let d = await dossier(rt, s.id);
    expect(d.currentStep.id).toBe('mediation');
    expect(term(d)).toMatchObject({ lastDay: '2026-10-15', statute: 'Wkkgz art. 17 lid 1', status: 'open' });
    await rt.advance('P43D'); // Friday 16 October
    d = await dossier(rt, s.id);
    expect(d.currentStep.id).toBe('mediation');
    expect(term(d).status).toBe('breached');
    const alarm = (await mailsOf(rt, s.reference)).find(
      (m) => m.text.includes('De termijn is verstreken') && m.text.includes('Afhandeling van de klacht'),
    );
    expect(alarm?.to.join(' ')).toContain('director');
    expect(d.history.some((h: any) => h.text.includes('Termijn verstreken: Afhandeling van de klacht'))).toBe(true);
  });

  it('put off from the mediation, carried into the decision, met there after the extension', async () => {
    const s = await submit(rt);
    // Wkkgz art. 17 lid 2 allows no more than four weeks, consent or not.
    const tooLong = await extendTerm(rt, s.id, 'mediation', rt.officers.officer, {
      term: 'vijf weken',
      reason: 'drukte',
      consent: true,
    });
    expect(tooLong.status).toBe(422);
    const ok = await extendTerm(rt, s.id, 'mediation', rt.officers.officer, {
      term: 'vier weken',
      reason: 'De zorgverlener is met verlof.',
    });
    expect(ok.status, ok.text).toBe(200);
    await rt.advance('PT0S');
    let d = await act(rt, s.id, 'mediation', 'not-resolved');
    expect(d.currentStep.id).toBe('decision');
    // One term across both rungs: the same deadline, not a new one at the decision.
    expect(d.deadlines.filter((x: any) => x.term === 'afhandeling')).toHaveLength(1);
    expect(term(d)).toMatchObject({ lastDay: '2026-11-12', extended: true, status: 'open' });
    await rt.advance('P50D'); // Friday 23 October: past the first end, inside the extension
    d = await act(rt, s.id, 'decision', 'well-founded');
    expect(term(d).status).toBe('met');
    expect(d.closed.result).toBe('well-founded');
  });
});
