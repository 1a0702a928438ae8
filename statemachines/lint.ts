/**
 * Statutory lint: checks a regulation against the law of its framework (Awb chapter 9, Wkkgz,
 * Jeugdwet) and against its own document. Errors make `klachtflow regulation lint` exit 1;
 * warnings and notes are printed for the people who own the regulation.
 */
import { Temporal } from 'temporal-polyfill';
import { computeDeadline } from '../lambdas/domain/calendar/deadline.js';
import { describeTerm, parseTerm } from '../lambdas/domain/calendar/term.js';
import { CONTENT_DATA, CONTENT_FIELDS, contentOf, itemText } from './letter-content.js';
import { type ProcedureTerm, type Regulation, type Rung, type Step, stepsInSpan, type TermInput } from './model.js';
import { assumptionsOf, documentOf, unfoundCitations } from './provenance.js';

export interface Finding {
  level: 'error' | 'warning' | 'note';
  /** The article or rule, e.g. "Awb 9:11" or "klachtflow". */
  article: string;
  path: string;
  message: string;
}

/** Steps whose outcome is the organisation's answer on the complaint. */
const ANSWER_KINDS: readonly Step['kind'][] = ['findings', 'judgement', 'decision', 'ruling'];

/** Reference anchors spread over a year: a term is "at most" another when it is on every one. */
const REFERENCE_ANCHORS = Array.from({ length: 12 }, (_, m) =>
  Temporal.PlainDate.from({ year: 2026, month: m + 1, day: 1 }),
);

/** True when `term` never ends later than `max` counted from the same day (Atw aside). */
export function termAtMost(term: TermInput, max: TermInput): boolean {
  return REFERENCE_ANCHORS.every((anchor) => {
    const at = anchor.toString();
    const a = computeDeadline({ anchor: { event: 'referentie', at }, term, atw: false }).lastDay;
    const b = computeDeadline({ anchor: { event: 'referentie', at }, term: max, atw: false }).lastDay;
    return a <= b;
  });
}

interface Located {
  rung: Rung;
  step: Step;
  path: string;
}

function locatedSteps(reg: Regulation): Located[] {
  return reg.ladder.rungs.flatMap((rung, i) =>
    rung.steps.map((step, j) => ({ rung, step, path: `ladder.rungs[${i}].steps[${j}]` })),
  );
}

function letters(step: Step) {
  return [step.letter, ...step.outcomes.map((o) => o.letter)].filter((l) => l !== undefined);
}

