/**
 * What a regulation says a letter must contain is in the letter as text (issue 16): every
 * `mustContain` item of every preset, in the mail the complainant receives, read from the local
 * mailbox after walking a complaint up the ladder through the API to the outcome that sends it.
 * Before, the letter printed the items as a checklist ("In deze brief vindt u, zoals onze regeling
 * vraagt: - de bevindingen ...") and held none of them.
 *
 * The judge: an item the officer writes (the form asks for it under the regulation's words) must
 * be in the mail as typed; an item the regulation's data supplies must be in the mail with the
 * details from the regulation's document (statemachines/presets/sources, the seeds): the address,
 * the e-mail address, the director's name, the disputes body's website.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type LadderStep, ladderSteps, resolveOutcome, rungEntry } from '../statemachines/ladder.js';
import { lintRegulation } from '../statemachines/lint.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import { type Regulation, RegulationSchema } from '../statemachines/model.js';
import { documentOf } from '../statemachines/provenance.js';
import { dossier, submit, tokenFor, walk } from './support/ladder.js';
import { formToken, officerCookie, SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

/**
 * For the items the regulation's data supplies: what the mail must say. `seed`: words of the
 * regulation's document itself (checked to be there); `say`: what the letter says in its own words
 * (a date counted from the seed's term, the complaint's own text).
 */
const EXPECTED: Record<string, Record<string, { seed?: string[]; say?: string[] }>> = {
  'ons-welzijn': {
    'dat de klacht ontvankelijk is': { say: ['Wij nemen uw klacht in behandeling.'] },
    // "Uiterlijk binnen drie weken na ontvangst van de klacht moet het vooronderzoek zijn afgerond":
    // received Thursday 3 September 2026.
    'hoe de verdere behandeling gaat verlopen': {
      say: ['Zo gaat het verder:', 'uiterlijk donderdag 24 september 2026'],
    },
    'wat de klant kan doen als de klant niet tevreden is (manager, bestuurder, externe klachtencommissie)': {
      seed: ['manager', 'bestuurder', 'externe klachtencommissie'],
    },
    'dat de klant een brief of e-mail kan sturen naar de bestuurder': {
      seed: ['bestuurder', 'bestuurssecretariaat@ons-welzijn.nl'],
    },
    'het adres van het bestuurssecretariaat': { seed: ['bestuurssecretariaat', 'Postbus 322, 5340 AH Oss'] },
    'het adres van de externe klachtencommissie': { seed: ["Postbus 17, 5201 AA 's-Hertogenbosch"] },
  },
  'oco-almere': {
    'de ontvangstdatum van de klacht': { say: ['donderdag 3 september 2026'] },
    'waar de klacht over gaat': { say: [SANNE.description] },
    'welke stappen de klager verder kan zetten': { seed: ['klachtencommissie'] },
  },
  'swt-dordrecht': {
    'dat u contact kunt opnemen met de manager van de medewerker': { seed: ['manager', 'klacht@swtdordrecht.nl'] },
    'dat u een schriftelijke klacht kunt indienen bij een externe klachtencommissie': {
      seed: ['schriftelijk', 'externe klachtencommissie'],
    },
    'dat u naar de ombudsman kunt (Awb 9:12)': { say: ['ombudsman'] },
    'dat de klacht schriftelijk moet zijn': { seed: ['schriftelijk'] },
  },
  'so-trainingsbureau': {
    'dat u de directeur schriftelijk om een oordeel kunt vragen': { seed: ['directeur', 'schriftelijk', 'oordeel'] },
    'de contactgegevens van de directeur, Sabina Bos': {
      seed: ['Sabina Bos', 'info@sotrainingsbureau.nl', '0615600122'],
    },
    'dat u de klacht schriftelijk kunt voorleggen aan de Geschillencommissie Zorg': {
      seed: ['Geschillencommissie Zorg', 'www.degeschillencommissiezorg.nl'],
    },
  },
  ondersteuningsteam: {
    'dat u uw klacht kunt indienen bij de klachtenbehandelaar van het Ondersteuningsteam': {
      seed: ['klachtenbehandelaar', 'contact@hetondersteuningsteam.nl'],
    },
    'waar het klachtenformulier staat (https://hetondersteuningsteam.nl) en dat u het kunt opvragen via contact@hetondersteuningsteam.nl':
      { seed: ['https://hetondersteuningsteam.nl', 'contact@hetondersteuningsteam.nl'] },
    'de ontvangstdatum van de klacht': { say: ['donderdag 3 september 2026'] },
    'waar de klacht over gaat': { say: [SANNE.description] },
    'waar u terecht kunt als u het er niet mee eens bent': { say: ['ombudsman'] },
    'dat u uw klacht kunt voorleggen aan de Nationale ombudsman of de gemeentelijke ombudsman': { say: ['ombudsman'] },
  },
};

