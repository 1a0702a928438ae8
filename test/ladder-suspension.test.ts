import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, dossier, mailsOf, submit } from './support/ladder.js';
import { formToken, officerCookie, type TestRuntime, testRuntime } from './support/runtime.js';

// Stopping the clock (opschorting), end to end in the local runtime: the committed ASL, the local
// Scheduler and the manual clock. examples/sociaal-team-gemeente.yaml has the six weeks of Awb 9:11
// over the whole rung ("afhandeling") and a step term of three weeks for the hearing ("horen"); its
// grounds stop both.

const term = (d: any) => d.deadlines.find((x: any) => x.term === 'afhandeling');
const step = (d: any, id: string) => d.deadlines.filter((x: any) => x.step === id).at(-1);
const alarms = async (rt: TestRuntime, reference: string) =>
  (await mailsOf(rt, reference)).filter((m) => m.text.includes('De termijn is verstreken'));

async function suspendAt(rt: TestRuntime, id: string, stepId: string, body: Record<string, unknown>, token?: string) {
  return rt.call('POST', `/dossiers/${id}/actions`, {
    token: token ?? rt.officers.coordinator,
    body: { type: 'suspend', stepId, ...body },
  });
}

describe('suspension and resume across a month end, Kerst and Nieuwjaar (Awb 9:11, Atw)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Thursday 29 October 2026: the six weeks end on Thursday 10 December.
    rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-10-29T09:00:00+01:00');
  });
  afterAll(async () => rt?.stop());

  it('both terms stand still, nothing fires while they do, and both move through the Atw on resume', async () => {
    const s = await submit(rt);
    let d = await dossier(rt, s.id);
    expect(term(d).lastDay).toBe('2026-12-10');
    // Thursday 12 November: the hearing begins; its three weeks end on Thursday 3 December.
    await rt.advance('P14D');
    d = await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    expect(step(d, 'horen').lastDay).toBe('2026-12-03');

    // Monday 30 November: the complainant asks for mediation and agrees to stop the clock.
    await rt.advance('P18D');
    const offered = d.availableActions.find((a: any) => a.type === 'suspend');
    expect(offered?.fields.ground.options.map((o: any) => o.value)).toEqual(['aanvulling', 'bemiddeling']);
    const r = await suspendAt(rt, s.id, 'horen', {
      ground: 'bemiddeling',
      reason: 'De klager en de medewerker praten eerst met een bemiddelaar.',
      consent: true,
    });
    expect(r.status, r.text).toBe(200);
    await rt.advance('PT0S');
    d = await dossier(rt, s.id);
    expect(term(d)).toMatchObject({ suspended: true, status: 'open' });
    expect(step(d, 'horen')).toMatchObject({ suspended: true, status: 'open' });
    expect(term(d).explanation.text).toContain('opgeschort sinds dinsdag 1 december 2026');
    const stopped = (await mailsOf(rt, s.reference)).find((m) =>
      m.subject.includes('De termijn voor uw klacht staat stil'),
    );
    expect(stopped?.to).toEqual(['sanne@example.nl']);
    // Said to the complainant (the example's toComplainant), never the officers' third person.
    expect(stopped?.text).toContain('De reden: u heeft om bemiddeling gevraagd.');
    expect(stopped?.text).not.toContain('op verzoek van de klager');
    expect(stopped?.text).toContain('De termijn loopt weer als de bemiddeling klaar is.');
    // The complainant's page says it too.
    const own = await rt.call('GET', `/complaints/${s.id}`, { token: s.token });
    expect(own.json.suspension).toMatchObject({ title: 'U heeft om bemiddeling gevraagd.' });
    // The officers read their own title.
    expect((await dossier(rt, s.id)).suspension).toMatchObject({ title: 'Bemiddeling op verzoek van de klager' });
    expect(own.json.suspension.resumesWhen).toBe('als de bemiddeling klaar is');

    // Friday 11 December: both old ends (3 and 10 December) passed while the clock stood still:
    // no breach, no alarm, and the worklist says "opgeschort", never late.
    await rt.advance('P11D');
    d = await dossier(rt, s.id);
    expect(d.currentStep.id).toBe('horen');
    expect(step(d, 'horen').status).toBe('open');
    expect(term(d).status).toBe('open');
    expect(await alarms(rt, s.reference)).toEqual([]);
    const list = await rt.call('GET', '/dossiers', { token: rt.officers.coordinator });
    const item = list.json.items.find((x: any) => x.id === s.id);
    expect(item.lateSince).toBeUndefined();
    expect(item.suspendedSince).toBeDefined();

    // Wednesday 23 December: the clock runs again. 22 days stood still (1 to 22 December): the
    // hearing's end moves from 3 December to Friday 25 December, Eerste Kerstdag, and the Atw
    // (art. 1) on past Tweede Kerstdag and Sunday to Monday 28 December; the six weeks move from
    // 10 December to Friday 1 January 2027, Nieuwjaarsdag, and on to Monday 4 January.
    await rt.advance('P12D');
    const back = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'resume', stepId: 'horen', reason: 'De bemiddeling is klaar.' },
    });
    expect(back.status, back.text).toBe(200);
    await rt.advance('PT0S');
    d = await dossier(rt, s.id);
    expect(step(d, 'horen')).toMatchObject({ lastDay: '2026-12-28', suspended: false, status: 'open' });
    expect(term(d)).toMatchObject({ lastDay: '2027-01-04', suspended: false, status: 'open' });
    for (const x of [step(d, 'horen'), term(d)]) {
      const rules = x.explanation.steps.map((e: any) => e.rule);
      expect(rules).toContain('suspension');
      expect(rules).toContain('atw-art-1');
      expect(x.explanation.text).toContain('opgeschort van dinsdag 1 december 2026 tot woensdag 23 december 2026');
      expect(x.explanation.text).toContain('22 dag(en) erbij');
    }
    expect(step(d, 'horen').explanation.text).toContain('Eerste Kerstdag');
    expect(term(d).explanation.text).toContain('Nieuwjaarsdag');
    const running = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('loopt weer'));
    expect(running?.text).toMatch(/uiterlijk maandag 28 december 2026/i);
    expect(running?.text).toMatch(/uiterlijk maandag 4 januari 2027/i);
    const page = await rt.call('GET', `/complaints/${s.id}`, { token: s.token });
    expect(page.json.suspension).toBeNull();

    // The waiting step woke and waits for the new end: nothing on Monday 28 December, the alarm
    // as the 28th has passed.
    await rt.advance('P5D'); // Monday 28 December 09:00
    d = await dossier(rt, s.id);
    expect(step(d, 'horen').status).toBe('open');
    expect(await alarms(rt, s.reference)).toEqual([]);
    await rt.advance('P1D'); // Tuesday 29 December
    d = await dossier(rt, s.id);
    expect(step(d, 'horen').status).toBe('breached');
    expect(term(d).status).toBe('open');
    expect((await alarms(rt, s.reference)).some((m) => m.text.includes('De klager en de beklaagde horen'))).toBe(true);
    // The six weeks: open on Monday 4 January, breached and alarmed after it.
    await rt.advance('P6D'); // Monday 4 January 2027
    expect(term(await dossier(rt, s.id)).status).toBe('open');
    await rt.advance('P1D');
    d = await dossier(rt, s.id);
    expect(term(d).status).toBe('breached');
    expect((await alarms(rt, s.reference)).some((m) => m.text.includes('Afhandeling van de klacht'))).toBe(true);

    // The report counts the days the clock stood still, per step.
    const report = await rt.call('GET', '/reports?from=2026-01-01&to=2027-12-31', { token: rt.officers.coordinator });
    expect(report.status, report.text).toBe(200);
    expect(report.json.suspendedDays).toContainEqual(expect.objectContaining({ step: 'horen', days: 22 }));
  });
});

