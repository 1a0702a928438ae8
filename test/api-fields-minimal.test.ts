// biome-ignore-all lint/suspicious/noExplicitAny: the API's JSON as it comes
/**
 * What a caller asks of the officer's dossier (#19, session 14): `GET /dossiers/{id}?fields=a,b`
 * answers those fields of the whole dossier and nothing else, each with the value the whole answer
 * gives it; an action (and the other officer routes that answer the dossier) sent with
 * `Prefer: return=minimal` (RFC 7240) is done as without it and answered 204 without the dossier;
 * refusals keep their message and fields. Judged against the whole answer of the same route for
 * the same dossier at the same moment, along ladders taken as the simulation's people take them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

/** The whole answer's fields that change with every read (each GET records one). */
const READ_LOG = new Set(['reads', 'readsMore']);

describe('the officer asks for what the page needs', () => {
  let rt: TestRuntime;
  let officer: string;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', '2026-09-01T09:00:00+02:00', undefined, {
      store: 'memory',
      aws: 'in-process',
    });
    officer = Object.values(rt.officers)[0] as string;
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
  });

  /** The whole answer and the one with `fields`, at one moment (nothing but the read log changes between them). */
  async function both(id: string, fields: string[], token = officer) {
    const part = await rt.call('GET', `/dossiers/${id}?fields=${fields.join(',')}`, { token });
    const whole = await rt.call('GET', `/dossiers/${id}`, { token });
    expect(part.status).toBe(200);
    expect(whole.status).toBe(200);
    return { part: part.json, whole: whole.json };
  }

  it('every field alone, and several at once, as the whole answer gives them, along five ladders', async () => {
    const ids: { id: string; token: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await rt.call('POST', '/complaints', {
        body: { ...SANNE, complainant: { ...SANNE.complainant, email: `velden${i}@example.nl` } },
      });
      expect(r.status).toBe(201);
      ids.push({ id: r.json.id, token: r.json.accessToken });
    }
    const names = Object.keys((await rt.call('GET', `/dossiers/${ids[0]?.id}`, { token: officer })).json);
    // The fields an officer's page and the simulation decide on are among them.
    for (const k of ['availableActions', 'history', 'deadlines', 'currentStep', 'letters', 'mayResend', 'reads'])
      expect(names).toContain(k);
    const seen = { compared: 0, withActions: 0, minimal: 0, closed: 0 };
    for (let day = 0; day < 120; day++) {
      await rt.advance('P1D');
      let open = 0;
      for (const [n, f] of ids.entries()) {
        // Each field alone on a different day (all of them over the days), and a set as the simulation asks it.
        const one = names[(day + n) % names.length] as string;
        const asked = [one, 'availableActions', 'currentStep'];
        const { part, whole } = await both(f.id, asked);
        expect(Object.keys(part).sort()).toEqual([...new Set(asked)].filter((k) => k in whole).sort());
        for (const k of Object.keys(part)) {
          if (READ_LOG.has(k)) continue;
          expect(part[k], k).toEqual(whole[k]);
        }
        // Byte for byte as the whole answer writes them (a date stays the same string).
        expect(JSON.stringify(part.availableActions)).toBe(JSON.stringify(whole.availableActions));
        seen.compared++;
        if (whole.status === 'closed') {
          seen.closed++;
          continue;
        }
        open++;
        const step = whole.currentStep;
        if (!step?.awaiting || day % (n + 3) !== 0) continue;
        const token = rt.officers[step.assignee] ?? officer;
        const outcome = part.availableActions.find((a: any) => a.type === 'outcome');
        if (!outcome) continue;
        seen.withActions++;
        const choice = outcome.fields.outcome.options[0].value;
        const contents = Object.fromEntries(
          Object.entries(outcome.fields as Record<string, any>)
            .filter(([k, x]) => k.startsWith('contents.') && (x.requiredFor ?? []).includes(choice))
            .map(([k, x]) => [k.slice('contents.'.length), x.type === 'date' ? '2027-01-15' : 'Bevindingen.']),
        );
        const body = {
          type: 'outcome',
          stepId: step.id,
          outcome: choice,
          ...(Object.keys(contents).length ? { contents } : {}),
        };
        const minimal = n % 2 === 0;
        const r = await fetch(`${rt.url}/dossiers/${f.id}/actions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            ...(minimal ? { prefer: 'return=minimal' } : {}),
          },
          body: JSON.stringify(body),
        });
        const text = await r.text();
        if (minimal) {
          // Done as without the preference: 204, nothing in the body, the preference said applied.
          expect(r.status, text).toBe(204);
          expect(text).toBe('');
          expect(r.headers.get('preference-applied')).toBe('return=minimal');
          seen.minimal++;
          // The same action again is refused as it would be without the preference: the step moved on.
          const again = await rt.call('POST', `/dossiers/${f.id}/actions`, {
            body,
            token,
            headers: { prefer: 'return=minimal' },
          });
          expect([409, 422]).toContain(again.status);
          expect(again.json?.error?.message).toMatch(/\w/);
          const after = (await rt.call('GET', `/dossiers/${f.id}`, { token })).json;
          expect(after.version).toBeGreaterThan(whole.version);
          expect(after.history.length).toBeGreaterThan(whole.history.length);
        } else {
          expect(r.status, text).toBe(200);
          expect(r.headers.get('preference-applied')).toBeNull();
          expect(JSON.parse(text).id).toBe(f.id);
          expect(JSON.parse(text).availableActions).toBeDefined();
        }
      }
      if (!open) break;
    }
    expect(seen.withActions).toBeGreaterThan(3);
    expect(seen.minimal).toBeGreaterThan(1);
    expect(seen.closed).toBeGreaterThan(0);
  }, 120_000);

  it('the read is recorded as with the whole answer, and `reads` asked alone shows it', async () => {
    const r = await rt.call('POST', '/complaints', {
      body: { ...SANNE, complainant: { ...SANNE.complainant, email: 'lezer@example.nl' } },
    });
    const id = r.json.id;
    const first = (await rt.call('GET', `/dossiers/${id}?fields=reads,readsMore`, { token: officer })).json;
    expect(Object.keys(first).sort()).toEqual(['reads', 'readsMore']);
    expect(first.reads).toHaveLength(1);
    expect(first.readsMore).toBe(false);
    const whole = (await rt.call('GET', `/dossiers/${id}`, { token: officer })).json;
    expect(whole.reads).toHaveLength(2);
    expect(whole.reads[0]).toEqual(first.reads[0]);
  });

  it('refuses an unknown field, an empty list, and a preference it cannot read is ignored', async () => {
    const r = await rt.call('POST', '/complaints', {
      body: { ...SANNE, complainant: { ...SANNE.complainant, email: 'onbekend@example.nl' } },
    });
    const id = r.json.id;
    for (const q of ['fields=availableActions,bestaatniet', 'fields=', 'fields=,', 'fields=__proto__']) {
      const bad = await rt.call('GET', `/dossiers/${id}?${q}`, { token: officer });
      expect(bad.status, q).toBe(400);
      expect(bad.json.error.message).toMatch(/veld/i);
      expect(bad.json.error.issues[0].path).toBe('fields');
    }
    // Not signed in: 401 as without fields, and nothing of the dossier.
    expect((await rt.call('GET', `/dossiers/${id}?fields=availableActions`)).status).toBe(401);
    // An action refused with the preference keeps its message and field paths.
    const refused = await rt.call('POST', `/dossiers/${id}/actions`, {
      body: { type: 'outcome', stepId: 'bestaat-niet', outcome: 'x' },
      token: officer,
      headers: { prefer: 'return=minimal' },
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.json.error.message).toMatch(/\w/);
    // Another preference (or none understood) gives the whole dossier, as before.
    const step = (await rt.call('GET', `/dossiers/${id}?fields=currentStep`, { token: officer })).json.currentStep;
    const reg = await rt.call('POST', `/dossiers/${id}/registration`, {
      body: { answers: {} },
      token: officer,
      headers: { prefer: 'return=representation' },
    });
    expect(reg.status, reg.text).toBe(200);
    expect(reg.json.id).toBe(id);
    expect(step === null || typeof step.id === 'string').toBe(true);
    const minimal = await rt.call('POST', `/dossiers/${id}/registration`, {
      body: { answers: {} },
      token: officer,
      headers: { prefer: 'handling=lenient, return=minimal' },
    });
    expect(minimal.status, minimal.text).toBe(204);
    expect(minimal.text).toBe('');
  });

  it('documents both in the OpenAPI description', async () => {
    const doc = (await rt.call('GET', '/openapi.json')).json;
    const get = doc.paths['/dossiers/{id}'].get;
    expect(get.parameters.some((p: any) => p.name === 'fields' && p.in === 'query')).toBe(true);
    const act = doc.paths['/dossiers/{id}/actions'].post;
    expect(act.parameters.some((p: any) => p.name === 'prefer' && p.in === 'header')).toBe(true);
    expect(act.responses['204']).toBeDefined();
    // The header that says the preference was honoured is part of that answer's description.
    expect(act.responses['204'].headers?.['Preference-Applied']?.schema).toMatchObject({ type: 'string' });
  });
});
