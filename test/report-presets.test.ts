import { afterAll, describe, expect, it } from 'vitest';
import { MERGED } from '../lambdas/domain/report.js';
import { act, dossier, escalate, type Submitted, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// The report of every preset over dossiers the ladder itself produced: complaints driven through
// the real runtime with the manual clock (resolved, withdrawn, breached, extended, escalated and
// referred), and the figures compared with what the test did. Each preset first closes what it
// closes at once, then moves the clock for the late and extended ones, so a step's deadline is
// breached or met for the reasons the test gives.

/** A complainant whose every personal detail must stay out of every report. */
const SECRET = {
  complainant: {
    name: 'Anna Geheimhouder',
    email: 'anna.geheimhouder@example.nl',
    phone: '0698765432',
    address: { street: 'Verborgenstraat 7', postcode: '9876 ZX', city: 'Geheimdorp' },
    birthDate: '1979-02-28',
  },
  role: 'client',
  description: 'Mijn verhaal over Kees Verstopt, die mij uitlachte in de wachtkamer.',
  respondent: { name: 'Kees Verstopt', email: 'kees.verstopt@example.nl' },
  onBehalfOf: 'Lotte Geheimhouder',
  incidentDate: '2026-08-20',
  consent: true,
};
const SECRETS = [
  'Anna',
  'Geheimhouder',
  'anna.geheimhouder@example.nl',
  '0698765432',
  'Verborgenstraat',
  '9876 ZX',
  'Geheimdorp',
  '1979-02-28',
  'Kees',
  'Verstopt',
  'wachtkamer',
  'Lotte',
  'Sanne',
  'sanne@example.nl',
  '0612345678',
  'Dorpsstraat',
  '1234 AB',
  'procesbegeleider kwam',
  'Vertrouwelijke toelichting',
  'Vertrouwelijke reden',
];

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

async function start(id: string): Promise<TestRuntime> {
  const rt = await testRuntime(id, '2026-09-03T09:00:00+02:00');
  runtimes.push(rt);
  return rt;
}

async function withdraw(rt: TestRuntime, s: Submitted) {
  const r = await rt.call('POST', `/complaints/${s.id}/withdraw`, {
    token: s.token,
    body: { reason: 'Vertrouwelijke reden' },
  });
  expect(r.status, r.text).toBe(200);
  await rt.advance('PT0S');
}

async function extend(rt: TestRuntime, id: string, step: string, term: string, termId?: string) {
  const d = await dossier(rt, id);
  const r = await rt.call('POST', `/dossiers/${id}/actions`, {
    token: rt.officers[d.currentStep.assignee],
    body: {
      type: 'extend',
      stepId: step,
      ...(termId ? { termId } : {}),
      term,
      reason: 'Vertrouwelijke toelichting: wij wachten op informatie.',
    },
  });
  expect(r.status, r.text).toBe(200);
  await rt.advance('PT0S');
}

async function times<T>(n: number, f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

/** The report in all three formats; none of them holds a personal detail or a story. */
async function report(rt: TestRuntime) {
  const q = '/reports?from=2026-01-01&to=2026-12-31';
  const json = await rt.call('GET', q, { token: Object.values(rt.officers)[0] });
  expect(json.status, json.text).toBe(200);
  const csv = await rt.call('GET', `${q}&format=csv`, { token: Object.values(rt.officers)[0] });
  const html = await rt.call('GET', `${q}&format=html`, { token: Object.values(rt.officers)[0] });
  expect(csv.status).toBe(200);
  expect(html.status).toBe(200);
  for (const [format, text] of [
    ['json', json.text],
    ['csv', csv.text],
    ['html', html.text],
  ]) {
    for (const secret of SECRETS) expect(text, `${format} holds "${secret}"`).not.toContain(secret);
  }
  // The HTML report stands alone: charts inline, nothing fetched from elsewhere.
  expect(html.text).toContain('<svg');
  expect(html.text).not.toMatch(/<(link|script|img)\b/);
  expect(html.text).not.toMatch(/(src|href)="https?:/);
  return { r: json.json, csv: csv.text, html: html.text };
}

const row = (r: any, step: string) => {
  const x = r.deadlines.find((d: any) => d.step === step);
  return x ? { met: x.met, metAfterExtension: x.metAfterExtension, late: x.late, breached: x.breached } : undefined;
};
const dim = (r: any, id: string) => r.dimensions.find((d: any) => d.id === id)?.groups;

describe('reports over dossiers the ladder produced', () => {
  it('ONS welzijn: per gemeente, afdeling and aard; satisfaction; a breach; an overdue improvement', async () => {
    const rt = await start('ons-welzijn');
    const answers = { department: 'SRW (Sociaal Raadslieden Werk)', nature: 'Afspraken niet nagekomen' };
    const resolved = await times(5, async () => {
      const s = await submit(rt, { answers });
      await walk(rt, s.id, [
        ['admissibility', 'admissible'],
        ['preliminary-investigation', 'done'],
        ['conversation', 'resolved', 'Vertrouwelijke toelichting over de oplossing.'],
      ]);
      return s;
    });
    await times(5, async () => withdraw(rt, await submit(rt)));
    const secret = await submit(rt, SECRET);
    // A free answer in the registration form never reaches a report; the officer's note neither.
    await rt.call('POST', `/dossiers/${secret.id}/registration`, {
      token: rt.officers.officer,
      body: { answers: { topic: 'Kees Verstopt lachte mij uit' } },
    });
    const noted = await rt.call('POST', `/dossiers/${secret.id}/conduct-notes`, {
      token: rt.officers.officer,
      body: { text: 'Kees Verstopt handelde verwijtbaar.' },
    });
    expect(noted.status, noted.text).toBe(201);
    await act(rt, secret.id, 'admissibility', 'inadmissible');
    const committee = await submit(rt);
    await escalate(rt, committee, 'committee');
    await walk(rt, committee.id, [
      ['committee-advice', 'advised'],
      ['decision', 'unfounded'],
    ]);
    // Satisfaction is what someone said (the officer's answer to question 6), never the outcome.
    for (const s of resolved) {
      const said = await rt.call('POST', `/dossiers/${s.id}/registration`, {
        token: rt.officers.officer,
        body: { answers: { satisfied: 'ja' } },
      });
      expect(said.status, said.text).toBe(200);
      // ...while the complainants themselves say on their page that they are not: counted apart.
      const own = await rt.call('POST', `/complaints/${s.id}/satisfaction`, {
        token: s.token,
        body: { satisfied: false, remark: 'Kees Verstopt belde nooit terug.' },
      });
      expect(own.status, own.text).toBe(200);
    }
    const improvement = await rt.call('POST', `/dossiers/${resolved[0]?.id}/improvements`, {
      token: rt.officers.officer,
      body: { action: 'Afspraken schriftelijk bevestigen', owner: 'manager', due: '2026-09-10' },
    });
    expect(improvement.status, improvement.text).toBe(200);
    // Late: admissibility is due on 17 September; it is decided on the 18th.
    const late = await submit(rt);
    await rt.advance('P15D');
    await walk(rt, late.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]);

    const { r, csv, html } = await report(rt);
    expect(r).toMatchObject({ total: 13, closed: 13, open: 0 });
    // The improvement action's own words are free text: in the register, never in a report.
    for (const text of [JSON.stringify(r), csv, html]) expect(text).not.toContain('Afspraken schriftelijk bevestigen');
    // ONS names the municipality as its own dimension: the report counts it once.
    expect(html).toContain('Per werkgebied (gemeente)');
    expect(html).not.toContain('Per gemeente<');
    expect(r.results).toEqual({ opgelost: 6, ingetrokken: 5, [MERGED]: 2 });
    expect(r.handlingDays).toEqual({ average: 1.2, longest: 15 });
    // Decided a day late: done late, not missed.
    expect(row(r, 'admissibility')).toEqual({ met: 6, metAfterExtension: 0, late: 1, breached: 0 });
    expect(row(r, 'preliminary-investigation')).toEqual({ met: 6, metAfterExtension: 0, late: 0, breached: 0 });
    expect(row(r, 'acknowledge')).toEqual({ met: 13, metAfterExtension: 0, late: 0, breached: 0 });
    expect(dim(r, 'municipality')).toEqual({ Oss: 12, [MERGED]: 1 });
    expect(dim(r, 'department')).toEqual({ 'SRW (Sociaal Raadslieden Werk)': 5, onbekend: 8 });
    expect(dim(r, 'nature')).toEqual({ 'Afspraken niet nagekomen': 5, onbekend: 7, [MERGED]: 1 });
    // The late one was resolved too, but nobody asked: it is not counted as satisfied.
    expect(dim(r, 'satisfaction')).toEqual({ 'naar tevredenheid': 5, ingetrokken: 5, [MERGED]: 3 });
    // The complainants' own answers, apart from the officer's: nobody answered for the other three.
    expect(r.complainantSatisfaction).toEqual({
      'niet tevreden': 5,
      'ingetrokken, niet gevraagd': 5,
      [MERGED]: 3,
    });
    expect(csv).toContain('tevreden volgens de klager zelf;niet tevreden;5');
    expect(html).toContain('Tevreden volgens de klager zelf');
    expect(dim(r, 'improvements')).toEqual({ open: 1 });
    expect(r.improvementActions).toEqual([
      {
        owner: expect.any(String),
        due: '2026-09-10',
        status: 'open',
        overdue: true,
      },
    ]);
    expect(csv).toContain('Per soort afdeling;SRW (Sociaal Raadslieden Werk);5');
    expect(csv).toContain(
      `termijn ${r.deadlines.find((d: any) => d.step === 'admissibility').title};te laat afgerond;1`,
    );
  });

  it('OCO Almere: topic, internal or referred, the automatic acknowledgement counted as a breach', async () => {
    const rt = await start('oco-almere');
    await times(5, async () => {
      const s = await submit(rt, { answers: { topic: 'Bereikbaarheid en wachttijd' } });
      await walk(rt, s.id, [
        ['contact', 'contact-made'],
        ['conversation', 'resolved'],
      ]);
    });
    await times(5, async () => withdraw(rt, await submit(rt)));
    const committee = await submit(rt, SECRET);
    await walk(rt, committee.id, [
      ['contact', 'contact-made'],
      ['conversation', 'not-resolved'],
    ]);
    await escalate(rt, committee, 'committee');
    await walk(rt, committee.id, [
      ['committee-meeting', 'discussed'],
      ['hearing', 'held'],
      ['ruling', 'well-founded', 'Vertrouwelijke toelichting van de commissie.'],
    ]);
    // No contact within three working days: the acknowledgement goes out by itself (a breach).
    const late = await submit(rt);
    await rt.advance('PT135H');
    await act(rt, late.id, 'conversation', 'resolved');

    const { r } = await report(rt);
    expect(r).toMatchObject({ total: 12, closed: 12, open: 0 });
    expect(r.results).toEqual({ opgelost: 6, ingetrokken: 5, [MERGED]: 1 });
    expect(r.handlingDays).toEqual({ average: 0.5, longest: 5.6 });
    // No contact at all: klachtflow went on by itself (the regulation's own rule), so it was missed.
    expect(row(r, 'contact')).toEqual({ met: 6, metAfterExtension: 0, late: 0, breached: 1 });
    expect(row(r, 'conversation')).toEqual({ met: 7, metAfterExtension: 0, late: 0, breached: 0 });
    expect(row(r, 'committee-meeting')).toEqual({ met: 1, metAfterExtension: 0, late: 0, breached: 0 });
    expect(dim(r, 'count')).toEqual({ totaal: 12 });
    expect(dim(r, 'topic')).toEqual({ 'Bereikbaarheid en wachttijd': 5, onbekend: 7 });
    expect(dim(r, 'internal-or-referred')).toEqual({ 'intern afgehandeld': 7, ingetrokken: 5 });
  });

  it('Ondersteuningsteam: the anonymous overview by topic and rung; an extension and a breach of six weeks', async () => {
    const rt = await start('ondersteuningsteam');
    const topic = 'De procesbegeleider komt gemaakte afspraken niet na';
    await times(5, async () => {
      const s = await submit(rt, { answers: { topic } });
      await act(rt, s.id, 'conversation', 'resolved');
    });
    await times(5, async () => withdraw(rt, await submit(rt)));
    const toHandler = async (body: Record<string, unknown> = {}) => {
      const s = await submit(rt, { variant: 'klachtenbehandelaar', ...body });
      await walk(rt, s.id, [
        ['window-check', 'handled'],
        ['contact', 'no-hearing'],
      ]);
      return s;
    };
    const extended = await toHandler(SECRET);
    await extend(rt, extended.id, 'findings', 'vier weken', 'afhandeling');
    const breached = await toHandler();
    const escalated = await submit(rt);
    await act(rt, escalated.id, 'conversation', 'not-resolved');
    await escalate(rt, escalated, 'handler');
    // Seven weeks on: past the six weeks, inside the extended ten.
    await rt.advance('P49D');
    await act(rt, extended.id, 'findings', 'resolved');
    await act(rt, breached.id, 'findings', 'not-resolved');

    const { r } = await report(rt);
    expect(r).toMatchObject({ total: 13, closed: 12, open: 1 });
    expect(r.results).toEqual({ opgelost: 6, ingetrokken: 5, [MERGED]: 1 });
    expect(r.handlingDays).toEqual({ average: 8.2, longest: 49 });
    // The handler's six weeks over the whole rung: the findings of one came a week late; the
    // escalated one still sits at the window check past them (from reaching the handler): missed.
    expect(row(r, 'afhandeling')).toEqual({ met: 0, metAfterExtension: 1, late: 1, breached: 1 });
    // The escalated one waited at the window check past its four weeks: proceeded, and on record.
    expect(row(r, 'window-check')).toEqual({ met: 2, metAfterExtension: 0, late: 0, breached: 1 });
    expect(dim(r, 'topic')).toEqual({ [topic]: 5, onbekend: 8 });
    expect(dim(r, 'rung')).toEqual({ 'Bespreken met uw contactpersoon': 10, [MERGED]: 3 });
  });

  it('SO! Trainingsbureau: signal or complaint, referred to De Geschillencommissie Zorg, a late decision', async () => {
    const rt = await start('so-trainingsbureau');
    await times(5, async () => {
      const s = await submit(rt);
      await act(rt, s.id, 'mentor-conversation', 'resolved');
    });
    await times(5, async () => withdraw(rt, await submit(rt)));
    const top = await submit(rt, SECRET);
    await act(rt, top.id, 'mentor-conversation', 'not-resolved');
    await escalate(rt, top, 'officer');
    await walk(rt, top.id, [
      ['handle-or-not', 'handled'],
      ['mediation', 'not-resolved'],
    ]);
    await escalate(rt, top, 'director');
    await walk(rt, top.id, [
      ['judgement', 'partly-well-founded', 'Vertrouwelijke toelichting bij het oordeel.'],
      ['measures', 'measures-stated'],
    ]);
    await escalate(rt, top, 'geschillencommissie');
    const notHandled = await submit(rt, { variant: 'klachtenfunctionaris' });
    await act(rt, notHandled.id, 'handle-or-not', 'not-handled');
    const late = await submit(rt, { variant: 'klachtenfunctionaris' });
    await rt.advance('P29D');
    await walk(rt, late.id, [
      ['handle-or-not', 'handled'],
      ['mediation', 'resolved'],
    ]);

    const { r } = await report(rt);
    expect(r).toMatchObject({ total: 13, closed: 13, open: 0 });
    expect(r.results).toEqual({ opgelost: 6, ingetrokken: 5, [MERGED]: 2 });
    expect(r.internalOrReferred.referred).toBe(1);
    expect(r.handlingDays).toEqual({ average: 2.2, longest: 29 });
    // Decided after its four weeks: late, not missed.
    expect(row(r, 'handle-or-not')).toEqual({ met: 2, metAfterExtension: 0, late: 1, breached: 0 });
    expect(row(r, 'judgement')).toEqual({ met: 1, metAfterExtension: 0, late: 0, breached: 0 });
    expect(row(r, 'measures')).toEqual({ met: 1, metAfterExtension: 0, late: 0, breached: 0 });
    expect(dim(r, 'internal-or-referred')).toEqual({ 'intern afgehandeld': 7, ingetrokken: 5, [MERGED]: 1 });
    expect(Object.values(dim(r, 'rung') as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(13);
  });

  it('SWT Dordrecht: by way in, internal or to the external committee, extended and breached findings', async () => {
    const rt = await start('swt-dordrecht');
    await times(5, async () => {
      const s = await submit(rt, { variant: 'medewerker' });
      await act(rt, s.id, 'conversation', 'resolved');
    });
    await times(5, async () => withdraw(rt, await submit(rt, { variant: 'medewerker' })));
    const notHandled = await submit(rt, { variant: 'manager' });
    await act(rt, notHandled.id, 'intake', 'not-handled');
    const referred = await submit(rt, { ...SECRET, variant: 'manager' });
    await walk(rt, referred.id, [
      ['intake', 'handled'],
      ['findings', 'not-resolved'],
    ]);
    await escalate(rt, referred, 'external-committee');
    await act(rt, referred.id, 'referral-info', 'referred');
    const extended = await submit(rt, { variant: 'manager' });
    await act(rt, extended.id, 'intake', 'handled');
    await extend(rt, extended.id, 'findings', 'vier weken', 'afhandeling');
    const breached = await submit(rt, { variant: 'email' });
    await act(rt, breached.id, 'intake', 'handled');
    await rt.advance('P49D');
    await act(rt, extended.id, 'findings', 'resolved');
    await act(rt, breached.id, 'findings', 'resolved');

    const { r } = await report(rt);
    expect(r).toMatchObject({ total: 14, closed: 14, open: 0 });
    expect(r.results).toEqual({ opgelost: 7, ingetrokken: 5, [MERGED]: 2 });
    expect(r.handlingDays).toEqual({ average: 7, longest: 49 });
    // The manager's six weeks: not handled and referred ended inside them, one extended, one late.
    expect(row(r, 'afhandeling')).toEqual({ met: 2, metAfterExtension: 1, late: 1, breached: 0 });
    expect(row(r, 'intake')).toEqual({ met: 4, metAfterExtension: 0, late: 0, breached: 0 });
    expect(row(r, 'conversation')).toEqual({ met: 5, metAfterExtension: 0, late: 0, breached: 0 });
    expect(dim(r, 'variant')).toEqual({ 'Klacht bespreken met de medewerker': 10, [MERGED]: 4 });
    expect(dim(r, 'internal-or-referred')).toEqual({ 'intern afgehandeld': 8, ingetrokken: 5, [MERGED]: 1 });
  });
  it('SO! Trainingsbureau: a decision after its four weeks is late; one never made is missed', async () => {
    // Review of session 11: the director's analysis counted a decision made on day 29 as a missed
    // term, the same as a complaint nobody ever decided on. The regulation: "Als een klacht niet
    // wordt behandeld, wordt dit de cliënt binnen vier weken na ontvangst van de klacht schriftelijk
    // medegedeeld."
    const rt = await start('so-trainingsbureau');
    const inTime = await submit(rt, { variant: 'klachtenfunctionaris' });
    await act(rt, inTime.id, 'handle-or-not', 'not-handled');
    const late = await submit(rt, { variant: 'klachtenfunctionaris' });
    const never = await submit(rt, { variant: 'klachtenfunctionaris' });
    const gaveUp = await submit(rt, { variant: 'klachtenfunctionaris' });
    await rt.advance('P29D');
    await act(rt, late.id, 'handle-or-not', 'handled');
    await withdraw(rt, gaveUp);
    const { r, csv, html } = await report(rt);
    expect(r).toMatchObject({ total: 4, open: 2 });
    void never;
    // One in time, one decided late; one still waiting and one withdrawn without a decision: missed.
    expect(row(r, 'handle-or-not')).toEqual({ met: 1, metAfterExtension: 0, late: 1, breached: 2 });
    expect(csv).toContain('termijn Besluit of de klacht in behandeling wordt genomen;te laat afgerond;1');
    expect(csv).toContain('termijn Besluit of de klacht in behandeling wordt genomen;verstreken zonder besluit;2');
    expect(html).toContain('<th scope="col">Te laat afgerond</th>');
  });
});
