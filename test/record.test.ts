/**
 * A complaint that came by phone, letter or in person, recorded by an officer (issue 10): through
 * the API and through the officers' page, with its terms counted from when it was received, the
 * private link mailed or shown once, and the acknowledgement printable for the post.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formToken, officerCookie, SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
// Thursday 3 September 2026, 09:00 in Oss.
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => {
  await rt.stop();
});

/** The page's form token for the signed-in officer (set in beforeAll). */
let csrf = '';
const form = (fields: Record<string, string>) => new URLSearchParams({ ...fields, _csrf: csrf }).toString();

const PHONE_CALL = {
  channel: 'phone',
  'received-day': '31',
  'received-month': '8',
  'received-year': '2026',
  time: '14:30',
  takenBy: 'Ahmed (receptie)',
  role: 'client',
  name: 'Kees Jansen',
  phone: '0412 123456',
  street: 'Kerkstraat 12',
  postcode: '5341 AB',
  city: 'Oss',
  description: 'De begeleider is drie keer niet gekomen zonder af te bellen.',
  transcript: 'Meneer belde om half drie. Hij is boos en wil dat het stopt.',
  consent: 'ja',
};

describe('record: through the API', () => {
  it('with an e-mail address, the complainant gets the private link by mail, and it works', async () => {
    const before = (await rt.mail()).length;
    const r = await rt.call('POST', '/dossiers', {
      token: rt.officers.officer,
      body: {
        ...SANNE,
        channel: 'letter',
        receivedAt: '2026-09-01T10:00:00+02:00',
        transcript: 'Brief van 30 augustus, ontvangen 1 september.',
      },
    });
    expect(r.status, r.text).toBe(201);
    await rt.advance('PT0S');
    const mails = (await rt.mail()).slice(before);
    const link = mails.find((m) => m.subject === `[${r.json.reference}] De link naar uw klacht`);
    expect(link?.to).toEqual([SANNE.complainant.email]);
    const url = /http:\/\/127\.0\.0\.1:\d+\/klacht\/([a-z0-9]+)\/(\S+)/.exec(link?.text ?? '');
    expect(url?.[1]).toBe(r.json.id);
    const own = await rt.call('GET', `/complaints/${r.json.id}`, { token: url?.[2] });
    expect(own.status).toBe(200);
    // The transcript is in the dossier for officers.
    const d = await rt.call('GET', `/dossiers/${r.json.id}`, { token: rt.officers.officer });
    expect(d.json.received.transcript).toContain('ontvangen 1 september');
    expect(d.json.received.channel).toBe('letter');
  });

  it('the same Idempotency-Key twice records one complaint', async () => {
    const count = async () =>
      (await rt.call('GET', '/dossiers?limit=200', { token: rt.officers.officer })).json.items.length;
    const before = await count();
    const send = () =>
      rt.call('POST', '/dossiers', {
        token: rt.officers.officer,
        headers: { 'idempotency-key': 'telefoon-1' },
        body: { ...SANNE, channel: 'phone', receivedAt: '2026-09-02T16:00:00+02:00' },
      });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.id).toBe(b.json.id);
    await rt.advance('PT0S');
    expect(await count()).toBe(before + 1);
  });
});

