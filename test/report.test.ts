import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymise, buildReport, MERGED, reportCsv } from '../lambdas/domain/report.js';
import { loadRegulation } from '../statemachines/load.js';
import { act, dossier, submit, walk } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// Reports over dossiers the ladder produced (not hand-written rows), anonymised.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  for (let i = 0; i < 6; i++) {
    const s = await submit(rt);
    await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]);
  }
  for (let i = 0; i < 5; i++) {
    const s = await submit(rt);
    await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: {} });
  }
  const u = await submit(rt, {
    complainant: {
      ...SANNE.complainant,
      name: 'Piet Uden',
      address: { street: 'Markt 2', postcode: '5401 AA', city: 'Uden' },
    },
  });
  await act(rt, u.id, 'admissibility', 'inadmissible');
  await rt.advance('PT0S');
});
afterAll(async () => rt?.stop());

describe('report', () => {
  it('counts what happened, merges groups under five, and names nobody', async () => {
    const r = await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31', { token: rt.officers.officer });
    expect(r.status, r.text).toBe(200);
    const report = r.json;
    expect(report).toMatchObject({ total: 12, closed: 12, open: 0 });
    expect(report.results).toEqual({ opgelost: 6, ingetrokken: 5, [MERGED]: 1 });
    expect(report.byMunicipality).toEqual({ Oss: 11, [MERGED]: 1 });
    const admissibility = report.deadlines.find((d: any) => d.step === 'admissibility');
    expect(admissibility).toMatchObject({ met: 7, breached: 0 });
    expect(report.handlingDays.longest).toBe(0);
    for (const secret of [
      'Sanne',
      'Piet',
      'sanne@example.nl',
      '0612345678',
      'Dorpsstraat',
      'procesbegeleider',
      'Uden',
    ]) {
      expect(r.text).not.toContain(secret);
    }
  });

  it('as CSV and as HTML with its charts inline', async () => {
    const csv = await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31&format=csv', {
      token: rt.officers.officer,
    });
    expect(csv.text.split('\n')[0]).toBe('onderdeel;groep;aantal');
    expect(csv.text).toContain('uitkomst;opgelost;6');
    const html = await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31&format=html', {
      token: rt.officers.officer,
    });
    expect(html.text).toContain('<svg');
    expect(html.text).not.toMatch(/<(link|script)\b/);
  });

  it('an empty period, a reversed period, and no sign-in', async () => {
    expect(
      (await rt.call('GET', '/reports?from=2025-01-01&to=2025-12-31', { token: rt.officers.officer })).json.total,
    ).toBe(0);
    expect(
      (await rt.call('GET', '/reports?from=2026-12-31&to=2026-01-01', { token: rt.officers.officer })).status,
    ).toBe(400);
    expect((await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31')).status).toBe(401);
  });

  it('a dimension klachtflow cannot count is listed with a note, not dropped', () => {
    const reg = loadRegulation('examples/thuiszorg-de-linde.yaml');
    const r = buildReport(reg, [], { from: '2026-01-01', to: '2026-12-31' });
    expect(r.dimensions).toEqual([
      { id: 'topic', title: 'Onderwerp', kind: null, groups: {}, note: expect.stringContaining('"of"') },
    ]);
    expect(reportCsv(r)).toContain('Onderwerp;"klachtflow weet niet');
  });

  it('anonymise merges every group under five', () => {
    expect(anonymise({ a: 5, b: 4, c: 1 })).toEqual({ a: 5, [MERGED]: 5 });
    expect(anonymise({ a: 2 })).toEqual({ [MERGED]: 2 });
  });
});

describe('inspection and the read log', () => {
  it('the complainant reads their whole dossier; an officer’s reads are recorded and shown', async () => {
    const s = await submit(rt);
    const mine = await rt.call('GET', `/complaints/${s.id}/export`, { token: s.token });
    expect(mine.json.letters.some((l: any) => l.subject.includes('ontvangen'))).toBe(true);
    const page = await rt.call('GET', `/complaints/${s.id}/export?format=html`, { token: s.token });
    expect(page.text).toContain(`Dossier ${s.reference}`);
    await rt.call('GET', `/dossiers/${s.id}/export`, { token: rt.officers.manager });
    const d = await dossier(rt, s.id);
    await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: {} });
    expect(d.reads.map((x: any) => [x.by, x.what])).toEqual([
      ['manager@local', 'export'],
      [`${Object.keys(rt.officers)[0]}@local`, 'dossier'],
    ]);
  });
});

describe('retention', () => {
  it('erases the personal data when the retention period after closure ends; the figures stay', async () => {
    const s = await submit(rt, {
      complainant: { ...SANNE.complainant, name: 'Bea Bewaar' },
      description: 'Geheim verhaal over mijn gezin.',
    });
    await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: { reason: 'Persoonlijke reden.' } });
    await rt.advance('PT0S');
    let d = await dossier(rt, s.id);
    // ONS keeps dossiers two years after closure (an assumption the regulation file states).
    expect(d.retentionUntil?.slice(0, 10)).toBe('2028-09-03');
    await rt.advance('P1Y11M');
    expect((await dossier(rt, s.id)).erasedAt).toBeNull();
    await rt.advance('P2M');
    d = await dossier(rt, s.id);
    expect(d.erasedAt).not.toBeNull();
    const text = JSON.stringify(d);
    for (const secret of ['Bea Bewaar', 'sanne@example.nl', 'Dorpsstraat', 'Geheim verhaal', 'Persoonlijke reden'])
      expect(text).not.toContain(secret);
    expect(d.received.complainant.address.city).toBe('Oss');
    const report = await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31', { token: rt.officers.officer });
    expect(report.json.total).toBe(14);
    expect(report.json.results.ingetrokken).toBe(7);
  });
});
