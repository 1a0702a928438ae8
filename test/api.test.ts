import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submit } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// What clients send wrong gets a clear error with field paths, never a 500, and nothing stored.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

async function count() {
  // A dossier is on the worklist once its ladder's first step has begun (the intake's own write
  // keeps it under STARTING# until then, #19); the local runtime lets complaints go first, so a
  // ladder of the test before may begin between two counts. Let every ladder begin first.
  await rt.advance('PT0S');
  const r = await rt.call('GET', '/dossiers?limit=200', { token: rt.officers.officer });
  return r.json.items.length as number;
}

describe('api: bad input', () => {
  const cases: [string, unknown, number, string][] = [
    ['not JSON', '{"complainant": ', 400, ''],
    ['an array', '[]', 400, ''],
    ['no consent', { ...SANNE, consent: false }, 400, 'consent'],
    [
      'a bad e-mail address',
      { ...SANNE, complainant: { ...SANNE.complainant, email: 'sanne@' } },
      400,
      'complainant.email',
    ],
    [
      'a bad postcode',
      { ...SANNE, complainant: { ...SANNE.complainant, address: { postcode: '12' } } },
      400,
      'complainant.address.postcode',
    ],
    ['no way to reach them', { ...SANNE, complainant: { name: 'Sanne' } }, 400, 'complainant.email'],
    ['an empty story', { ...SANNE, description: '   ' }, 400, 'description'],
    ['a date that is no date', { ...SANNE, incidentDate: '20-08-2026' }, 400, 'incidentDate'],
    ['a field nobody asked for', { ...SANNE, admin: true }, 400, ''],
    ['a role that is no role', { ...SANNE, role: 'koning' }, 400, 'role'],
    ['a role this regulation does not accept', { ...SANNE, role: 'partner-organisation' }, 422, 'role'],
    ['a date in the future', { ...SANNE, incidentDate: '2027-01-01' }, 422, 'incidentDate'],
    ['an intake variant that does not exist', { ...SANNE, variant: 'fax' }, 422, 'variant'],
    [
      'a name of the wrong type',
      { ...SANNE, complainant: { ...SANNE.complainant, name: 42 } },
      400,
      'complainant.name',
    ],
  ];
  for (const [what, body, status, path] of cases) {
    it(`${what} → ${status}${path ? ` at ${path}` : ''}`, async () => {
      const before = await count();
      const r = await rt.call('POST', '/complaints', { body });
      expect(r.status, r.text).toBe(status);
      expect(typeof r.json.error.message).toBe('string');
      if (path) expect(r.json.error.issues.map((i: any) => i.path)).toContain(path);
      expect(await count()).toBe(before);
    });
  }

  it('a body over 1 MB → 413', async () => {
    const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'x'.repeat(1_100_000) } });
    expect(r.status).toBe(413);
  });

  it('unknown routes, dossiers and ids → 404; no token → 401', async () => {
    expect((await rt.call('GET', '/nergens')).status).toBe(404);
    expect((await rt.call('GET', '/dossiers/01m1k12ec0000000000000000z', { token: rt.officers.officer })).status).toBe(
      404,
    );
    expect((await rt.call('GET', '/dossiers/../../etc', { token: rt.officers.officer })).status).toBe(404);
    expect((await rt.call('GET', '/dossiers/not-an-id', { token: rt.officers.officer })).status).toBe(400);
    expect((await rt.call('GET', '/dossiers')).status).toBe(401);
    expect((await rt.call('GET', '/dossiers?cursor=bm9wZQ', { token: rt.officers.officer })).status).toBe(400);
  });

  it('a complainant’s token opens only their own dossier, and no officer route', async () => {
    const a = await submit(rt);
    const b = await submit(rt);
    expect((await rt.call('GET', `/complaints/${b.id}`, { token: a.token })).status).toBe(404);
    expect((await rt.call('GET', `/complaints/${a.id}`, { token: a.token })).status).toBe(200);
    expect((await rt.call('GET', `/dossiers/${a.id}`, { token: a.token })).status).toBe(401);
  });

  it('an action of the wrong shape → 400 with the path', async () => {
    const a = await submit(rt);
    const r = await rt.call('POST', `/dossiers/${a.id}/actions`, {
      token: rt.officers.officer,
      body: { type: 'extend', stepId: 'admissibility' },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues.map((i: any) => i.path)).toEqual(expect.arrayContaining(['term']));
  });
});

describe('api: Idempotency-Key', () => {
  it('the same key sent twenty times at once gives one dossier and one acknowledgement', async () => {
    const before = await count();
    const mails = (await rt.mail()).length;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'formulier-123' } }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(replies.map((r) => r.json.id)).size).toBe(1);
    await rt.advance('PT0S');
    expect(await count()).toBe(before + 1);
    const ack = (await rt.mail()).slice(mails).filter((m) => m.subject.includes('ontvangen'));
    expect(ack).toHaveLength(1);
  });

  it('the same key with another complaint → 422', async () => {
    await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'formulier-456' } });
    const r = await rt.call('POST', '/complaints', {
      body: { ...SANNE, description: 'Iets anders.' },
      headers: { 'idempotency-key': 'formulier-456' },
    });
    expect(r.status).toBe(422);
  });

  it('a refused complaint does not use up its key: the corrected one goes through with it', async () => {
    const before = await count();
    const bad = await rt.call('POST', '/complaints', {
      body: { ...SANNE, variant: 'bestaat-niet' },
      headers: { 'idempotency-key': 'formulier-789' },
    });
    expect(bad.status).toBe(422);
    expect(await count()).toBe(before);
    const good = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'formulier-789' } });
    expect(good.status).toBe(201);
    expect(await count()).toBe(before + 1);
  });
});