/** Lints a regulation; `documentText` defaults to the document the regulation names. */
export function lintRegulation(reg: Regulation, documentText: string | undefined = documentOf(reg)): Finding[] {
  const findings: Finding[] = [];
  const add = (level: Finding['level'], article: string, path: string, message: string) =>
    findings.push({ level, article, path, message });
  const steps = locatedSteps(reg);
  const frameworks = new Set(reg.organisation.legalFramework);
  const allLetters = steps.flatMap((s) => letters(s.step));
  const answerSteps = steps.filter((s) => ANSWER_KINDS.includes(s.step.kind));
  const extensionRules = [
    ...steps.flatMap((s) =>
      s.step.allows.extension ? [{ rule: s.step.allows.extension, path: `${s.path}.allows.extension` }] : [],
    ),
    ...reg.ladder.terms.flatMap((t, i) =>
      t.extension ? [{ rule: t.extension, path: `ladder.terms[${i}].extension` }] : [],
    ),
  ];
  const hasAdvisoryCommittee = reg.committees.some((c) => c.decides === 'advice');

  // --- Algemene wet bestuursrecht, chapter 9 -------------------------------------------------
  if (frameworks.has('awb')) {
    if (!allLetters.some((l) => l.kind === 'acknowledgement')) {
      add(
        'error',
        'Awb 9:6',
        'ladder',
        'Een schriftelijke klacht wordt schriftelijk bevestigd: geen stap stuurt een ontvangstbevestiging.',
      );
    }
    const notHandledSteps = steps.filter((s) => s.step.outcomes.some((o) => o.result === 'not-handled'));
    if (reg.notHandled.grounds.length > 0 || notHandledSteps.length > 0) {
      const terms = [
        ...(reg.notHandled.notice ? [{ term: reg.notHandled.notice.term, path: 'notHandled.notice' }] : []),
        ...notHandledSteps.flatMap((s) =>
          s.step.deadline ? [{ term: s.step.deadline.term, path: `${s.path}.deadline` }] : [],
        ),
      ];
      if (terms.length === 0) {
        add(
          'error',
          'Awb 9:8',
          'notHandled.notice',
          'Het niet behandelen van een klacht moet binnen vier weken schriftelijk worden gemeld; de regeling noemt geen termijn.',
        );
      }
      for (const t of terms) {
        if (!termAtMost(t.term, 'vier weken')) {
          add(
            'error',
            'Awb 9:8',
            t.path,
            `De melding dat een klacht niet wordt behandeld moet binnen vier weken na ontvangst; de regeling noemt ${describeTerm(parseTerm(t.term))}.`,
          );
        }
      }
      for (const s of notHandledSteps) {
        s.step.outcomes.forEach((o, k) => {
          if (o.result === 'not-handled' && !o.letter) {
            add(
              'error',
              'Awb 9:8',
              `${s.path}.outcomes[${k}].letter`,
              'Het niet behandelen wordt schriftelijk gemeld: deze uitkomst stuurt geen brief.',
            );
          }
        });
      }
    }
    const max = hasAdvisoryCommittee ? 'tien weken' : 'zes weken';
    const kept = handlingTerm(reg, steps, 'Awb 9:11', max, add);
    if (!kept) {
      add(
        'error',
        'Awb 9:11',
        'ladder',
        `De klacht wordt binnen ${max} na ontvangst afgehandeld${hasAdvisoryCommittee ? ' (met een adviescommissie, art. 9:14)' : ''}; geen termijn voor de behandeling (ladder.terms) en geen stap met bevindingen of oordeel heeft die termijn.`,
      );
    }
    for (const e of extensionRules) {
      if (!e.rule.max || !termAtMost(e.rule.max, 'vier weken')) {
        add(
          'error',
          'Awb 9:11',
          `${e.path}.max`,
          `Verdagen kan met ten hoogste vier weken (art. 9:11 lid 2); de regeling staat ${e.rule.max ? describeTerm(parseTerm(e.rule.max)) : 'een verdaging zonder grens'} toe.`,
        );
      }
      if (!e.rule.announceBeforeExpiry) {
        add(
          'error',
          'Awb 9:11',
          `${e.path}.announceBeforeExpiry`,
          'Van de verdaging wordt vóór het verstrijken van de termijn schriftelijk mededeling gedaan (art. 9:11 lid 2).',
        );
      }
    }
    if (!allLetters.some((l) => ['findings', 'judgement', 'ruling', 'decision'].includes(l.kind))) {
      add(
        'error',
        'Awb 9:12',
        'ladder',
        "De bevindingen, het oordeel en de conclusies worden schriftelijk meegedeeld: geen stap stuurt zo'n brief.",
      );
    }
    if (!reg.referrals.some((r) => r.kind === 'ombudsman')) {
      add(
        'warning',
        'Awb 9:12',
        'referrals',
        'Noem de ombudsman bij wie de klager daarna terecht kan (art. 9:12 lid 2); de regeling heeft geen verwijzing van soort "ombudsman".',
      );
    }
  }

  // --- Wet kwaliteit, klachten en geschillen zorg ---------------------------------------------
  if (frameworks.has('wkkgz')) {
    if (!handlingTerm(reg, steps, 'Wkkgz art. 17', 'zes weken', add)) {
      add(
        'error',
        'Wkkgz art. 17',
        'ladder',
        'De zorgaanbieder deelt binnen zes weken na indiening schriftelijk een oordeel mee; geen termijn voor de behandeling (ladder.terms) en geen stap heeft die termijn.',
      );
    }
    for (const e of extensionRules) {
      if (!e.rule.max || !termAtMost(e.rule.max, 'vier weken')) {
        add(
          'error',
          'Wkkgz art. 17',
          `${e.path}.max`,
          `Verlengen kan met ten hoogste vier weken; de regeling staat ${e.rule.max ? describeTerm(parseTerm(e.rule.max)) : 'een verlenging zonder grens'} toe.`,
        );
      }
      if (!e.rule.announceBeforeExpiry) {
        add(
          'error',
          'Wkkgz art. 17',
          `${e.path}.announceBeforeExpiry`,
          'De verlenging wordt vóór het verstrijken van de termijn schriftelijk gemeld.',
        );
      }
    }
    lintWkkgzMeasures(reg, steps, add);
    if (!reg.roles.some((r) => r.kind === 'complaints-officer')) {
      add(
        'error',
        'Wkkgz art. 15',
        'roles',
        'De zorgaanbieder zorgt voor een klachtenfunctionaris; de regeling heeft geen rol van soort "complaints-officer".',
      );
    }
    if (!reg.referrals.some((r) => r.kind === 'disputes-body')) {
      add(
        'error',
        'Wkkgz art. 18',
        'referrals',
        'De zorgaanbieder is aangesloten bij een geschilleninstantie; de regeling noemt er geen.',
      );
    }
  }

  // --- Jeugdwet --------------------------------------------------------------------------------
  if (frameworks.has('jeugdwet')) {
    if (reg.committees.length === 0) {
      add(
        'warning',
        'Jeugdwet 4.2.1',
        'committees',
        'De Jeugdwet vraagt een klachtencommissie van ten minste drie leden met een onafhankelijke voorzitter; de regeling heeft geen eigen commissie.',
      );
    }
    reg.committees.forEach((c, i) => {
      const path = `committees[${i}]`;
      if (c.members.length < 3 && (c.minimumMembers ?? 0) < 3) {
        add(
          'error',
          'Jeugdwet 4.2.1',
          `${path}.members`,
          `Een klachtencommissie heeft ten minste drie leden; "${c.name}" heeft er ${c.members.length}.`,
        );
      }
      if (!c.members.some((m) => m.seat === 'chair' && m.independent)) {
        add(
          'error',
          'Jeugdwet 4.2.1',
          `${path}.members`,
          `De voorzitter van "${c.name}" is niet werkzaam voor of bij de aanbieder: markeer een onafhankelijke voorzitter.`,
        );
      }
      if (!c.respondentExcluded) {
        add(
          'error',
          'Jeugdwet 4.2.1',
          `${path}.respondentExcluded`,
          'Degene over wie geklaagd wordt neemt geen deel aan de behandeling.',
        );
      }
    });
    const termed = answerSteps.filter(
      (s) =>
        (s.step.deadline && s.step.deadline.kind !== 'target') ||
        reg.ladder.terms.some((t) => t.kind !== 'target' && stepsInSpan(reg, t).includes(s.step.id)),
    );
    if (termed.length === 0) {
      add(
        'error',
        'Jeugdwet 4.2.1',
        'ladder',
        'De regeling stelt een termijn voor het oordeel; geen stap met oordeel of beslissing heeft er een.',
      );
    }
    const measures = steps.filter(
      (s) =>
        s.step.kind === 'decision' &&
        s.step.deadline?.from === 'step-end' &&
        termAtMost(s.step.deadline.term, 'een maand'),
    );
    if (measures.length === 0) {
      add(
        'warning',
        'Jeugdwet 4.2.1',
        'ladder',
        'De aanbieder meldt binnen een maand na het oordeel of hij maatregelen neemt; de regeling heeft daar geen stap voor.',
      );
    }
  }

  // --- The document and klachtflow's own rules ----------------------------------------------
  if (documentText !== undefined) {
    for (const c of unfoundCitations(reg, documentText)) {
      add(
        'error',
        'bron',
        c.path,
        `Dit citaat staat niet in het document: "${c.quote.slice(0, 80)}${c.quote.length > 80 ? '…' : ''}"`,
      );
    }
  }
  const watched = new Set(reg.ladder.terms.flatMap((t) => stepsInSpan(reg, t)));
  for (const s of steps) {
    // A step inside a term for the whole handling is watched by that term.
    if (s.step.actor !== 'system' && !s.step.deadline && !watched.has(s.step.id)) {
      add(
        'warning',
        'klachtflow',
        `${s.path}.deadline`,
        `Stap "${s.step.title}" wacht op ${s.step.actor} zonder termijn: klachtflow kan herinneren, maar geen overschrijding vaststellen.`,
      );
    }
  }
  lintCitations(reg, steps, extensionRules, add);
  lintContents(reg, steps, add);
  lintAddress(reg, steps, add);
  reg.referrals.forEach((r, i) => {
    // Doorsturen needs somewhere to send it; a cover letter belongs to forwarding only.
    if (r.handling === 'forward' && r.cover && !r.contact.email)
      add(
        'error',
        'klachtflow',
        `referrals[${i}].contact.email`,
        `De klacht wordt doorgestuurd naar "${r.name}" met een begeleidende brief, maar er is geen e-mailadres om hem heen te sturen.`,
      );
    if (r.handling === 'refer' && r.cover)
      add(
        'warning',
        'klachtflow',
        `referrals[${i}].cover`,
        `"${r.name}" is een verwijzing: de klager dient de klacht zelf in, dus gaat er geen begeleidende brief heen. Bedoelt u "handling: forward"?`,
      );
  });
  const reachable = new Set(reg.intake.variants.map((v) => v.startsAt));
  for (const rung of reg.ladder.rungs) {
    for (const e of rung.escalation) reachable.add(e.to);
    for (const step of rung.steps)
      for (const o of step.outcomes) if (o.next.startsWith('rung:')) reachable.add(o.next.slice(5));
  }
  reg.ladder.rungs.forEach((rung, i) => {
    if (!reachable.has(rung.id)) {
      add(
        'warning',
        'klachtflow',
        `ladder.rungs[${i}]`,
        `Trede "${rung.title}" is niet te bereiken: geen intake, escalatie of uitkomst leidt erheen.`,
      );
    }
  });
  for (const a of assumptionsOf(reg)) {
    add('note', 'aanname', a.path, a.text);
  }
  return findings;
}

