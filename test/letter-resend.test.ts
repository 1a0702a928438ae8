/**
 * A letter that bounced, sent again to a corrected address (#15's leftover). In the local runtime,
 * through SES's own mailbox simulator (bounce@simulator.amazonses.com bounces; the local SES endpoint
 * reports it to the mail-events handler, as in AWS): the officer who may act records the address
 * the complainant gave (validated; the old one kept in the history), the letter goes once to the
 * new address only, later letters go there too, and erasure removes both addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossier, walk } from './support/ladder.js';
import { formToken, officerCookie, SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const BOUNCE = 'bounce@simulator.amazonses.com';
const NEW = 'sanne.devries@example.nl';

let rt: TestRuntime;
let officer: string;

beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  officer = rt.officers.officer ?? '';
}, 120_000);
afterAll(async () => rt?.stop());

/** A complaint whose acknowledgement bounced; its dossier and the bounced letter. */
async function bounced() {
  const r = await rt.call('POST', '/complaints', {
    body: { ...SANNE, complainant: { ...SANNE.complainant, email: BOUNCE } },
  });
  expect(r.status, r.text).toBe(201);
  await rt.advance('PT0S');
  await rt.mail(); // waits for the work after the answer (the local SES events among it)
  const d = await dossier(rt, r.json.id);
  const letter = d.letters.find((l: any) => l.audience === 'complainant' && l.delivery?.problem === 'bounce');
  expect(letter?.delivery, JSON.stringify(d.letters.map((l: any) => [l.kind, l.delivery]))).toMatchObject({
    problem: 'bounce',
    addresses: [BOUNCE],
  });
  return { id: r.json.id as string, reference: r.json.reference as string, token: r.json.accessToken, letter };
}

const resend = (id: string, letterId: string, email: unknown, token = officer) =>
  rt.call('POST', `/dossiers/${id}/letters/${encodeURIComponent(letterId)}/resend`, { token, body: { email } });

const mailsTo = async (address: string, reference: string) =>
  (await rt.mail()).filter((m) => m.to.includes(address) && m.subject.includes(`[${reference}]`));

