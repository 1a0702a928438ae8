/**
 * Every letter to the complainant, and their own page, says whom to contact and how: the person or
 * role the regulation's own text names, with the address or number it gives (PEOPLE.md, Letters: "A
 * named contact person and how to reach them, not only a reference"). Before, every letter ended
 * "Vragen? Neem contact op met SO! Trainingsbureau:" with the organisation's general address, though
 * the regulation names its complaints officer, Mieke Pater, and her number.
 *
 * The judge reads whom to contact out of each preset's source document (the regulation as the
 * organisation published it, statemachines/presets/sources), walks one complaint up the ladder
 * through the API as officers and the complainant do, and reads every letter to the complainant
 * from the mailbox: the paragraph that closes it, before "Met vriendelijke groet", must name that
 * person or role and give their address or number from the text. Then the complainant's page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStep, resolveOutcome } from '../statemachines/ladder.js';
import { loadRegulation, PRESETS_DIR } from '../statemachines/load.js';
import { act, dossier } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

/** Whom the text says to contact (any of `who`, as words of the letter) and how (all of `reach`). */
type Expected = { who: string[]; reach: string[]; not?: string };

const SOURCES: Record<string, (text: string) => Expected> = {
  // "Contactgegevens: Klachtenfunctionaris Mieke Pater / Telefoonnummer: 06 10 13 81 50 / E-mail: …"
  'so-trainingsbureau': (t) => {
    const m = /Klachtenfunctionaris (\p{Lu}\p{L}+ \p{Lu}\p{L}+)\s+Telefoonnummer: ([\d ]*\d)\s+E-mail: (\S+)/u.exec(t);
    return { who: [m?.[1] ?? '?'], reach: [m?.[2] ?? '?', m?.[3] ?? '?'] };
  },
  // "Uiterlijk binnen een week bevestigt de klachtenfunctionaris de ontvangst"; "een e-mail te sturen naar klachtenfunctionaris@…"
  'ons-welzijn': (t) => ({
    who: [/bevestigt de (\p{L}+) de ontvangst/u.exec(t)?.[1] ?? '?'],
    reach: [/e-mail te sturen naar (\S+@\S*\w)/.exec(t)?.[1] ?? '?'],
  }),
  // "Binnen OCO Almere fungeren de coördinatoren als klachtenfunctionaris"; "Geef deze door via info@… of 036 …"
  'oco-almere': (t) => {
    const m = /Geef deze door via (\S+@\S*\w) of ([\d ]*\d)/.exec(t);
    return {
      who: [/fungeren de (\p{L}+?)en als klachtenfunctionaris/u.exec(t)?.[1] ?? '?'],
      reach: [m?.[1] ?? '?', m?.[2] ?? '?'],
    };
  },
  // "heeft daarvoor een klachtenbehandelaar aangesteld"; "opgevraagd worden via contact@…"
  ondersteuningsteam: (t) => ({
    who: [/een (\p{L}+) aangesteld/u.exec(t)?.[1] ?? '?'],
    reach: [/opgevraagd worden via (\S+@\S*\w)/.exec(t)?.[1] ?? '?'],
  }),
  // "1. Neem contact op met de medewerker …", "2. Neem contact op met de manager."; "sturen naar … klacht@…"
  'swt-dordrecht': (t) => ({
    who: [...t.matchAll(/Neem contact op met de (\p{L}+)/gu)].map((m) => m[1] ?? '?'),
    reach: [/sturen naar [^@\n]* (\S+@\S*\w)/.exec(t)?.[1] ?? '?'],
  }),
};

/** The paragraph that closes a letter, before its greeting. */
function closing(text: string): string {
  const paragraphs = text.split(/\n\s*\n/);
  const greeting = paragraphs.findIndex((p) => p.trimStart().startsWith('Met vriendelijke groet'));
  return paragraphs[greeting - 1] ?? '';
}

function judge(what: string, part: string, expected: Expected): string[] {
  const lower = part.toLowerCase();
  const bad: string[] = [];
  if (!expected.who.some((w) => lower.includes(w.toLowerCase())))
    bad.push(`${what}: names none of ${expected.who.join(', ')} in "${part}"`);
  for (const r of expected.reach) if (!part.includes(r)) bad.push(`${what}: lacks ${r} in "${part}"`);
  if (expected.not && lower.includes(expected.not.toLowerCase()))
    bad.push(`${what}: names ${expected.not} in "${part}"`);
  return bad;
}