/**
 * Which paragraph (lid) of an article holds the term and which its extension. A regulation's
 * `statute` lands in every deadline's explanation and the dossier, so a wrong paragraph sends an
 * officer or an inspector to the wrong rule.
 * - Awb 9:11: lid 1 the six (ten) weeks "na ontvangst van het klaagschrift", lid 2 "kan de
 *   behandeling voor ten hoogste vier weken verdagen".
 * - Wkkgz art. 17: lid 1 the written communication "uiterlijk binnen zes weken na de indiening van
 *   de klacht", lid 2 the extension "met ten hoogste vier weken", announced before the six weeks end.
 */
const CITED_PARAGRAPHS: readonly { article: string; pattern: RegExp; term: string; extension: string }[] = [
  {
    article: 'Awb 9:11',
    pattern: /\bAwb\s+(?:art(?:ikel|\.)?\s*)?9:11\b(?:\s+lid\s+(\d+))?/i,
    term: '1',
    extension: '2',
  },
  {
    article: 'Wkkgz art. 17',
    pattern: /\bWkkgz\s+art(?:ikel|\.)?\s*17\b(?:\s+lid\s+(\d+))?/i,
    term: '1',
    extension: '2',
  },
];

function lintCitations(
  reg: Regulation,
  steps: Located[],
  extensionRules: { rule: { statute?: string | undefined }; path: string }[],
  add: (level: Finding['level'], article: string, path: string, message: string) => void,
) {
  const check = (statute: string | undefined, path: string, what: 'term' | 'extension') => {
    if (!statute) return;
    for (const c of CITED_PARAGRAPHS) {
      const lid = c.pattern.exec(statute)?.[1];
      if (lid === undefined || lid === c[what]) continue;
      add(
        'warning',
        `${c.article} lid ${c[what]}`,
        `${path}.statute`,
        what === 'extension'
          ? `Verlengen staat in ${c.article} lid ${c[what]}, niet in lid ${lid}. Pas "${statute}" aan.`
          : `De termijn staat in ${c.article} lid ${c[what]}, niet in lid ${lid}. Pas "${statute}" aan.`,
      );
    }
  };
  for (const s of steps) if (s.step.deadline) check(s.step.deadline.statute, `${s.path}.deadline`, 'term');
  reg.ladder.terms.forEach((t, i) => {
    check(t.statute, `ladder.terms[${i}]`, 'term');
  });
  for (const e of extensionRules) check(e.rule.statute, e.path, 'extension');
}