describe('record: through the officers page', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await officerCookie(rt);
    csrf = await formToken(rt, cookie);
  });

  it('offers the form to a signed-in officer only, filled in with now', async () => {
    const anonymous = await fetch(`${rt.url}/medewerkers/klacht-vastleggen`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    const page = await fetch(`${rt.url}/medewerkers/klacht-vastleggen`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Telefonisch');
    // Today in the Netherlands: 3 September 2026, 09:00.
    expect(html).toMatch(/name="received-day"[^>]*value="3"/);
    expect(html).toMatch(/name="time"[^>]*value="09:00"/);
    const worklist = await (await fetch(`${rt.url}/medewerkers/werklijst`, { headers: { cookie } })).text();
    expect(worklist).toContain('href="/medewerkers/klacht-vastleggen"');
    // Steps by their title in the regulation's words, not by their id.
    expect(worklist).toContain('Is de klacht ontvankelijk?');
    expect(worklist).not.toMatch(/>admissibility</);
  });

  it('a phone call of three days ago: deadlines from then, link shown once, letter to print', async () => {
    const res = await fetch(`${rt.url}/medewerkers/klacht-vastleggen`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ ...PHONE_CALL, formulier: '0b7c9f5e-2d1a-4f3b-8c6d-1e2f3a4b5c6d' }),
    });
    const html = await res.text();
    expect(res.status, html.slice(0, 500)).toBe(200);
    const reference = /Klacht vastgelegd: (KL-2026-\d+)/.exec(html)?.[1];
    expect(reference).toMatch(/^KL-2026-\d{4}$/);
    // No e-mail address: the link is on the page to hand over.
    const link = /http:\/\/127\.0\.0\.1:\d+\/klacht\/([a-z0-9]+)\/([A-Za-z0-9_-]+)/.exec(html);
    expect(link?.[1]).toMatch(/^[a-z0-9]{26}$/);
    const id = link?.[1] as string;
    expect((await rt.call('GET', `/complaints/${id}`, { token: link?.[2] })).status).toBe(200);
    // Two weeks from Monday 31 August (ONS admissibility): Monday 14 September.
    expect(html).toContain('uiterlijk maandag 14 september 2026');

    await rt.advance('PT0S');
    const d = (await rt.call('GET', `/dossiers/${id}`, { token: rt.officers.officer })).json;
    expect(d.received.receivedAt).toBe('2026-08-31T12:30:00Z');
    expect(d.received.channel).toBe('phone');
    expect(d.received.takenBy).toBe('Ahmed (receptie)');
    expect(d.deadlines.find((x: any) => x.step === 'admissibility').lastDay).toBe('2026-09-14');
    // The acknowledgement has no e-mail address to go to: it is marked for the post...
    const ack = d.letters.find((l: any) => l.kind === 'acknowledgement' && l.audience === 'complainant');
    expect(ack.to).toEqual([]);
    expect(ack.undeliverable).toContain('complainant');
    // ...and prints as a letter with the complainant's address.
    const page = await fetch(`${rt.url}/medewerkers/dossiers/${id}/brieven/${encodeURIComponent(ack.letterId)}`, {
      headers: { cookie },
    });
    const letter = await page.text();
    expect(page.status).toBe(200);
    expect(letter).toContain('Kees Jansen');
    expect(letter).toContain('Kerkstraat 12');
    expect(letter).toContain('5341 AB');
    expect(letter).toContain(reference as string);
    expect(letter).toContain('ontvangen op maandag 31 augustus 2026');
    // The dossier page says how it came in and shows the transcript.
    const dossier = await (await fetch(`${rt.url}/medewerkers/dossiers/${id}`, { headers: { cookie } })).text();
    expect(dossier).toContain(`/brieven/${encodeURIComponent(ack.letterId)}`);
    expect(dossier).toContain('telefonisch, aangenomen door Ahmed (receptie)');
    expect(dossier).toContain('Meneer belde om half drie');

    // The browser sends the form again (a reload): the same answer, no second dossier.
    const again = await fetch(`${rt.url}/medewerkers/klacht-vastleggen`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ ...PHONE_CALL, formulier: '0b7c9f5e-2d1a-4f3b-8c6d-1e2f3a4b5c6d' }),
    });
    expect(await again.text()).toContain(`Klacht vastgelegd: ${reference}`);
  });

  it('shows what is wrong beside the fields and keeps what was typed', async () => {
    const res = await fetch(`${rt.url}/medewerkers/klacht-vastleggen`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ ...PHONE_CALL, time: '25:99', consent: '', 'received-year': '2030' }),
    });
    const html = await res.text();
    expect(res.status).toBe(422);
    expect(html).toContain('href="#time"');
    expect(html).toContain('href="#consent"');
    expect(html).toContain('De begeleider is drie keer niet gekomen');
    const future = await fetch(`${rt.url}/medewerkers/klacht-vastleggen`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ ...PHONE_CALL, 'received-year': '2027' }),
    });
    expect(future.status).toBe(422);
    expect(await future.text()).toContain('Vul het moment in waarop de klacht binnenkwam: nu of eerder.');
  });
});
