import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { formatDutchDate } from '../lambdas/domain/calendar/deadline.js';
import { describeTerm, parseTerm } from '../lambdas/domain/calendar/term.js';
import { RESULT_NL } from '../lambdas/domain/timeline.js';
import { lintRegulation } from '../statemachines/lint.js';
import { loadRegulation, PRESET_IDS, parseRegulation } from '../statemachines/load.js';
import type { Regulation, Step } from '../statemachines/model.js';
import { stepsInSpan, stepsOf } from '../statemachines/vocabulary.js';
import { contentsFor, type Submitted, submit, tokenFor } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// Everything a complainant reads, in every example regulation (examples/) and every preset: the
// form, their page at each step, and every letter the local SES mailbox holds for them, as one
// complaint goes up the ladder as far as it can (at each step the outcome that goes on; at each
// choice the first way on). Held to what the last session's review found short:
// - every line of a list of what comes and by when has one form (no question beside statements);
// - the acknowledgement tells the term for the whole handling (Awb 9:11, Wkkgz art. 17) with its
//   last day and how far it may be put off (PEOPLE.md: "a decision within 6 weeks, extendable
//   once by at most 4 weeks"), where the regulation has one;
// - one form of address: never "je" and "u" side by side;
// - no "hij" or "zij" for an officer or the organisation.

const REGULATIONS = [
  ...readdirSync('examples')
    .filter((f) => f.endsWith('.yaml') && f !== 'klachtflow.config.yaml')
    .map((f) => `examples/${f}`),
  ...PRESET_IDS,
];

/**
 * The regulations that say "je" to the people they are for (Ondersteuningsteam: "Dat kan je dan
 * melden bij jouw contactpersoon"; SO! Trainingsbureau: "Ben je als cliënt niet tevreden"):
 * every text a complainant reads says "je", none "u" (their `address`).
 */
const SAY_JE = new Set(['ondersteuningsteam', 'so-trainingsbureau']);
const THEIR_WORDS = 'Mijn begeleider zei: "U moet maar wachten." Kunt u daar iets aan doen?';

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

/** What a person reads of a page's main part: text only, one line per block. */
function readText(html: string): string {
  const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html;
  return main
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<\/(p|li|h\d|summary|div|legend|label|dt|dd)>/g, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s+/g, '\n');
}

type Outcome = Step['outcomes'][number];

interface Read {
  where: string;
  text: string;
  /** A page read at the complainant's choice: the outcomes taken in the rung that just ended. */
  choiceAfter?: Outcome[];
}

/** The complainant's reading through one complaint, and the officers' view of it at the end. */
async function readThrough(regulation: string): Promise<{ reg: Regulation; reads: Read[]; s: Submitted; d: any }> {
  const reg = loadRegulation(regulation);
  const rt = await testRuntime(regulation, '2026-09-03T09:00:00+02:00');
  runtimes.push(rt);
  const reads: Read[] = [{ where: 'het klachtformulier', text: readText(await (await fetch(`${rt.url}/`)).text()) }];
  // In a "je" regulation the complainant's own words, with a "u" in them, stay as they wrote them.
  const s = await submit(rt, SAY_JE.has(reg.id) ? { description: THEIR_WORDS } : {});
  const officerView = async () => {
    for (const token of Object.values(rt.officers)) {
      const r = await rt.call('GET', `/dossiers/${s.id}`, { token });
      if (r.status === 200) return r.json;
    }
    throw new Error('no officer may read the dossier');
  };
  let d: any;
  let inRung: Outcome[] = [];
  for (let i = 0; i < 25; i++) {
    const page = await fetch(s.body.statusUrl);
    const read: Read = { where: `de pagina (${i})`, text: readText(await page.text()) };
    reads.push(read);
    d = await officerView();
    if (d.status === 'closed' || !d.currentStep) break;
    const at = d.currentStep.id as string;
    if (at.startsWith('choice-')) {
      read.choiceAfter = inRung;
      inRung = [];
      const r = await rt.call('POST', `/complaints/${s.id}/escalate`, { token: s.token, body: {} });
      expect(r.status, r.text).toBe(200);
    } else {
      const step = stepsOf(reg).find((x) => x.step.id === at)?.step as Step;
      const outcome = step.outcomes.find((o) => o.next !== 'close') ?? step.outcomes[0];
      if (outcome) inRung.push(outcome);
      const token = tokenFor(rt, d);
      const contents = await contentsFor(rt, s.id, token, outcome?.id ?? '');
      const r = await rt.call('POST', `/dossiers/${s.id}/actions`, {
        token,
        body: {
          type: 'outcome',
          stepId: at,
          outcome: outcome?.id,
          ...(Object.keys(contents).length ? { contents } : {}),
        },
      });
      expect(r.status, r.text).toBe(200);
    }
    await rt.advance('PT0S');
  }
  for (const m of await rt.mail())
    if (m.to.includes(SANNE.complainant.email) && m.subject.includes(`[${s.reference}]`))
      reads.push({ where: `de brief "${m.subject}"`, text: m.text });
  return { reg, reads, s, d };
}

