import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SATISFACTION_ANSWERS_MAX } from '../lambdas/domain/procedure/complainant-actions.js';
import { dossier, type Submitted, submit, walk } from './support/ladder.js';
import { officerCookie, type TestRuntime, testRuntime } from './support/runtime.js';

// The complainant says themselves, after closure, whether they are satisfied (issue 17: "record
// satisfaction only when the complainant or officer says so"). Through the real API: bad input is
// refused in Dutch with its field, nothing is asked before closure or after a withdrawal, a later
// answer replaces the earlier one (and both stay in the dossier), and the officer sees it.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

const answer = (s: Submitted, body: unknown) =>
  rt.call('POST', `/complaints/${s.id}/satisfaction`, { token: s.token, body });

async function closed(): Promise<Submitted> {
  const s = await submit(rt);
  await walk(rt, s.id, [
    ['admissibility', 'admissible'],
    ['preliminary-investigation', 'done'],
    ['conversation', 'resolved'],
  ]);
  return s;
}

describe('satisfaction: the complainant’s own answer after closure', () => {
  it('is not asked while the complaint is open, nor after a withdrawal (409, in Dutch)', async () => {
    const open = await submit(rt);
    const before = await answer(open, { satisfied: true });
    expect(before.status, before.text).toBe(409);
    expect(before.json.error.message).toMatch(/nog niet afgesloten/);
    expect((await rt.call('GET', `/complaints/${open.id}`, { token: open.token })).json.satisfaction).toEqual({
      asked: false,
      answer: null,
    });
    const w = await rt.call('POST', `/complaints/${open.id}/withdraw`, { token: open.token, body: {} });
    expect(w.status, w.text).toBe(200);
    await rt.advance('PT0S');
    const after = await answer(open, { satisfied: false });
    expect(after.status, after.text).toBe(409);
    expect(after.json.error.message).toMatch(/ingetrokken/);
  });

  it('refuses bad input with 400, a Dutch message and the field; nothing is stored', async () => {
    const s = await closed();
    const version = (await dossier(rt, s.id)).version;
    for (const [body, field] of [
      [{}, 'satisfied'],
      [{ satisfied: 'ja' }, 'satisfied'],
      [{ satisfied: true, remark: 'x'.repeat(2001) }, 'remark'],
      [{ satisfied: true, cijfer: 8 }, ''],
    ] as const) {
      const r = await answer(s, body);
      expect(r.status, r.text).toBe(400);
      expect(r.json.error.message).toMatch(/^[A-Z]/);
      expect(r.json.error.message).not.toMatch(/expected|invalid|required|unrecognized/i);
      if (field) expect(r.json.error.issues.map((i: any) => i.path)).toContain(field);
    }
    const wrongToken = await rt.call('POST', `/complaints/${s.id}/satisfaction`, {
      token: 'geen-echte-link',
      body: { satisfied: true },
    });
    expect([401, 403, 404]).toContain(wrongToken.status);
    expect((await dossier(rt, s.id)).version).toBe(version);
  });

  it('a later answer replaces the earlier; the same answer again records nothing; bounded', async () => {
    const s = await closed();
    const first = await answer(s, { satisfied: false, remark: '  Het duurde te lang.  ' });
    expect(first.status, first.text).toBe(200);
    expect(first.json.satisfaction).toEqual({
      asked: true,
      answer: { satisfied: false, remark: 'Het duurde te lang.', at: expect.any(String) },
    });
    const version = (await dossier(rt, s.id)).version;
    // A reload or double click: the same answer, no second event.
    expect((await answer(s, { satisfied: false, remark: 'Het duurde te lang.' })).status).toBe(200);
    expect((await dossier(rt, s.id)).version).toBe(version);
    // A change of mind replaces it; the officer sees the latest, the history keeps both.
    const second = await answer(s, { satisfied: true });
    expect(second.status, second.text).toBe(200);
    const d = await dossier(rt, s.id);
    expect(d.complainantSatisfaction).toMatchObject({ satisfied: true, answers: 2 });
    expect(d.complainantSatisfaction.remark).toBeUndefined();
    for (let i = 2; i < SATISFACTION_ANSWERS_MAX; i++)
      expect((await answer(s, { satisfied: i % 2 === 1 })).status).toBe(200);
    const tooOften = await answer(s, { satisfied: (SATISFACTION_ANSWERS_MAX % 2 === 1) as boolean });
    expect(tooOften.status, tooOften.text).toBe(409);
    expect(tooOften.json.error.message).toMatch(/contact/);
  });

  it('the officer’s dossier page says what the complainant said; the outcome stays what it was', async () => {
    const s = await closed();
    expect((await answer(s, { satisfied: false, remark: 'Niemand belde terug.' })).status).toBe(200);
    const d = await dossier(rt, s.id);
    expect(d.complainantSatisfaction).toMatchObject({ satisfied: false, remark: 'Niemand belde terug.' });
    expect(d.closed.result).toBe('resolved');
    const cookie = await officerCookie(rt);
    const page = await (await fetch(`${rt.url}/medewerkers/dossiers/${s.id}`, { headers: { cookie } })).text();
    expect(page).toContain('De klager zei zelf op');
    expect(page).toContain('niet tevreden over de behandeling');
    expect(page).toContain('De klager zegt zelf: niet tevreden over de behandeling. Toelichting: Niemand belde terug.');
  });

  // Last: it moves the clock two years on.
  it('at the end of retention the remark is erased with the rest; the yes or no stays for the figures', async () => {
    const s = await closed();
    expect((await answer(s, { satisfied: false, remark: 'Jolanda van de balie was onvriendelijk.' })).status).toBe(200);
    await rt.advance('P2Y1M');
    const d = await dossier(rt, s.id);
    expect(d.erasedAt).not.toBeNull();
    expect(JSON.stringify(d)).not.toContain('Jolanda');
    expect(d.complainantSatisfaction.satisfied).toBe(false);
    const report = await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31', { token: rt.officers.officer });
    expect(JSON.stringify(report.json)).not.toContain('Jolanda');
  });
});