/** How to write an item klachtflow does not recognise, for the lint's message (here, not
 * in letter-content.ts: the task functions carry that module, and their size is capped). */
const HOW_TO_MAP = `schrijf het als { text: "…", is: <soort> }: een veld dat de behandelaar invult (${CONTENT_FIELDS.join(', ')}) of gegevens uit de regeling (${CONTENT_DATA.filter((d) => !['referral', 'rung', 'committee'].includes(d)).join(', ')}; referral met "referral: <id>", rung met "rung: <id>", committee met "committee: <id>")`;

/** How a data item is written into a letter, for the lint's notes. */
const DATA_NL: Record<(typeof CONTENT_DATA)[number], string> = {
  'received-date': 'de datum van ontvangst',
  subject: 'het begin van de klacht zelf',
  outcome: 'de gekozen uitkomst',
  'handling-term': 'de laatste dag van de termijn voor de behandeling',
  'further-handling': 'de stappen die nog komen, met hun laatste dag',
  'way-on': 'de volgende treden en de instanties buiten de organisatie',
  referral: 'de verwijzing',
  rung: 'de trede',
  committee: 'de commissie',
};

/**
 * Wkkgz art. 17 lid 1: the complainant gets a written communication "waarin met redenen omkleed is
 * aangegeven tot welk oordeel het onderzoek van de klacht heeft geleid, welke beslissingen de
 * zorgaanbieder neemt naar aanleiding van de klacht en binnen welke termijn maatregelen waartoe de
 * beslissingen strekken, zullen zijn gerealiseerd". So a decision letter (`kind: decision`) to the
 * complainant asks the officer for the measures and the date they are in place (letter-content.ts
 * maps "welke maatregelen" and "binnen welke termijn ... gerealiseerd"); otherwise the letter can
 * go out without them. An outcome that finds the complaint unfounded takes no measures: its own
 * letter is not held to them (a step's letter at the end goes with every outcome, so it is).
 */
