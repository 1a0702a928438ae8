/**
 * The dossier's history says what happened once, in plain Dutch, for every preset regulation.
 * Before, a line repeated the step's name in the outcome after it: the complainant read
 * `De stap "Ontvangstbevestiging": ontvangstbevestiging verstuurd.`, the officer
 * `Bevindingen en oplossingen aan de klant: Bevindingen en oplossingen verstuurd.` and
 * `Keuze van de klager: verder met de klacht of afsluiten: Verder naar: Behandeling door de manager.`
 *
 * The judge walks one complaint up each preset's ladder through the API, as officers and the
 * complainant do (the regulation's own steps and outcomes, derived from the preset; the complainant
 * asks for the next rung on their own route), and reads every line people read: the officer's
 * history, the complainant's copy of the dossier (inspection, Awb 9:9) and "Wat er al gebeurde" on
 * the complainant's page. No line may say a phrase twice (two words or more, or one long word,
 * case-insensitive), nor have an empty part (": .", '""', "()", "undefined").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepEndedLine } from '../lambdas/domain/timeline.js';
import { findStep, ladderSteps, resolveOutcome } from '../statemachines/ladder.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import { act, dossier, tokenFor } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

/** The words of a line, lower case, without quotes or punctuation. */
function words(line: string): string[] {
  return line.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Small words that may come back in any sentence ("de klager … de klacht"). */
const SMALL = new Set([
  'de',
  'het',
  'een',
  'en',
  'of',
  'van',
  'aan',
  'met',
  'naar',
  'door',
  'in',
  'op',
  'is',
  'u',
  'uw',
]);

/** A phrase said twice: two or more words (not all small ones), or one word of nine letters or more. */
function repeatedPhrase(line: string): string | undefined {
  const w = words(line);
  for (let n = Math.min(8, Math.floor(w.length / 2)); n >= 1; n--) {
    const seen = new Map<string, number>();
    for (let i = 0; i + n <= w.length; i++) {
      const phrase = w.slice(i, i + n);
      if (phrase.every((x) => SMALL.has(x))) continue;
      if (n === 1 && (phrase[0]?.length ?? 0) < 9) continue;
      if (n >= 2 && phrase.join('').length < 8) continue;
      const key = phrase.join(' ');
      const first = seen.get(key);
      if (first !== undefined && first + n <= i) return key;
      if (first === undefined) seen.set(key, i);
    }
  }
  return undefined;
}

/**
 * An empty part: nothing after a colon, empty quotes or brackets, a value that was not there; or
 * labels stacked on labels (three colons in one sentence: "Keuze van de klager: verder met de
 * klacht of afsluiten: Verder naar: Behandeling door de manager.").
 */
function emptyPart(line: string): string | undefined {
  const stacked = line.split(/[.?!](?:\s|$)/).find((s) => (s.match(/:/g) ?? []).length >= 3);
  if (stacked) return stacked;
  return /:\s*[.,:;)]|:\s*$|""|\(\s*\)|\bundefined\b|\bnull\b|\bNaN\b|\s[.,:;]|\.\.(?!\.)|[?!]\.|^\s*[.:]/.exec(
    line,
  )?.[0];
}

/** What is wrong with a line, if anything. */
function judged(line: string): string[] {
  const twice = repeatedPhrase(line);
  const empty = emptyPart(line);
  return [...(twice ? [`"${twice}" twice in: ${line}`] : []), ...(empty ? [`empty "${empty}" in: ${line}`] : [])];
}