const CHECKLIST = /zoals onze regeling vraagt|In deze brief vindt u/;

type Item = string | { text: string };
const textOf = (i: Item) => (typeof i === 'string' ? i : i.text);

/** A letter with `mustContain` to the complainant, and how a complaint gets to it. */
interface Target {
  what: string;
  variant: string;
  /** The outcomes to take, in order; the last one sends the letter (none: arriving sends it). */
  moves: { step: string; outcome: string }[];
  stepId: string;
  /** The letter's id in the dossier, without the activation: `<step>:<kind>` or `<step>:<outcome>:<kind>`. */
  letter: { outcome?: string; kind: string };
  items: Item[];
}

/** Every letter to the complainant with items, each with the shortest walk to it (breadth first). */
function targets(reg: Regulation): Target[] {
  const steps = ladderSteps(reg);
  const byId = new Map(steps.map((s) => [s.step.id, s]));
  const paths = new Map<string, { variant: string; moves: Target['moves'] }>();
  const queue: { at: LadderStep; variant: string; moves: Target['moves'] }[] = [];
  for (const v of reg.intake.variants) {
    const rung = reg.ladder.rungs.find((r) => r.id === v.startsAt);
    const entry = rung && rungEntry(reg, rung);
    if (entry?.kind === 'step') queue.push({ at: entry.to, variant: v.id, moves: [] });
  }
  for (let guard = 0; queue.length > 0 && guard < 1000; guard++) {
    const { at, variant, moves } = queue.shift() as (typeof queue)[number];
    if (paths.has(at.step.id)) continue;
    paths.set(at.step.id, { variant, moves });
    const outcomes =
      at.step.actor === 'system' ? at.step.outcomes.slice(0, 1) : at.step.outcomes.filter((o) => !o.automatic);
    for (const o of outcomes) {
      const to = resolveOutcome(reg, at, o.id);
      if (to.kind === 'close') continue;
      const next = byId.get(to.to.step.id) ?? to.to;
      queue.push({
        at: next,
        variant,
        moves: at.step.actor === 'system' ? moves : [...moves, { step: at.step.id, outcome: o.id }],
      });
    }
  }
  const out: Target[] = [];
  for (const { step } of steps) {
    const path = paths.get(step.id);
    if (!path) continue;
    const letter = step.letter;
    const byPerson = step.actor !== 'system';
    if (letter?.mustContain.length && letter.to.includes('complainant')) {
      const first = step.outcomes.find((o) => !o.automatic);
      const arrive = letter.when === 'start' || !byPerson;
      out.push({
        what: `${step.id}: ${letter.kind}`,
        variant: path.variant,
        moves: arrive || !first ? path.moves : [...path.moves, { step: step.id, outcome: first.id }],
        stepId: step.id,
        letter: { kind: letter.kind },
        items: letter.mustContain,
      });
    }
    for (const o of step.outcomes) {
      if (!o.letter?.mustContain.length || !o.letter.to.includes('complainant') || o.automatic || !byPerson) continue;
      out.push({
        what: `${step.id} → ${o.id}: ${o.letter.kind}`,
        variant: path.variant,
        moves: [...path.moves, { step: step.id, outcome: o.id }],
        stepId: step.id,
        letter: { outcome: o.id, kind: o.letter.kind },
        items: o.letter.mustContain,
      });
    }
  }
  return out;
}

