import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { plainSdkClient } from './support/dynalite.js';
import { dossier, submit, walk } from './support/ladder.js';
import { formToken, type TestRuntime, testRuntime } from './support/runtime.js';

// ONS welzijn's registration form, in a copy of the regulation that asks for it to be complete
// before a dossier closes (an organisation's own choice; the preset leaves it open).
let rt: TestRuntime;
beforeAll(async () => {
  const reg = parse(readFileSync('statemachines/presets/ons-welzijn.yaml', 'utf8'));
  reg.id = 'ons-welzijn-strikt';
  reg.registration.completeBeforeClosure = true;
  delete reg.document; // the quotes stay checked in the preset itself
  const file = join(mkdtempSync(join(tmpdir(), 'kf-reg-')), 'ons-strikt.yaml');
  writeFileSync(file, stringify(reg));
  rt = await testRuntime(file, '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('registration form', () => {
  it('fills what the dossier knows, refuses to close while required answers are missing, then closes', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
    ]);
    let d = await dossier(rt, s.id);
    const byId = Object.fromEntries(d.registration.questions.map((q: any) => [q.id, q]));
    expect(byId['complaint-number'].answer).toBe(s.reference);
    expect(byId.postcode.answer).toBe('1234 AB');
    expect(byId.place.answer).toBe('Oss');

    const refused = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.officer,
      body: { type: 'outcome', stepId: 'conversation', outcome: 'resolved' },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toContain('Vul eerst het registratieformulier in');

    const bad = await rt.call('POST', `/dossiers/${s.id}/registration`, {
      token: rt.officers.officer,
      body: { answers: { bestaat: 'x' } },
    });
    expect(bad.status).toBe(422);
    const answers: Record<string, string> = {};
    for (const q of d.registration.questions.filter((x: any) => x.required && !x.derived && x.answer === null)) {
      answers[q.id] =
        q.type === 'yes-no'
          ? 'ja'
          : q.type === 'date'
            ? '1990-01-01'
            : q.type === 'choice' && !q.other
              ? q.options[0]
              : 'ingevuld';
    }
    const ok = await rt.call('POST', `/dossiers/${s.id}/registration`, {
      token: rt.officers.officer,
      body: { answers },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.registration.missing).toEqual([]);
    const closed = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.officer,
      body: { type: 'outcome', stepId: 'conversation', outcome: 'resolved' },
    });
    expect(closed.status).toBe(200);
    await rt.advance('PT0S');
    d = await dossier(rt, s.id);
    expect(d.status).toBe('closed');
    // The closing date is derived once the dossier is closed.
    expect(d.registration.questions.find((q: any) => q.id === 'closed-on')?.answer).toBe('2026-09-03');
  });
});