function lintWkkgzMeasures(
  reg: Regulation,
  steps: Located[],
  add: (level: Finding['level'], article: string, path: string, message: string) => void,
) {
  const fieldsOf = (items: readonly Parameters<typeof contentOf>[1][]) =>
    new Set(
      items.flatMap((item) => {
        const c = contentOf(reg, item);
        return c?.source === 'field' ? [c.field] : [];
      }),
    );
  let decisions = 0;
  for (const s of steps) {
    const held = [
      ...(s.step.letter && s.step.letter.when === 'end' ? [{ letter: s.step.letter, path: `${s.path}.letter` }] : []),
      ...s.step.outcomes.flatMap((o, k) =>
        o.letter && o.result !== 'unfounded' ? [{ letter: o.letter, path: `${s.path}.outcomes[${k}].letter` }] : [],
      ),
    ].filter(({ letter }) => letter.kind === 'decision' && letter.to.includes('complainant'));
    for (const { letter, path } of held) {
      decisions++;
      const has = fieldsOf(letter.mustContain);
      const lacking = [
        ...(has.has('measures') ? [] : ['"welke maatregelen wij nemen"']),
        ...(has.has('measures-date') ? [] : ['"binnen welke termijn de maatregelen gerealiseerd zijn"']),
      ];
      if (lacking.length)
        add(
          'error',
          'Wkkgz art. 17 lid 1',
          `${path}.mustContain`,
          `De schriftelijke beslissing noemt welke maatregelen de zorgaanbieder neemt en binnen welke termijn die gerealiseerd zijn. Zet in mustContain: ${lacking.join(' en ')}. De behandelaar vult ze in bij de beslissing.`,
        );
    }
  }
  if (decisions === 0)
    add(
      'warning',
      'Wkkgz art. 17 lid 1',
      'ladder',
      'Geen brief van soort "decision" aan de klager: de schriftelijke beslissing moet het oordeel, de maatregelen en de termijn waarin die gerealiseerd zijn noemen. Welke brief is dat hier?',
    );
}