/** Takes an outcome as the officer's form would, filling every field for a letter with its own marker. */
async function take(rt: TestRuntime, id: string, move: { step: string; outcome: string }, n: number) {
  const d = await dossier(rt, id);
  expect(d.currentStep?.id, `dossier at ${d.currentStep?.id}, expected ${move.step}`).toBe(move.step);
  // The actions as whoever must act sees them (the form they would fill in).
  const own = await rt.call('GET', `/dossiers/${id}`, { token: tokenFor(rt, d) });
  const action = own.json.availableActions.find((a: any) => a.type === 'outcome');
  const fields = Object.entries(action?.fields ?? {}).filter(([k]) => k.startsWith('contents.')) as [string, any][];
  const typed: Record<string, { label: string; value: string }> = {};
  for (const [k, f] of fields) {
    if (!f.requiredFor.includes(move.outcome)) continue;
    const key = k.slice('contents.'.length);
    typed[key] = {
      label: f.label,
      value: f.type === 'date' ? '2026-12-01' : `Tekst ${n} voor ${key} van de behandelaar`,
    };
  }
  const r = await rt.call('POST', `/dossiers/${id}/actions`, {
    token: tokenFor(rt, d),
    body: {
      type: 'outcome',
      stepId: move.step,
      outcome: move.outcome,
      contents: Object.fromEntries(Object.entries(typed).map(([k, v]) => [k, v.value])),
    },
  });
  expect(r.status, r.text).toBe(200);
  await rt.advance('PT0S');
  return typed;
}

for (const preset of PRESET_IDS) {
  describe(`${preset}: what the regulation says a letter must contain is in the mail`, () => {
    const reg = loadRegulation(preset);
    const document = documentOf(reg) ?? '';
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
    });
    afterAll(async () => rt?.stop());

    const all = targets(reg);
    it('finds a walk to every letter with items', () => {
      const withItems = ladderSteps(reg).flatMap(({ step }) =>
        [step.letter, ...step.outcomes.map((o) => o.letter)].filter(
          (l) => l?.mustContain.length && l.to.includes('complainant'),
        ),
      );
      expect(all.length).toBe(withItems.length);
    });

    for (const [n, t] of all.entries()) {
      it(t.what, async () => {
        const r = await rt.call('POST', '/complaints', {
          body: { ...SANNE, variant: t.variant, respondent: { name: 'Piet Jansen', email: 'piet@example.nl' } },
        });
        expect(r.status, r.text).toBe(201);
        await rt.advance('PT0S');
        const id = r.json.id as string;
        let typed: Record<string, { label: string; value: string }> = {};
        for (const move of t.moves) typed = await take(rt, id, move, n);
        const d = await dossier(rt, id);
        const suffix = `${t.letter.outcome ? `:${t.letter.outcome}` : ''}:${t.letter.kind}:complainant`;
        const queued = d.letters.filter(
          (l: any) => l.letterId.startsWith(`${t.stepId}#`) && l.letterId.endsWith(suffix),
        );
        expect(queued.length, `${t.what}: ${d.letters.map((l: any) => l.letterId).join(', ')}`).toBe(1);
        const mail = (await rt.mail()).filter(
          (m) => m.to.includes(SANNE.complainant.email) && m.subject === queued[0].subject,
        );
        expect(mail.length, t.what).toBeGreaterThan(0);
        const text = mail.map((m) => m.text).join('\n');
        expect(text).not.toMatch(CHECKLIST);
        for (const item of t.items) {
          const words = textOf(item);
          // The officer's own field for it: asked under the regulation's words, in the mail as typed.
          const field = Object.values(typed).find((f) => f.label.toLowerCase().includes(words.toLowerCase()));
          if (field) {
            expect(text, `"${words}"`).toContain(field.value);
            continue;
          }
          const expected = EXPECTED[preset]?.[words];
          expect(
            expected,
            `no expectation for "${words}" (neither a field of the form nor a known item)`,
          ).toBeDefined();
          for (const s of expected?.seed ?? []) {
            expect(document.toLowerCase(), `"${s}" is in the regulation's document`).toContain(s.toLowerCase());
            expect(text.toLowerCase(), `"${words}": ${s}`).toContain(s.toLowerCase());
          }
          for (const s of expected?.say ?? [])
            expect(text.toLowerCase(), `"${words}": ${s}`).toContain(s.toLowerCase());
        }
      });
    }
  });
}