describe('bad input: 409 or 422 with a Dutch message and its field, and nothing stored changes', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-10-29T09:00:00+01:00');
  });
  afterAll(async () => rt?.stop());

  /** The dossier's stored version and events before and after: the refusal stored nothing. */
  async function refused(id: string, call: () => Promise<{ status: number; json: any; text: string }>) {
    const before = await dossier(rt, id);
    const r = await call();
    await rt.advance('PT0S');
    const after = await dossier(rt, id);
    expect(after.version, 'nothing stored').toBe(before.version);
    expect(after.deadlines).toEqual(before.deadlines);
    return r;
  }

  it('resume when not suspended, suspend twice, no ground, no consent, an unknown ground, a role that may not act', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');

    const resumeNothing = await refused(s.id, () =>
      rt.call('POST', `/dossiers/${s.id}/actions`, {
        token: rt.officers.coordinator,
        body: { type: 'resume', stepId: 'horen' },
      }),
    );
    expect(resumeNothing.status).toBe(409);
    expect(resumeNothing.json.error.message).toContain('staat niet stil');

    const noGround = await refused(s.id, () => suspendAt(rt, s.id, 'horen', { reason: 'wachten' }));
    expect(noGround.status).toBe(422);
    expect(noGround.json.error.message).toContain('Kies waarom de termijn stilstaat');
    expect(noGround.json.error.issues[0].path).toBe('ground');

    const unknown = await refused(s.id, () => suspendAt(rt, s.id, 'horen', { ground: 'vakantie', reason: 'weg' }));
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.issues[0].path).toBe('ground');

    const noConsent = await refused(s.id, () =>
      suspendAt(rt, s.id, 'horen', { ground: 'bemiddeling', reason: 'bemiddeling' }),
    );
    expect(noConsent.status).toBe(422);
    expect(noConsent.json.error.message).toContain('moet de klager instemmen');
    expect(noConsent.json.error.issues[0].path).toBe('consent');

    const noReason = await refused(s.id, () =>
      suspendAt(rt, s.id, 'horen', { ground: 'bemiddeling', consent: true, reason: '  ' }),
    );
    expect(noReason.status).toBe(422);
    expect(noReason.json.error.issues[0].path).toBe('reason');

    // The college does not hold the hearing (nor stands in for whoever does).
    const notTheirs = await refused(s.id, () =>
      suspendAt(rt, s.id, 'horen', { ground: 'bemiddeling', consent: true, reason: 'x' }, rt.officers.college),
    );
    expect(notTheirs.status).toBe(403);

    const ok = await suspendAt(rt, s.id, 'horen', { ground: 'bemiddeling', consent: true, reason: 'bemiddeling' });
    expect(ok.status, ok.text).toBe(200);
    await rt.advance('PT0S');
    const twice = await refused(s.id, () =>
      suspendAt(rt, s.id, 'horen', { ground: 'bemiddeling', consent: true, reason: 'nog eens' }),
    );
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toContain('staat al stil');
    // A stopped clock has no end to put off, neither the step's own nor the six weeks.
    const extendTerm = await refused(s.id, () =>
      rt.call('POST', `/dossiers/${s.id}/actions`, {
        token: rt.officers.coordinator,
        body: { type: 'extend', stepId: 'horen', termId: 'afhandeling', term: 'twee weken', reason: 'drukte' },
      }),
    );
    expect(extendTerm.status).toBe(409);
    expect(extendTerm.json.error.message).toContain('staat stil');
  });

  it('a step that does not allow it: 422 naming the step', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    await act(rt, s.id, 'horen', 'gehoord');
    const d = await act(rt, s.id, 'onderzoek', 'klaar');
    expect(d.currentStep.id).toBe('bevindingen');
    expect(d.availableActions.some((a: any) => a.type === 'suspend')).toBe(false);
    const r = await refused(s.id, () =>
      suspendAt(
        rt,
        s.id,
        'bevindingen',
        { ground: 'bemiddeling', consent: true, reason: 'bemiddeling' },
        rt.officers.college,
      ),
    );
    expect(r.status).toBe(422);
    expect(r.json.error.message).toContain('Bevindingen en oordeel van het college');
    expect(r.json.error.issues[0].path).toBe('stepId');
  });
});