/**
 * What letters must contain (`mustContain`, Awb 9:12, Wkkgz art. 17 lid 1): each item maps to the
 * regulation's data or to a field the officer fills in (letter-content.ts), so the letter writes
 * it. An item that maps to nothing, a field nobody can fill in, or data the regulation lacks is an
 * error: the letter would promise what it does not say.
 */
function lintContents(
  reg: Regulation,
  steps: Located[],
  add: (level: Finding['level'], article: string, path: string, message: string) => void,
) {
  for (const s of steps) {
    const letters = [
      ...(s.step.letter
        ? [
            {
              letter: s.step.letter,
              path: `${s.path}.letter`,
              // Nobody decides before a letter sent when the step begins, or by klachtflow itself.
              byPerson: s.step.actor !== 'system' && s.step.letter.when === 'end',
            },
          ]
        : []),
      ...s.step.outcomes.flatMap((o, k) =>
        o.letter
          ? [
              {
                letter: o.letter,
                path: `${s.path}.outcomes[${k}].letter`,
                byPerson: s.step.actor !== 'system' && !o.automatic,
              },
            ]
          : [],
      ),
    ];
    for (const { letter, path, byPerson } of letters) {
      letter.mustContain.forEach((item, k) => {
        const at = `${path}.mustContain[${k}]`;
        const text = itemText(item);
        const c = contentOf(reg, item);
        if (!c) {
          add('error', 'klachtflow', at, `klachtflow weet niet wat "${text}" in de brief moet zetten; ${HOW_TO_MAP}.`);
          return;
        }
        if (c.source === 'field') {
          if (!byPerson)
            add(
              'error',
              'klachtflow',
              at,
              `"${text}" vult de behandelaar in, maar deze brief gaat uit zonder dat iemand een uitkomst kiest (bij het begin van de stap, door klachtflow, of als de termijn verstrijkt). Noem het in een brief bij een uitkomst, of koppel het aan gegevens uit de regeling.`,
            );
          else add('note', 'klachtflow', at, `"${text}": de behandelaar vult "${c.label}" in; dat komt in de brief.`);
          return;
        }
        const missing =
          (c.is === 'handling-term' && reg.ladder.terms.length === 0) ||
          (c.is === 'way-on' &&
            !reg.ladder.rungs.find((r) => r.id === s.rung.id)?.escalation.length &&
            !reg.referrals.some((r) => ['disputes-body', 'external-committee', 'ombudsman'].includes(r.kind))) ||
          (c.is === 'referral' && !reg.referrals.some((r) => r.id === c.ref)) ||
          (c.is === 'rung' && !reg.ladder.rungs.some((r) => r.id === c.ref)) ||
          (c.is === 'committee' && !reg.committees.some((r) => r.id === c.ref));
        if (missing) {
          add(
            'error',
            'klachtflow',
            at,
            `"${text}" komt uit ${DATA_NL[c.is]}, maar de regeling noemt die niet${c.ref ? ` ("${c.ref}")` : ''}. Vul de regeling aan, of laat de behandelaar het invullen ({ text: "${text}", is: written }).`,
          );
          return;
        }
        add(
          'note',
          'klachtflow',
          at,
          `"${text}": klachtflow schrijft ${DATA_NL[c.is]}${c.ref ? ` "${c.ref}"` : ''} in de brief.`,
        );
      });
    }
  }
}

/**
 * Awb 9:11 and Wkkgz art. 17 set a term for the handling as a whole, from receipt to the written
 * answer. Kept by a term in `ladder.terms` (at most `max`, counted from receipt or from reaching the
 * rung, over a span that holds an answer step), or, as older regulations write it, by the answer
 * step's own term counted from receipt. Either way the steps between receipt and the answer that
 * no such term covers are named: the term runs while the dossier is there, but nobody is reminded
 * or alarmed and nobody can put it off. True when the statute's term is kept.
 */