describe('a bounced letter, sent again to a corrected address', () => {
  it('refuses what is wrong in Dutch with its field, and changes nothing', async () => {
    const { id, letter } = await bounced();
    const version = (await dossier(rt, id)).version;
    const bad = await resend(id, letter.letterId, 'sanne@');
    expect(bad.status, bad.text).toBe(400);
    expect(bad.json.error.issues[0]).toMatchObject({ path: 'email' });
    expect(bad.json.error.issues[0].message).toContain('Vul een geldig e-mailadres in');
    const same = await resend(id, letter.letterId, BOUNCE.toUpperCase());
    expect(same.status, same.text).toBe(422);
    expect(same.json.error.issues[0]).toMatchObject({ path: 'email' });
    expect(same.json.error.message).toMatch(/^Op dit adres kwam de brief niet aan/);
    // Only a role that may act on the step the dossier is at (the officer's, not the director's).
    const director = await resend(id, letter.letterId, NEW, rt.officers.director);
    expect(director.status, director.text).toBe(403);
    expect((await resend(id, 'bestaat-niet', NEW)).status).toBe(404);
    // A letter that arrived does not go again.
    const ok = await rt.call('POST', '/complaints', { body: SANNE });
    await rt.advance('PT0S');
    await rt.mail();
    const arrived = (await dossier(rt, ok.json.id)).letters.find((l: any) => l.audience === 'complainant');
    expect((await resend(ok.json.id, arrived.letterId, NEW)).status).toBe(409);
    expect((await dossier(rt, id)).version).toBe(version);
  });

  it('records the new address, keeps the old in the history, and sends that letter once to the new one', async () => {
    const { id, reference, letter } = await bounced();
    const before = await mailsTo(NEW, reference);
    expect(before).toEqual([]);
    const r = await resend(id, letter.letterId, ` ${NEW} `);
    expect(r.status, r.text).toBe(200);
    await rt.advance('PT0S');
    const sent = await mailsTo(NEW, reference);
    expect(sent.map((m) => m.subject)).toEqual([letter.subject]);
    expect(sent[0]?.to).toEqual([NEW]);
    expect(sent[0]?.text).toBe(
      (await rt.mail()).find((m) => m.to.includes(BOUNCE) && m.subject === letter.subject)?.text,
    );
    // Asked again (a double click): refused, nothing more sent.
    const twice = await resend(id, letter.letterId, NEW);
    expect(twice.status, twice.text).toBe(409);
    await rt.advance('PT0S');
    expect(await mailsTo(NEW, reference)).toHaveLength(1);

    const d = await dossier(rt, id);
    expect(d.received.complainant.email).toBe(NEW);
    const again = d.letters.find((l: any) => l.resendOf === letter.letterId);
    expect(again).toMatchObject({ to: [NEW], status: 'sent', subject: letter.subject });
    const history = d.history.map((h: any) => h.text).join('\n');
    expect(history).toContain(`was ${BOUNCE}, nu ${NEW}`);
    expect(d.undeliveredSince).toBeUndefined();

    // Later letters go to the new address only.
    await walk(rt, id, [['admissibility', 'admissible']]);
    const later = (await rt.mail()).filter((m) => m.subject.includes(`[${reference}]`) && m.to.includes(BOUNCE));
    expect(later.map((m) => m.subject)).toEqual([letter.subject]);
    expect((await mailsTo(NEW, reference)).length).toBeGreaterThan(1);
  });

  it('on the dossier page: the form for a role that may act, the error beside the field, then sent', async () => {
    const { id, reference, letter } = await bounced();
    const director = await officerCookie(rt, 'director');
    const readOnly = await (
      await fetch(`${rt.url}/medewerkers/dossiers/${id}`, { headers: { cookie: director } })
    ).text();
    expect(readOnly).toContain('Brief niet aangekomen');
    expect(readOnly).not.toContain('Verstuur de brief opnieuw');

    const cookie = await officerCookie(rt);
    const page = await (await fetch(`${rt.url}/medewerkers/dossiers/${id}`, { headers: { cookie } })).text();
    expect(page).toContain('Ander e-mailadres van de klager');
    const action = `${rt.url}/medewerkers/dossiers/${id}/brieven/${encodeURIComponent(letter.letterId)}/opnieuw`;
    expect(page).toContain(
      `action="/medewerkers/dossiers/${id}/brieven/${encodeURIComponent(letter.letterId)}/opnieuw"`,
    );
    const post = async (email: string) =>
      fetch(action, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: await formToken(rt, cookie), email }).toString(),
        redirect: 'manual',
      });
    const wrong = await post('sanne.devries@');
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toMatch(/<title>Fout: /);
    expect(html).toMatch(/id="opnieuw-0-error"[^>]*>Vul een geldig e-mailadres in/);
    expect(html).toMatch(/aria-invalid="true"/);
    expect(html).toContain('value="sanne.devries@"');
    expect(html).toContain('href="#opnieuw-0"');

    const right = await post(NEW);
    expect(right.status).toBe(303);
    await rt.advance('PT0S');
    expect((await mailsTo(NEW, reference)).map((m) => m.subject)).toEqual([letter.subject]);
    const after = await (await fetch(`${rt.url}${right.headers.get('location')}`, { headers: { cookie } })).text();
    expect(after).toContain(`Opnieuw verstuurd naar ${NEW}`);
  });

  // Last: it moves the clock two years on.
  it('erasure at the end of retention removes both the old and the new address', async () => {
    // A runtime of its own: the open dossiers above would be reminded and alarmed for two years.
    await rt.stop();
    rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
    officer = rt.officers.officer ?? '';
    const { id, letter } = await bounced();
    expect((await resend(id, letter.letterId, NEW)).status).toBe(200);
    await walk(rt, id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]);
    await rt.advance('P2Y1M');
    const d = await dossier(rt, id);
    expect(d.erasedAt).not.toBeNull();
    const all = JSON.stringify(d);
    expect(all).not.toContain(BOUNCE);
    expect(all).not.toContain(NEW);
  });
});
