import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { dossier, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

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