describe('the officer’s form refuses a decision without what its letter must contain', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => rt?.stop());

  it('422 with the field path in Dutch through the API; the page asks for it and the letter holds it', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'not-resolved'],
    ]);
    const officer = rt.officers.officer ?? '';
    const post = (contents?: Record<string, string>) =>
      rt.call('POST', `/dossiers/${s.id}/actions`, {
        token: officer,
        body: { type: 'outcome', stepId: 'findings', outcome: 'sent', ...(contents ? { contents } : {}) },
      });
    let r = await post();
    expect(r.status).toBe(422);
    expect(r.json.error.message).toMatch(/^De brief moet dit bevatten; vul het in: Bevindingen/);
    expect(r.json.error.issues[0].path).toBe('contents.findings');
    r = await post({ findings: 'De afspraken zijn twee keer niet nagekomen.' });
    expect(r.status).toBe(422);
    expect(r.json.error.issues[0].path).toBe('contents.solutions');
    r = await post({ findings: 'x', solutions: 'y', elders: 'z' });
    expect(r.status).toBe(422);
    expect(r.json.error.issues[0].path).toBe('contents.elders');
    // Nothing was decided, nothing was sent.
    let d = await dossier(rt, s.id);
    expect(d.currentStep.id).toBe('findings');
    expect(d.letters.some((l: any) => l.kind === 'findings')).toBe(false);

    // The officers' page: the fields under the regulation's words, then the letter with the text.
    const cookie = await officerCookie(rt, 'officer');
    const page = await (await fetch(`${rt.url}/medewerkers/dossiers/${s.id}`, { headers: { cookie } })).text();
    expect(page).toContain('Bevindingen: de bevindingen van de klachtenfunctionaris');
    expect(page).toContain('name="contents.solutions"');
    const form = new URLSearchParams({
      _csrf: await formToken(rt, cookie),
      type: 'outcome',
      stepId: 'findings',
      outcome: 'sent',
      'contents.findings': 'De begeleider kwam twee keer niet.',
      'contents.solutions': 'Een vaste dag voor de afspraken.',
    });
    const sent = await fetch(`${rt.url}/medewerkers/dossiers/${s.id}/acties`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect([200, 303]).toContain(sent.status);
    await rt.advance('PT0S');
    d = await dossier(rt, s.id);
    const letter = d.letters.find((l: any) => l.kind === 'findings' && l.audience === 'complainant');
    const mail = (await rt.mail()).find((m) => m.subject === letter?.subject);
    expect(mail?.text).toContain('De bevindingen van de klachtenfunctionaris:\nDe begeleider kwam twee keer niet.');
    expect(mail?.text).toContain('Een vaste dag voor de afspraken.');
  });
});

describe('lint: an item klachtflow cannot write into the letter', () => {
  const base = () => parse(readFileSync('statemachines/presets/ons-welzijn.yaml', 'utf8'));
  const lintOf = (raw: any) =>
    lintRegulation(RegulationSchema.parse(raw), undefined).filter(
      (f) => f.level === 'error' && f.path.includes('mustContain'),
    );

  it('is an error naming the item and how to map it', () => {
    const raw = base();
    raw.ladder.rungs[0].steps[4].letter.mustContain.push('de kleur van de envelop');
    const errors = lintOf(raw);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('ladder.rungs[0].steps[4].letter.mustContain[3]');
    expect(errors[0]?.message).toContain('"de kleur van de envelop"');
    expect(errors[0]?.message).toContain('{ text: "…", is: <soort> }');
    // Mapped, it is written in: no error.
    raw.ladder.rungs[0].steps[4].letter.mustContain[3] = { text: 'de kleur van de envelop', is: 'written' };
    expect(lintOf(raw)).toEqual([]);
  });

  it('is an error when nobody can fill in a field: a letter sent as the step begins', () => {
    const raw = base();
    const step = raw.ladder.rungs[0].steps[2]; // the preliminary investigation's notice, sent at the start
    step.letter.when = 'start';
    step.letter.mustContain = ['de bevindingen'];
    const errors = lintOf(raw);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/"de bevindingen" vult de behandelaar in/);
  });

  it('is an error when the regulation lacks the data: a referral that does not exist', () => {
    const raw = base();
    raw.ladder.rungs[0].steps[4].letter.mustContain.push({ text: 'de ombudsman', is: 'referral', referral: 'nergens' });
    const parsed = RegulationSchema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toContain(
      'ladder.rungs.0.steps.4.letter.mustContain.3.referral: Verwijzing "nergens" bestaat niet in "referrals".',
    );
  });
});