function handlingTerm(
  reg: Regulation,
  steps: Located[],
  article: string,
  max: string,
  add: (level: Finding['level'], article: string, path: string, message: string) => void,
): boolean {
  const isAnswer = (id: string) => steps.some((s) => s.step.id === id && ANSWER_KINDS.includes(s.step.kind));
  const terms: { term: ProcedureTerm; index: number; span: string[] }[] = reg.ladder.terms
    .map((term, index) => ({ term, index, span: stepsInSpan(reg, term) }))
    .filter((t) => t.term.kind !== 'target' && termAtMost(t.term.term, max) && t.span.some(isAnswer));
  const legacy = steps.filter(
    (s) =>
      ANSWER_KINDS.includes(s.step.kind) &&
      s.step.deadline?.from === 'receipt' &&
      termAtMost(s.step.deadline.term, max),
  );
  const covered = new Set(terms.flatMap((t) => t.span));
  const waits = (s: Located) => s.step.actor !== 'system';
  const order = steps.map((s) => s.step.id);
  const startRungs = new Set(reg.intake.variants.map((v) => v.startsAt));
  // Where "receipt" is, seen from a step: the first step of the nearest rung at or before it that
  // a complaint can come in at (a complaint handled at an earlier rung was received there).
  const receiptBefore = (index: number) => {
    for (let i = index; i >= 0; i--) {
      const s = steps[i];
      if (s && startRungs.has(s.rung.id) && s.rung.steps[0]?.id === s.step.id) return i;
    }
    return index;
  };
  const words = describeTerm(parseTerm(max));
  // The steps a term should cover: from where it counts (receipt: the first rung a complaint can
  // come in at; the rung's start: that rung) up to the answer it ends with.
  const outside = (from: number, answer: string) =>
    steps.slice(Math.max(0, from), order.indexOf(answer)).filter((s) => waits(s) && !covered.has(s.step.id));
  for (const t of terms) {
    const answer = t.span.filter(isAnswer).at(-1) ?? '';
    const first = order.indexOf(t.span[0] ?? '');
    const from = t.term.from === 'receipt' ? receiptBefore(first) : first;
    const left = outside(from, answer);
    if (left.length > 0) {
      add(
        'warning',
        article,
        `ladder.terms[${t.index}].span`,
        `De termijn van ${words} loopt vanaf ${t.term.from === 'receipt' ? 'de ontvangst' : 'het begin van de trede'} tot het oordeel, maar deze stappen vallen erbuiten: ${left.map((s) => `"${s.step.title}"`).join(', ')}. Daar wordt niemand herinnerd of gewaarschuwd en kan niemand verdagen.`,
      );
    }
  }
  if (terms.length === 0) {
    for (const s of legacy) {
      const left = outside(receiptBefore(order.indexOf(s.step.id)), s.step.id);
      if (left.length === 0) continue;
      add(
        'warning',
        article,
        `${s.path}.deadline`,
        `De ${words} gelden voor de hele behandeling, niet voor één stap: tijdens ${left.map((x) => `"${x.step.title}"`).join(', ')} loopt de termijn al, maar wordt niemand herinnerd of gewaarschuwd en kan niemand verdagen. Zet de termijn in "ladder.terms" met een "span" over die stappen.`,
      );
    }
  }
  return terms.length > 0 || legacy.length > 0;
}

/** "je" and its forms, as a regulation may say them to its clients. */
const JE = /\b(je|jij|jou|jouw|jullie)\b/i;

/**
 * klachtflow's letters and pages say "u" to the complainant; a regulation's words put into them
 * (a step's title on their page, a referral's "when", help, the items a letter must contain) that
 * say "je" make one letter say both (Ondersteuningsteam and SO! wrote "je", as their documents do).
 * The `source` quotes stay as the document has them; they are not shown to the complainant.
 */