describe('improvement register', () => {
  it('records actions from a complaint with owner, due date and status, and counts them in the report', async () => {
    const s = await submit(rt);
    const added = await rt.call('POST', `/dossiers/${s.id}/improvements`, {
      token: rt.officers.officer,
      body: { action: 'Afspraken voortaan schriftelijk bevestigen', owner: 'manager', due: '2026-12-01' },
    });
    expect(added.status, added.text).toBe(200);
    expect(added.json.improvements).toEqual([
      {
        improvementId: 'v1',
        action: 'Afspraken voortaan schriftelijk bevestigen',
        owner: 'manager',
        due: '2026-12-01',
        status: 'open',
      },
    ]);
    const done = await rt.call('POST', `/dossiers/${s.id}/improvements/v1`, {
      token: rt.officers.officer,
      body: { status: 'done', note: 'In het teamoverleg besproken.' },
    });
    expect(done.json.improvements[0].status).toBe('done');
    expect(
      (
        await rt.call('POST', `/dossiers/${s.id}/improvements/v9`, {
          token: rt.officers.officer,
          body: { status: 'done' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await rt.call('POST', `/dossiers/${s.id}/improvements`, {
          token: rt.officers.officer,
          body: { action: 'x', owner: 'koning', due: '2026-12-01' },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await rt.call('POST', `/dossiers/${s.id}/improvements`, {
          token: s.token,
          body: { action: 'x', owner: 'manager', due: '2026-12-01' },
        })
      ).status,
    ).toBe(401);
    const report = await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31', { token: rt.officers.officer });
    expect(report.json.improvements).toEqual({ afgerond: 1 });
  });
});

describe('the improvement register over all dossiers', () => {
  it('lists every action with owner, status, due date, overdue mark and dossier, earliest first', async () => {
    const a = await submit(rt);
    const b = await submit(rt);
    const add = async (id: string, action: string, due: string) => {
      const r = await rt.call('POST', `/dossiers/${id}/improvements`, {
        token: rt.officers.officer,
        body: { action, owner: 'manager', due },
      });
      expect(r.status, r.text).toBe(200);
    };
    await add(a.id, 'Werkinstructie telefoon herzien', '2026-12-01');
    await add(a.id, 'Terugbelafspraak vastleggen', '2026-08-01'); // before today (3 September): late
    await add(b.id, 'Wachttijden op de website', '2026-10-01');
    const mine = (items: any[]) => items.filter((i) => [a.id, b.id].includes(i.dossierId));

    const all = await rt.call('GET', '/improvements', { token: rt.officers.officer });
    expect(all.status, all.text).toBe(200);
    expect(
      mine(all.json.items).map((i: any) => [i.due, i.reference, i.improvementId, i.status, i.overdue, i.ownerTitle]),
    ).toEqual([
      ['2026-08-01', a.reference, 'v2', 'open', true, 'Manager van de betrokken medewerker'],
      ['2026-10-01', b.reference, 'v1', 'open', false, 'Manager van de betrokken medewerker'],
      ['2026-12-01', a.reference, 'v1', 'open', false, 'Manager van de betrokken medewerker'],
    ]);
    // Sorted by due date over every dossier, not per dossier.
    const dues = all.json.items.map((i: any) => i.due);
    expect(dues).toEqual([...dues].sort());

    // The page: sorted, late in words, each linked to its dossier; reached from the worklist.
    const cookie = { cookie: `kf_officer=${rt.officers.officer}` };
    const worklist = await rt.call('GET', '/medewerkers/werklijst', { headers: cookie });
    expect(worklist.text).toContain('href="/medewerkers/verbeterregister"');
    const page = await rt.call('GET', '/medewerkers/verbeterregister', { headers: cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('(te laat)');
    expect(page.text.indexOf('Terugbelafspraak')).toBeLessThan(page.text.indexOf('Wachttijden op de website'));
    expect(page.text.indexOf('Wachttijden op de website')).toBeLessThan(page.text.indexOf('Werkinstructie telefoon'));
    expect(page.text).toContain(`href="/medewerkers/dossiers/${a.id}"`);

    // The officer records progress from the register (a plain form post, no JavaScript).
    const posted = await fetch(`${rt.url}/medewerkers/verbeterregister/${a.id}/v2`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ status: 'done', _csrf: await formToken(rt, cookie.cookie) }).toString(),
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/medewerkers/verbeterregister?gedaan=1');
    const done = await rt.call('GET', '/improvements?status=done', { token: rt.officers.officer });
    expect(mine(done.json.items).map((i: any) => [i.improvementId, i.overdue])).toEqual([['v2', false]]);
    const open = await rt.call('GET', '/improvements?status=open', { token: rt.officers.officer });
    expect(mine(open.json.items).map((i: any) => i.due)).toEqual(['2026-10-01', '2026-12-01']);
    expect((await rt.call('GET', '/medewerkers/verbeterregister?status=open', { headers: cookie })).text).not.toContain(
      'Terugbelafspraak',
    );

    expect((await rt.call('GET', '/improvements', { token: a.token })).status).toBe(401);
    expect((await rt.call('GET', '/improvements?status=klaar', { token: rt.officers.officer })).status).toBe(400);
  });
});

describe('the register after a crash between the event and its projection', () => {
  it('is brought up to date when the runtime recovers', async () => {
    const s = await submit(rt);
    const r = await rt.call('POST', `/dossiers/${s.id}/improvements`, {
      token: rt.officers.officer,
      body: { action: 'Na een crash terug in het register', owner: 'manager', due: '2027-01-15' },
    });
    expect(r.status).toBe(200);
    // The crash: the projection item is lost, the event is stored.
    // Straight to the runtime's DynamoDB, past the store (which has no delete for it).
    await DynamoDBDocumentClient.from(plainSdkClient(rt.endpoints.dynamodb)).send(
      new DeleteCommand({
        TableName: rt.endpoints.tableName,
        Key: { pk: 'IMPROVEMENTS#ons-welzijn-strikt', sk: `2027-01-15#${s.id}#v1` },
      }),
    );
    const listed = async () =>
      (await rt.call('GET', '/improvements', { token: rt.officers.officer })).json.items.filter(
        (i: any) => i.dossierId === s.id,
      );
    expect(await listed()).toEqual([]);
    await rt.procedure.recoverIntake();
    expect((await listed()).map((i: any) => i.action)).toEqual(['Na een crash terug in het register']);
  });
});
