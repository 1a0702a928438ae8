import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossier, mailsOf, type Submitted, submit } from './support/ladder.js';
import { formToken, officerCookie, SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// ONS welzijn: "Wanneer volgens de klachtenfunctionaris sprake is van verwijtbaar handelen bij de
// betrokken medewerker ..., wordt dat ... besproken met de manager van de medewerker." The note is
// for the manager (and the director) only: never for other officers, the complainant or a report.
const NOTE = 'De medewerker Kees Verstopt schold de klant uit; dit is eerder gebeurd.';
let rt: TestRuntime;
let s: Submitted;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  s = await submit(rt);
  const r = await rt.call('POST', `/dossiers/${s.id}/conduct-notes`, {
    token: rt.officers.officer,
    body: { text: NOTE },
  });
  expect(r.status, r.text).toBe(201);
  expect(r.json).toEqual({ noteId: 'a1' });
  await rt.advance('PT0S');
});
afterAll(async () => rt?.stop());

const page = (path: string, token: string | undefined) =>
  rt.call('GET', path, { headers: { cookie: `kf_officer=${token ?? ''}` } });

describe('a note on blameworthy conduct', () => {
  it('the manager and the director read it, and each read is in the read log', async () => {
    for (const role of ['manager', 'director']) {
      const r = await rt.call('GET', `/dossiers/${s.id}/conduct-notes`, { token: rt.officers[role] });
      expect(r.status, r.text).toBe(200);
      expect(r.json.items).toEqual([{ noteId: 'a1', text: NOTE, at: expect.any(String), by: 'officer@local' }]);
    }
    const reads = (await dossier(rt, s.id)).reads.filter((x: any) => x.what === 'verwijtbaar handelen');
    expect(reads.map((x: any) => x.by)).toEqual(['manager@local', 'director@local']);
    expect((await page(`/medewerkers/dossiers/${s.id}`, rt.officers.manager)).text).toContain('schold de klant uit');
  });

  it('the manager is told by mail that there is a note, with a link, but not what it says', async () => {
    const notice = (await mailsOf(rt, s.reference)).find((m) => m.text.includes('verwijtbaar handelen'));
    expect(notice?.to).toEqual(['bestuurssecretariaat@ons-welzijn.nl']);
    expect(notice?.text).toContain(`/medewerkers/dossiers/${s.id}`);
    for (const m of await rt.mail()) {
      expect(m.text).not.toContain('schold');
      expect(m.text).not.toContain('Kees Verstopt');
    }
  });

  it('another officer cannot read it: not through the route, the dossier, the export or the page', async () => {
    const r = await rt.call('GET', `/dossiers/${s.id}/conduct-notes`, { token: rt.officers.officer });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain('leidinggevende');
    for (const path of [`/dossiers/${s.id}`, `/dossiers/${s.id}/export`, `/dossiers/${s.id}/export?format=html`]) {
      const x = await rt.call('GET', path, { token: rt.officers.officer });
      expect(x.status).toBe(200);
      expect(x.text, path).not.toContain('schold');
    }
    const html = await page(`/medewerkers/dossiers/${s.id}`, rt.officers.officer);
    expect(html.status).toBe(200);
    expect(html.text).toContain('Alleen de leidinggevende leest deze aantekeningen');
    expect(html.text).not.toContain('schold');
    // The committee neither: not a reader in the regulation.
    expect((await rt.call('GET', `/dossiers/${s.id}/conduct-notes`, { token: rt.officers.committee })).status).toBe(
      403,
    );
  });

  it('the complainant never sees it, and cannot write or read one', async () => {
    for (const path of [
      `/complaints/${s.id}`,
      `/complaints/${s.id}/export`,
      `/complaints/${s.id}/export?format=html`,
    ]) {
      const x = await rt.call('GET', path, { token: s.token });
      expect(x.status).toBe(200);
      expect(x.text, path).not.toContain('schold');
    }
    const own = await rt.call('GET', `/klacht/${s.id}/${s.token}`);
    expect(own.status).toBe(200);
    expect(own.text).not.toContain('schold');
    expect((await rt.call('GET', `/dossiers/${s.id}/conduct-notes`, { token: s.token })).status).toBe(401);
    expect(
      (await rt.call('POST', `/dossiers/${s.id}/conduct-notes`, { token: s.token, body: { text: 'x' } })).status,
    ).toBe(401);
    const mine = (await rt.mail()).filter((m) => m.to.includes('sanne@example.nl'));
    expect(mine.some((m) => m.text.includes('verwijtbaar'))).toBe(false);
  });

  it('is never in a report', async () => {
    for (const format of ['json', 'csv', 'html']) {
      const r = await rt.call('GET', `/reports?from=2026-01-01&to=2026-12-31&format=${format}`, {
        token: rt.officers.manager,
      });
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('schold');
      expect(r.text).not.toContain('verwijtbaar');
    }
  });

  it('an empty note is refused; an officer records one through the page', async () => {
    const empty = await rt.call('POST', `/dossiers/${s.id}/conduct-notes`, {
      token: rt.officers.officer,
      body: { text: ' ' },
    });
    expect(empty.status).toBe(400);
    // A form post, as the browser sends it (without JavaScript), with the page's form token.
    const cookie = await officerCookie(rt);
    const form = await fetch(`${rt.url}/medewerkers/dossiers/${s.id}/verwijtbaar`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: 'Tweede aantekening.', _csrf: await formToken(rt, cookie) }).toString(),
    });
    expect(form.status).toBe(303);
    const r = await rt.call('GET', `/dossiers/${s.id}/conduct-notes`, { token: rt.officers.manager });
    expect(r.json.items.map((n: any) => n.text)).toEqual([NOTE, 'Tweede aantekening.']);
  });

  it('junk at the new routes gets a 4xx with a Dutch message, never a 5xx', async () => {
    const junk: [string, string, string | undefined, unknown][] = [
      ['POST', `/dossiers/${s.id}/conduct-notes`, rt.officers.officer, '{"text": '],
      ['POST', `/dossiers/${s.id}/conduct-notes`, rt.officers.officer, { text: 'x', extra: 1 }],
      ['POST', `/dossiers/${s.id}/conduct-notes`, rt.officers.officer, { text: 'x'.repeat(20_001) }],
      ['POST', `/dossiers/${s.id}/conduct-notes`, 'nonsense', { text: 'x' }],
      ['POST', '/dossiers/00000000000000000000000000/conduct-notes', rt.officers.officer, { text: 'x' }],
      ['GET', '/dossiers/00000000000000000000000000/conduct-notes', rt.officers.manager, undefined],
      ['GET', '/dossiers/..%2F..%2Fx/conduct-notes', rt.officers.manager, undefined],
      ['GET', '/improvements?status=__proto__', rt.officers.officer, undefined],
      ['GET', '/improvements', 'nonsense', undefined],
      ['POST', '/complaints', undefined, { ...SANNE, answers: { department: 'Iets wat niet op de lijst staat' } }],
      ['POST', '/complaints', undefined, { ...SANNE, answers: { bestaatniet: 'x' } }],
      ['POST', '/complaints', undefined, { ...SANNE, answers: { department: 1 } }],
      ['POST', '/complaints', undefined, { ...SANNE, answers: 'SRW' }],
    ];
    for (const [method, path, token, body] of junk) {
      const r = await rt.call(method, path, { token, ...(body === undefined ? {} : { body }) });
      expect(r.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${method} ${path}`).toBeLessThan(500);
      expect(typeof r.json?.error?.message).toBe('string');
    }
  });

  it('goes with the other personal data when the retention period ends', async () => {
    await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: {} });
    await rt.advance('P2Y1M');
    const d = await dossier(rt, s.id);
    expect(d.erasedAt).not.toBeNull();
    const r = await rt.call('GET', `/dossiers/${s.id}/conduct-notes`, { token: rt.officers.manager });
    expect(r.json.items.map((n: any) => n.text)).toEqual(['[verwijderd]', '[verwijderd]']);
  });
});