describe('missing information stops the clock until it arrives or its own term passes (Awb 4:15)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-10-29T09:00:00+01:00');
  });
  afterAll(async () => rt?.stop());

  const ask = (id: string) =>
    rt.call('POST', `/dossiers/${id}/missing-information`, {
      token: rt.officers.coordinator,
      body: { note: 'een kopie van de brief van het Sociaal Team van 12 oktober' },
    });

  it("the complainant's addition starts it again, with the days added", async () => {
    const s = await submit(rt);
    await rt.advance('P5D'); // Tuesday 3 November
    const asked = await ask(s.id);
    expect(asked.status, asked.text).toBe(200);
    await rt.advance('PT0S');
    let d = await dossier(rt, s.id);
    expect(term(d).suspended).toBe(true);
    expect(step(d, 'ontvankelijkheid').suspended).toBe(true);
    const letter = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('missen nog'));
    expect(letter?.text).toContain('een kopie van de brief van het Sociaal Team van 12 oktober');
    expect(letter?.text).toContain('staat de termijn voor de behandeling van uw klacht stil');
    expect(letter?.text).toContain('als wij uw aanvulling hebben ontvangen');
    // Thursday 12 November: the complainant sends the address; 8 days stood still (4 to 11 November).
    await rt.advance('P9D');
    const added = await rt.call('POST', `/complaints/${s.id}/messages`, {
      token: s.token,
      body: { text: 'Hierbij de brief van 12 oktober.' },
    });
    expect(added.status, added.text).toBe(200);
    await rt.advance('PT0S');
    d = await dossier(rt, s.id);
    expect(term(d)).toMatchObject({ suspended: false, lastDay: '2026-12-18' });
    expect(step(d, 'ontvankelijkheid')).toMatchObject({ suspended: false, lastDay: '2026-12-04' });
    expect((await mailsOf(rt, s.reference)).find((m) => m.subject.includes('loopt weer'))?.text).toContain(
      'Wij hebben uw aanvulling ontvangen.',
    );
  });

  it('without an answer the clock runs again when the two weeks to complete have passed', async () => {
    const s = await submit(rt);
    const asked = await ask(s.id);
    expect(asked.status, asked.text).toBe(200);
    await rt.advance('PT0S');
    expect(term(await dossier(rt, s.id)).suspended).toBe(true);
    await rt.advance('P15D');
    const d = await dossier(rt, s.id);
    expect(term(d).suspended).toBe(false);
    expect(d.suspension).toBeNull();
    expect(term(d).explanation.text).toContain('opgeschort van');
    expect((await mailsOf(rt, s.reference)).find((m) => m.subject.includes('loopt weer'))?.text).toContain(
      'De tijd om uw klacht aan te vullen is voorbij.',
    );
  });
});