describe('api: officer claims from the Cognito authorizer', () => {
  it('reads cognito:groups as a list or as one bracketed string', async () => {
    const { parseGroups } = await import('../lambdas/api.js');
    expect(parseGroups(['officer', 'manager'])).toEqual(['officer', 'manager']);
    expect(parseGroups('[officer manager]')).toEqual(['officer', 'manager']);
    expect(parseGroups('officer')).toEqual(['officer']);
    expect(parseGroups(undefined)).toEqual([]);
  });
});

describe('api: found by the reliability harness', () => {
  it('20 messages at once: each stored once, each notice sent once, none refused', async () => {
    const s = await submit(rt);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rt.call('POST', `/complaints/${s.id}/messages`, { token: s.token, body: { text: `bericht ${i}` } }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    await rt.advance('PT0S');
    const d = (await rt.call('GET', `/complaints/${s.id}`, { token: s.token })).json;
    expect(d.status).toBe('open');
    const officer = (await rt.call('GET', `/dossiers/${s.id}`, { token: rt.officers.officer })).json;
    const notices = officer.letters.filter((l: any) => l.kind === 'notice');
    expect(notices).toHaveLength(20);
    expect(notices.every((l: any) => l.status === 'sent')).toBe(true);
    const mails = (await rt.mail()).filter((m) => m.subject.includes(`[${s.reference}] Bericht`));
    expect(mails).toHaveLength(20);
  });

  it('a form body that is no form, and a form id that is no id: a page, not a 5xx', async () => {
    const multipart = await fetch(`${rt.url}/klacht-indienen`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=' },
      body: 'x=1',
    });
    expect(multipart.status).toBe(422);
    const odd = await fetch(`${rt.url}/klacht-indienen`, {
      method: 'POST',
      body: new URLSearchParams({ formulier: 'İ\r\nx', name: 'a' }),
    });
    expect(odd.status).toBe(422);
  });
});

describe('api: a complaint recorded by an officer', () => {
  it('received by phone three days ago: its terms count from then', async () => {
    const r = await rt.call('POST', '/dossiers', {
      token: rt.officers.officer,
      body: { ...SANNE, channel: 'phone', receivedAt: '2026-08-31T14:00:00+02:00' },
    });
    expect(r.status, r.text).toBe(201);
    const admissibility = r.json.deadlines.find((d: any) => d.step === 'admissibility');
    // Two weeks from Monday 31 August: Monday 14 September.
    expect(admissibility.lastDay).toBe('2026-09-14');
    expect(r.json.reference).toMatch(/^KL-2026-/);
    const future = await rt.call('POST', '/dossiers', {
      token: rt.officers.officer,
      body: { ...SANNE, channel: 'letter', receivedAt: '2030-01-01T10:00:00+01:00' },
    });
    expect(future.status).toBe(422);
    expect(
      (
        await rt.call('POST', '/dossiers', {
          body: { ...SANNE, channel: 'phone', receivedAt: '2026-08-31T14:00:00+02:00' },
        })
      ).status,
    ).toBe(401);
  });
});

describe('api: a lost link', () => {
  it('mails a new private link to the address of the complaint, and only there; the old one stops', async () => {
    const s = await submit(rt);
    const before = (await rt.mail()).length;
    const wrong = await rt.call('POST', '/complaints/link', {
      body: { reference: s.reference, email: 'iemand@anders.nl' },
    });
    expect(wrong.status).toBe(202);
    expect((await rt.mail()).length).toBe(before);
    const right = await rt.call('POST', '/complaints/link', {
      body: { reference: s.reference.toLowerCase(), email: 'SANNE@example.nl' },
    });
    expect(right.status).toBe(202);
    expect(right.json.message).toBe(wrong.json.message); // the answer never tells whether it matched
    const mail = (await rt.mail()).at(-1);
    expect(mail?.subject).toBe(`[${s.reference}] Uw nieuwe link naar uw klacht`);
    const link = /http:\/\/127\.0\.0\.1:\d+\/klacht\/([0-9a-z]{26})\/(\S+)/.exec(mail?.text ?? '');
    expect(link?.[1]).toBe(s.id);
    expect((await rt.call('GET', `/complaints/${s.id}`, { token: link?.[2] })).status).toBe(200);
    expect((await rt.call('GET', `/complaints/${s.id}`, { token: s.token })).status).toBe(404);
    const page = await fetch(`${rt.url}/klacht/link-kwijt`);
    expect(page.status).toBe(200);
  });
});