// OCO Almere, a complaint about the coordinator: "Gaat een klacht over de coördinator zelf? Dan is
// de leidinggevende van de coördinator verantwoordelijk voor de afhandeling." Not the coordinator.
const ABOUT_COORDINATOR = (t: string): Expected => {
  const m = /Gaat een klacht over de (\p{L}+) zelf\? Dan is de (\p{L}+ van de \p{L}+) verantwoordelijk/u.exec(t);
  return { who: [m?.[2] ?? '?'], reach: SOURCES['oco-almere']?.(t).reach ?? ['?'], not: `onze ${m?.[1] ?? '?'}` };
};

const CASES: [string, string, (text: string) => Expected, Record<string, unknown>][] = [
  ...Object.entries(SOURCES).map(
    ([preset, read]) =>
      [preset, preset, read, {}] as [string, string, (text: string) => Expected, Record<string, unknown>],
  ),
  ['oco-almere', 'oco-almere, about the coordinator', ABOUT_COORDINATOR, { aboutRole: 'coordinator' }],
];

for (const [preset, name, read, extra] of CASES) {
  describe(`${name}: whom to contact, as the regulation names them`, () => {
    const reg = loadRegulation(preset);
    const expected = read(readFileSync(join(PRESETS_DIR, reg.document?.file ?? ''), 'utf8'));
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
    });
    afterAll(async () => rt?.stop());

    it('the text names them', () => {
      expect([...expected.who, ...expected.reach, expected.not]).not.toContain('?');
      expect(expected.not ?? '').not.toContain('?');
    });

    it('every letter to the complainant up the ladder, and their page, names them and how to reach them', async () => {
      const rungs = reg.ladder.rungs.map((r) => r.id);
      const variant = [...reg.intake.variants].sort((a, b) => rungs.indexOf(a.startsAt) - rungs.indexOf(b.startsAt))[0];
      const r = await rt.call('POST', '/complaints', {
        body: {
          ...SANNE,
          variant: variant?.id,
          respondent: { name: 'Piet Jansen', email: 'piet@example.nl' },
          ...extra,
        },
      });
      expect(r.status, r.text).toBe(201);
      await rt.advance('PT0S');
      const id = r.json.id as string;
      const token = r.json.accessToken as string;

      const bad: string[] = [];
      const page = async () => {
        const html = (await rt.call('GET', `/klacht/${id}/${token}`)).text;
        const main = (/<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '')
          .replace(/<[^>]+>/g, ' ')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&')
          .replace(/\s+/g, ' ');
        const at = main.search(/Vragen over (uw|je) klacht\?/);
        bad.push(...judge('page', at < 0 ? '' : main.slice(at, at + 400), expected));
      };
      await page();

      const visited = new Set<string>();
      let asked = false;
      let d = await dossier(rt, id);
      for (let guard = 0; guard < 40 && d.status !== 'closed'; guard++) {
        const stepId = d.currentStep?.id as string;
        const at = findStep(reg, stepId);
        expect(at, stepId).toBeDefined();
        if (!at) break;
        visited.add(stepId);
        if (at.step.actor === 'complainant' && !asked) {
          asked = true;
          const e = await rt.call('POST', `/complaints/${id}/escalate`, { token, body: {} });
          expect(e.status, e.text).toBe(200);
          await rt.advance('PT0S');
          d = await dossier(rt, id);
          await page();
          continue;
        }
        const choosable = at.step.outcomes.filter((o) => !o.automatic);
        const onward = choosable.find((o) => {
          const to = resolveOutcome(reg, at, o.id);
          return to.kind !== 'close' && !visited.has(to.to.step.id);
        });
        const outcome = onward ?? choosable[0];
        d = await act(rt, id, stepId, outcome?.id ?? '', 'Zo is het gegaan.');
      }
      expect(d.status).toBe('closed');

      const letters = (await rt.mail()).filter((m) => m.to.includes(SANNE.complainant.email));
      expect(letters.length).toBeGreaterThan(1);
      for (const l of letters) bad.push(...judge(l.subject, closing(l.text), expected));
      expect(bad, bad.join('\n')).toEqual([]);
    });
  });
}