/** The lines of each list under a heading that says what comes and by when. */
function dueLists(text: string): string[][] {
  const heads =
    /^(Wat gebeurt er nu, en wanneer:|Zo gaat het verder:|Dit zijn de nieuwe data:|Wat komt er, en wanneer)$/;
  const lines = text.split('\n');
  const lists: string[][] = [];
  lines.forEach((line, i) => {
    if (!heads.test(line.trim())) return;
    const list: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = (lines[j] ?? '').trim();
      // Letters mark list lines with "- "; on a page each list item is its own line, until a blank.
      if (l === '' || (text.includes('\n- ') && !l.startsWith('- '))) break;
      list.push(l.replace(/^- /, ''));
    }
    lists.push(list);
  });
  return lists;
}

/** The form of a line: when (a date, or that there is none) and what stands between quotes, taken out. */
function formOf(line: string): string {
  return line
    .replace(/"[^"]*"/g, 'NAAM')
    .replace(/\b(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d{1,2} \p{L}+ \d{4}/gu, 'DATUM')
    .replace(/^(Uiterlijk DATUM|Geen vaste datum)\b/, 'WANNEER');
}

/** The sentences of a text that hold a word. */
function sentencesWith(text: string, word: RegExp): string[] {
  return text
    .split(/(?<=[.?!])\s+|\n/)
    .filter((x) => word.test(x))
    .map((x) => x.trim());
}

/**
 * The terms for the whole handling the acknowledgement must tell (Awb 9:11, Wkkgz art. 17): the
 * regulation's `ladder.terms` that run over its acknowledgement step, else (as de Linde writes
 * its six weeks) an answer step's own term counted from receipt.
 */
function wholeTerms(reg: Regulation): { id: string; isTerm: boolean; max?: string }[] {
  const ack = stepsOf(reg).find((x) => x.step.kind === 'acknowledge')?.step.id;
  if (!ack) return [];
  if (reg.ladder.terms.length > 0)
    return reg.ladder.terms
      .filter((t) => stepsInSpan(reg, t).includes(ack))
      .map((t) => ({
        id: t.id,
        isTerm: true,
        ...(t.extension?.max ? { max: describeTerm(parseTerm(t.extension.max)) } : {}),
      }));
  return stepsOf(reg)
    .filter(
      ({ step }) =>
        ['findings', 'judgement', 'decision', 'ruling'].includes(step.kind) && step.deadline?.from === 'receipt',
    )
    .map(({ step }) => ({
      id: step.id,
      isTerm: false,
      ...(step.allows.extension?.max ? { max: describeTerm(parseTerm(step.allows.extension.max)) } : {}),
    }));
}

describe('what a complainant reads, in every example regulation', () => {
  it.each(REGULATIONS)('%s', async (regulation) => {
    const { reg, reads, d } = await readThrough(regulation);
    expect(reads.length).toBeGreaterThan(3);

    // Every list of what comes and by when: each line in the same form, and none a question
    // beside statements ("Kunnen wij uw klacht behandelen? Uiterlijk …" / "Wij zoeken uit …: uiterlijk …").
    for (const { where, text } of reads)
      for (const list of dueLists(text)) {
        const forms = [...new Set(list.map(formOf))];
        expect.soft(forms.length, `${where}: ${list.join(' | ')}`).toBeLessThanOrEqual(1);
        expect
          .soft(
            forms.filter((f) => f.includes('?')),
            `${where}: ${list.join(' | ')}`,
          )
          .toEqual([]);
      }

    // The term for the whole handling, in the acknowledgement: its last day as the dossier holds
    // it, and how far it may be put off. The acknowledgement of the rung the term runs over: a walk
    // that starts informally (Ondersteuningsteam, SWT) is acknowledged first as it starts (Awb 9:6),
    // before that rung, and again by the rung's own step ("Wij behandelen uw klacht verder"), the last one.
    const ack = reads.findLast((r) =>
      /Wij hebben (uw|je) klacht ontvangen|Wij behandelen (uw|je) klacht verder/.test(r.where),
    )?.text;
    for (const term of wholeTerms(reg)) {
      expect(ack, `${regulation}: no acknowledgement`).toBeDefined();
      const deadline = d.deadlines.find((x: any) => (term.isTerm ? x.term === term.id : x.step === term.id));
      expect(deadline, `${regulation}: the dossier never held ${term.id}`).toBeDefined();
      expect.soft(ack, `${regulation}: ${term.id}`).toContain(formatDutchDate(deadline.lastDay));
      if (term.max) expect.soft(ack, `${regulation}: ${term.id} put off`).toContain(`ten hoogste ${term.max}`);
    }

    // The regulation's form of address in every text: "je" where it says "je" (the complainant's
    // own words, quoted, as they wrote them).
    if (SAY_JE.has(reg.id))
      for (const { where, text } of reads) {
        const own = text.split(THEIR_WORDS).join('');
        expect.soft(sentencesWith(own, /\b(u|uw|U|Uw)\b/), `${regulation}, ${where}: "u"`).toEqual([]);
        if (text.includes('Mijn begeleider')) expect.soft(text, `${regulation}, ${where}`).toContain(THEIR_WORDS);
      }
    if (SAY_JE.has(reg.id)) expect(reads.filter((r) => r.text.includes(THEIR_WORDS)).length).toBeGreaterThan(1);

    // The link to their page is in every mail that names it, never a placeholder, in either form
    // of address ("Je pagina: [uw persoonlijke link]" once went out so: the link is put in for
    // those exact words as the mail is sent).
    for (const { where, text } of reads)
      expect.soft(text, `${regulation}, ${where}`).not.toMatch(/\[(uw|je) persoonlijke link\]|pagina: deze pagina/i);

    // One form of address: never "je" and "u" in one text (beside the complainant's own words).
    for (const { where, text: read } of reads) {
      const text = read.split(THEIR_WORDS).join('');
      const u = sentencesWith(text, /\b(u|uw|U|Uw)\b/);
      const je = sentencesWith(text, /\b(je|jij|jou|jouw|Je|Jij|Jou|Jouw|jullie)\b/);
      if (u.length) expect.soft(je, `${regulation}, ${where}: "je" beside "u"`).toEqual([]);
    }

    // At the complainant's choice, the page says how the rung ended: a judgement (SO!: "een oordeel
    // te geven over je klacht", the director's judgement) is no "no solution found", and says what
    // was judged; a rung that ended without a solution says so.
    const JUDGED = new Set(['well-founded', 'partly-well-founded', 'unfounded']);
    for (const { where, text: page, choiceAfter } of reads.filter((r) => r.choiceAfter)) {
      // "Waar staat uw klacht nu?" and what it says, not the history below it.
      const text = /Waar staat (?:uw|je) klacht nu\?\n(.*)/.exec(page)?.[1] ?? '';
      const judged = choiceAfter?.find((o) => o.result && JUDGED.has(o.result));
      if (judged?.result) {
        expect.soft(text, `${regulation}, ${where}`).not.toContain('geen oplossing gevonden');
        expect.soft(text, `${regulation}, ${where}`).toContain(`beoordeeld: ${RESULT_NL[judged.result]}`);
      } else if (choiceAfter?.at(-1)?.result === 'not-resolved')
        expect.soft(text, `${regulation}, ${where}`).toContain('geen oplossing gevonden');
    }

    // No "hij" or "zij" for a role: the officer, the manager, the organisation.
    for (const { where, text } of reads)
      expect.soft(sentencesWith(text, /\b(hij|zij|Hij|Zij)\b/), `${regulation}, ${where}`).toEqual([]);
  });
});

describe('lint: one form of address', () => {
  const jeWarnings = (reg: Regulation) =>
    lintRegulation(reg).filter((f) => f.article === 'klachtflow' && f.message.includes('"u" tegen de klager'));

  it('no example regulation or preset says "je" where the complainant reads it', () => {
    for (const r of REGULATIONS) expect(jeWarnings(loadRegulation(r)), r).toEqual([]);
  });

  it('a rung title, a referral\'s "when" and a letter\'s item in "je" are each named with their path', () => {
    const d = parseYaml(readFileSync('statemachines/presets/ondersteuningsteam.yaml', 'utf8'));
    d.ladder.rungs[0].title = 'Bespreken met je contactpersoon';
    d.referrals[1].when = 'Je bent het niet eens met de afhandeling.';
    d.ladder.rungs[1].steps[1].outcomes[1].letter.mustContain[1] =
      'waar je terecht kunt als je het er niet mee eens bent';
    delete d.document;
    // Said to the complainant with "u" (the default): these stand beside our "u".
    d.address = 'u';
    const found = jeWarnings(parseRegulation(d));
    expect(found.map((f) => f.path)).toEqual([
      'referrals[1].when',
      'ladder.rungs[0].title',
      'ladder.rungs[1].steps[1].outcomes[1].letter.mustContain[1]',
    ]);
    expect(found[0]?.message).toContain('"Je"');
    // The way out, if the regulation itself says "je": its form of address.
    expect(found[0]?.message).toContain('address: je');
    // A regulation that says "je" (address: je) hears every text with "je": its own "je" is right.
    d.address = 'je';
    expect(jeWarnings(parseRegulation(d))).toEqual([]);
  });
});