/** The complainant's page: the lines of "Wat er al gebeurde", as text. */
function happened(html: string): string[] {
  const list = /Wat er al gebeurde<\/h2>\s*<ul[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

describe('the judge', () => {
  it('finds the repetitions people met, and lets plain lines pass', () => {
    expect(repeatedPhrase('De stap "Ontvangstbevestiging": ontvangstbevestiging verstuurd.')).toBe(
      'ontvangstbevestiging',
    );
    expect(
      repeatedPhrase('Bevindingen en oplossingen aan de klant: Bevindingen en oplossingen verstuurd.'),
    ).toBeDefined();
    expect(repeatedPhrase('Brief aan de klager: Wij hebben uw klacht ontvangen.')).toBeUndefined();
    expect(repeatedPhrase('Stap begonnen: Is de klacht ontvankelijk? Aan zet: Klachtenfunctionaris.')).toBeUndefined();
    expect(emptyPart('Termijn vervallen: .')).toBeDefined();
    expect(emptyPart('De stap "": verstuurd.')).toBeDefined();
    expect(emptyPart('Klacht ontvangen via het klachtformulier.')).toBeUndefined();
    expect(
      emptyPart('Keuze van de klager: verder met de klacht of afsluiten: Verder naar: Behandeling door de manager.'),
    ).toBeDefined();
    expect(emptyPart('Stap begonnen: Vooronderzoek. Aan zet: Klachtenfunctionaris.')).toBeUndefined();
    // Punctuation stacked after a letter's subject that asks a question.
    expect(emptyPart('Brief aan de klager: Herinnering: wilt u verder met uw klacht?.')).toBe('?.');
  });
});

for (const preset of PRESET_IDS) {
  describe(`${preset}: every history line says what happened once`, () => {
    const reg = loadRegulation(preset);
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
    });
    afterAll(async () => rt?.stop());

    it('every step’s every outcome, and every rung asked for, as officers and the complainant read it', () => {
      const lines = [
        ...ladderSteps(reg).flatMap(({ step }) =>
          step.outcomes.flatMap((o) => [
            stepEndedLine(reg, step.id, o.id),
            stepEndedLine(reg, step.id, o.id, 'complainant'),
          ]),
        ),
        ...reg.ladder.rungs.flatMap((r) => [
          stepEndedLine(reg, 'choice', `escalated:${r.id}`),
          stepEndedLine(reg, 'choice', `escalated:${r.id}`, 'complainant'),
        ]),
      ];
      expect(lines.flatMap(judged), lines.join('\n')).toEqual([]);
    });

    it('up the ladder: the officer’s history, the complainant’s copy and page', async () => {
      // The variant that starts lowest, so the walk climbs the most rungs.
      const rungs = reg.ladder.rungs.map((r) => r.id);
      const variant = [...reg.intake.variants].sort((a, b) => rungs.indexOf(a.startsAt) - rungs.indexOf(b.startsAt))[0];
      const r = await rt.call('POST', '/complaints', {
        body: { ...SANNE, variant: variant?.id, respondent: { name: 'Piet Jansen', email: 'piet@example.nl' } },
      });
      expect(r.status, r.text).toBe(201);
      await rt.advance('PT0S');
      const id = r.json.id as string;
      const token = r.json.accessToken as string;

      const visited = new Set<string>();
      let asked = false;
      let extended = false;
      let d = await dossier(rt, id);
      for (let guard = 0; guard < 40 && d.status !== 'closed'; guard++) {
        const stepId = d.currentStep?.id as string;
        const at = findStep(reg, stepId);
        expect(at, stepId).toBeDefined();
        if (!at) break;
        visited.add(stepId);
        if (at.step.actor === 'complainant' && !asked) {
          // The complainant asks for the next rung on their own route (the `escalated:` outcome).
          asked = true;
          const e = await rt.call('POST', `/complaints/${id}/escalate`, { token, body: {} });
          expect(e.status, e.text).toBe(200);
          await rt.advance('PT0S');
          d = await dossier(rt, id);
          continue;
        }
        if (at.step.actor !== 'complainant' && !extended) {
          // An extension of a term, where the regulation allows one here (Awb 9:11 lid 2).
          const own = await rt.call('GET', `/dossiers/${id}`, { token: tokenFor(rt, d) });
          const ext = (own.json.availableActions ?? []).find((a: any) => a.type === 'extend');
          if (ext) {
            extended = true;
            const x = await rt.call('POST', `/dossiers/${id}/actions`, {
              token: tokenFor(rt, d),
              body: {
                type: 'extend',
                stepId,
                ...(ext.termId ? { termId: ext.termId } : {}),
                term: 'een week',
                reason: 'Wij wachten op een verslag.',
              },
            });
            expect(x.status, x.text).toBe(200);
            await rt.advance('PT0S');
          }
        }
        // Onward where it can: an outcome to a step not walked yet, else any (it may close).
        const choosable = at.step.outcomes.filter((o) => !o.automatic);
        const onward = choosable.find((o) => {
          const to = resolveOutcome(reg, at, o.id);
          return to.kind !== 'close' && !visited.has(to.to.step.id);
        });
        const outcome = onward ?? choosable[0];
        expect(outcome, stepId).toBeDefined();
        d = await act(rt, id, stepId, outcome?.id ?? '', 'Zo is het gegaan.');
      }
      expect(d.status).toBe('closed');

      const history = [...d.history, ...(await rt.call('GET', `/complaints/${id}/export`, { token })).json.history];
      // Shown after who did it ("de klager: …"): the text does not name them again.
      const again = history.filter((h: any) => h.text.toLowerCase().startsWith(h.who.toLowerCase()));
      expect(again.map((h: any) => `${h.who}: ${h.text}`)).toEqual([]);
      const officer = history.map((h: any) => h.text as string);
      const page = happened((await rt.call('GET', `/klacht/${id}/${token}`)).text);
      expect(page.length).toBeGreaterThan(2);
      const bad = [...officer, ...page].flatMap(judged);
      expect(bad, [...officer, '--', ...page].join('\n')).toEqual([]);
    });
  });
}