function lintAddress(
  reg: Regulation,
  steps: Located[],
  add: (level: Finding['level'], article: string, path: string, message: string) => void,
) {
  const said: { path: string; text: string | undefined }[] = [
    ...reg.intake.variants.flatMap((v, i) => [
      { path: `intake.variants[${i}].title`, text: v.title },
      { path: `intake.variants[${i}].description`, text: v.description },
    ]),
    ...reg.eligibility.support.map((x, i) => ({ path: `eligibility.support[${i}].text`, text: x.text })),
    ...reg.referrals.map((r, i) => ({ path: `referrals[${i}].when`, text: r.when })),
    ...reg.ladder.rungs.flatMap((r, i) => [
      { path: `ladder.rungs[${i}].title`, text: r.title },
      { path: `ladder.rungs[${i}].entry.note`, text: r.entry.note },
    ]),
    ...steps.flatMap((s) => [
      { path: `${s.path}.title`, text: s.step.title },
      ...(s.step.letter?.mustContain ?? []).map((m, j) => ({
        path: `${s.path}.letter.mustContain[${j}]`,
        text: typeof m === 'string' ? m : m.text,
      })),
      ...s.step.outcomes.flatMap((o, k) => [
        { path: `${s.path}.outcomes[${k}].title`, text: o.title },
        ...(o.letter?.mustContain ?? []).map((m, j) => ({
          path: `${s.path}.outcomes[${k}].letter.mustContain[${j}]`,
          text: typeof m === 'string' ? m : m.text,
        })),
      ]),
    ]),
    ...(reg.ladder.suspension?.grounds ?? []).flatMap((g, i) => [
      { path: `ladder.suspension.grounds[${i}].toComplainant`, text: g.toComplainant },
      { path: `ladder.suspension.grounds[${i}].resumesWhen`, text: g.resumesWhen },
    ]),
    ...reg.reporting.dimensions.map((d, i) => ({ path: `reporting.dimensions[${i}].question`, text: d.question })),
  ];
  // A regulation that says "je" to its people (address: je) has every text said with "je"
  // (lambdas/domain/address.ts): its own "je" is right there, and its "u" becomes "je".
  if (reg.address === 'je') return;
  for (const { path, text } of said) {
    const word = text ? JE.exec(text)?.[0] : undefined;
    if (word)
      add(
        'warning',
        'klachtflow',
        path,
        `De brieven en pagina's zeggen "u" tegen de klager, hier staat "${word}": "${text}". Schrijf het met "u", anders staan "je" en "u" door elkaar. Zegt de regeling zelf "je" tegen de mensen voor wie ze is? Zet dan address: je: dan zegt alles "je".`,
      );
  }
}

/** True when the findings hold no error. */
export function lintPasses(findings: readonly Finding[]): boolean {
  return !findings.some((f) => f.level === 'error');
}

/**
 * A regulation whose lint finds errors does not run real complaints (a Wkkgz regulation without a
 * klachtenfunctionaris): the command line, the local runtime and the CDK app refuse it with these
 * same words, unless told explicitly to go on (`override` says how, in the caller's own terms).
 */
export class LintRefusedError extends Error {
  constructor(
    readonly regulationId: string,
    readonly errors: readonly Finding[],
    override: string,
  ) {
    super(
      `${lintErrorsSummary(regulationId, errors)}; de dienst start niet.\n${listFindings(errors)}\nHerstel de regeling, of start om alleen te proberen met ${override}.`,
    );
    this.name = 'LintRefusedError';
  }
}

function lintErrorsSummary(regulationId: string, errors: readonly Finding[]): string {
  return `De regeling ${regulationId} heeft ${errors.length} fout(en) volgens "klachtflow regulation lint"`;
}

function listFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `  ${f.article} ${f.path}: ${f.message}`).join('\n');
}

/**
 * Refuses a regulation with lint errors (LintRefusedError), or, with `ignore`, returns the warning
 * to print: the errors are never silent. Undefined when the lint finds no error.
 */
export function refuseLintErrors(
  reg: Regulation,
  opts: { ignore?: boolean; override: string },
  documentText: string | undefined = documentOf(reg),
): string | undefined {
  const errors = lintRegulation(reg, documentText).filter((f) => f.level === 'error');
  if (errors.length === 0) return undefined;
  if (!opts.ignore) throw new LintRefusedError(reg.id, errors, opts.override);
  return `Let op: ${lintErrorsSummary(reg.id, errors)}; gestart omdat ${opts.override} is gegeven.\n${listFindings(errors)}`;
}