describe("the officers' pages and the complainant's page, as a browser posts and reads them", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-10-29T09:00:00+01:00');
  });
  afterAll(async () => rt?.stop());

  const post = async (cookie: string, id: string, form: Record<string, string>) =>
    fetch(`${rt.url}/medewerkers/dossiers/${id}/acties`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: await formToken(rt, cookie) }).toString(),
    });

  it('suspend and resume from the dossier page; the worklist says "opgeschort"; the complainant reads why', async () => {
    const s = await submit(rt);
    const cookie = await officerCookie(rt, 'coordinator');
    const page = await (await fetch(`${rt.url}/medewerkers/dossiers/${s.id}`, { headers: { cookie } })).text();
    expect(page).toContain('Termijn stilzetten (opschorten)');
    expect(page).toContain('<option value="bemiddeling">Bemiddeling op verzoek van de klager</option>');
    const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(new Set(ids).size);

    // Without the complainant's consent the page says so, and nothing is stored.
    const refused = await post(cookie, s.id, {
      type: 'suspend',
      stepId: 'ontvankelijkheid',
      ground: 'bemiddeling',
      reason: 'Bemiddeling',
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('moet de klager instemmen');
    const ok = await post(cookie, s.id, {
      type: 'suspend',
      stepId: 'ontvankelijkheid',
      ground: 'bemiddeling',
      reason: 'De klager wil eerst met de medewerker praten.',
      consent: 'ja',
    });
    expect(ok.status).toBe(303);
    await rt.advance('PT0S');
    expect(term(await dossier(rt, s.id)).suspended).toBe(true);

    const after = await (await fetch(`${rt.url}/medewerkers/dossiers/${s.id}`, { headers: { cookie } })).text();
    expect(after).toContain('De termijn staat stil sinds');
    expect(after).toContain('Termijn weer laten lopen (hervatten)');
    const worklist = await (await fetch(`${rt.url}/medewerkers/werklijst`, { headers: { cookie } })).text();
    const row = worklist.split('<li').find((x) => x.includes(s.reference)) ?? '';
    expect(row).toContain('opgeschort');
    expect(row).not.toContain('Te laat');

    const own = await (await fetch(s.body.statusUrl)).text();
    expect(own).toContain('De termijn staat stil');
    expect(own).toContain('De reden: u heeft om bemiddeling gevraagd.');
    expect(own).not.toContain('Bemiddeling op verzoek van de klager');
    expect(own).toContain('als de bemiddeling klaar is');

    await rt.advance('P3D');
    const back = await post(cookie, s.id, { type: 'resume', stepId: 'ontvankelijkheid', reason: '' });
    expect(back.status).toBe(303);
    await rt.advance('PT0S');
    const d = await dossier(rt, s.id);
    expect(term(d).suspended).toBe(false);
    // 29 October: stopped on 29 October, running again on 1 November: 30 and 31 October stood still.
    expect(term(d).lastDay).toBe('2026-12-14');
    expect(d.history.some((h: any) => h.text.startsWith('Termijn stilgezet (opgeschort): Bemiddeling'))).toBe(true);
    expect(d.history.some((h: any) => h.text.startsWith('De termijn loopt weer (hervat door een medewerker)'))).toBe(
      true,
    );
  });
});

describe('a resume right after the suspension, before the ladder took the first wake', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-10-29T09:00:00+01:00');
  });
  afterAll(async () => rt?.stop());

  it('the step waits for its end as it is now, and breaches the day after', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    expect(step(await dossier(rt, s.id), 'horen').lastDay).toBe('2026-11-19');
    const r = await suspendAt(rt, s.id, 'horen', { ground: 'bemiddeling', consent: true, reason: 'bemiddeling' });
    expect(r.status, r.text).toBe(200);
    // No time for the ladder to take the first wake: the second one finds the task between waits.
    const back = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'resume', stepId: 'horen' },
    });
    expect(back.status, back.text).toBe(200);
    await rt.advance('PT0S');
    expect(step(await dossier(rt, s.id), 'horen')).toMatchObject({ suspended: false, lastDay: '2026-11-19' });
    await rt.advance('P21D'); // Thursday 19 November: the last day
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('open');
    expect(await alarms(rt, s.reference)).toEqual([]);
    await rt.advance('P1D');
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('breached');
    expect(await alarms(rt, s.reference)).not.toEqual([]);
  });
});
