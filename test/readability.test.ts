/**
 * Readability of what people read, in Dutch (Flesch-Douma, test/support/readability.ts): every
 * letter a preset's ladder sends to a complainant, and the complainant's pages of every preset,
 * each at or above a floor. The floor is where the presets stand today, so a stiffer text fails;
 * raise it as the texts get plainer.
 */
import { jsx } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import { type DossierEvent, deriveView } from '../lambdas/domain/dossier.js';
import { type Letter, renderLetter } from '../lambdas/domain/letters.js';
import { ComplaintForm, ComplaintPage, LostLink, NotFound, WithdrawPage } from '../lambdas/web/pages.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import type { Regulation } from '../statemachines/model.js';
import { fleschDouma, pageText, syllables } from './support/readability.js';

/**
 * The floors (Flesch-Douma): a letter as a whole, and a page as a whole. Measured on 3 December
 * 2026: letters 50.8 (Ondersteuningsteam's invitation, with what the regulation asks written in)
 * to 86.9, pages 63.2 to 102. A line of a letter or page counts as a sentence, so contact lines
 * make texts look a little easier. The letters on referring and forwarding (issue 16), measured
 * the same day: referring 48.7 (Ondersteuningsteam's ombudsman, below the floor, made plainer) to
 * 82.7, forwarding 59.2 to 81.7, the cover letter to the outside body 67.2 to 81.2.
 */
const LETTER_FLOOR = 50;
const PAGE_FLOOR = 60;

describe('readability: the measure', () => {
  it('counts Dutch syllables and scores plain and stiff Dutch apart', () => {
    expect(syllables('ontvangstbevestiging')).toBe(6);
    expect(syllables('klachtenfunctionaris')).toBe(7);
    const plainText = fleschDouma('Wij hebben uw klacht ontvangen. Dank u wel dat u ons dit laat weten.');
    const stiff = fleschDouma(
      'De klachtenfunctionaris beoordeelt de ontvankelijkheid van de klacht overeenkomstig de bepalingen van de klachtenregeling.',
    );
    expect(plainText.score).toBeGreaterThan(LETTER_FLOOR);
    expect(stiff.score).toBeLessThan(LETTER_FLOOR);
  });
});

function view(reg: Regulation) {
  const at = '2026-09-03T07:00:00Z';
  const variant = reg.intake.variants[0];
  const events = [
    {
      type: 'received',
      seq: 1,
      at,
      by: 'complainant',
      data: {
        reference: 'KL-2026-0001',
        regulationId: reg.id,
        variant: variant?.id ?? 'standaard',
        channel: 'web',
        startRung: variant?.startsAt ?? reg.ladder.rungs[0]?.id,
        receivedAt: at,
        complainant: { name: 'Sanne de Vries', email: 'sanne@example.nl' },
        role: 'client',
        description: 'Mijn begeleider kwam twee afspraken niet na. Ik heb daar last van gehad.',
        accessTokenHash: 'x',
      },
    },
  ] as unknown as DossierEvent[];
  return deriveView('01test', events);
}

/** Every letter the regulation's ladder sends a complainant, with the step and outcome it belongs to. */
function letters(reg: Regulation): { what: string; letter: Letter }[] {
  const v = view(reg);
  const out: { what: string; letter: Letter }[] = [];
  const render = (what: string, kind: string, extra: object) =>
    out.push({
      what,
      letter: renderLetter({
        reg,
        view: v,
        kind,
        audience: 'complainant',
        lostLinkUrl: 'https://klachten.example.nl/klacht/link-kwijt',
        ...extra,
      }),
    });
  for (const rung of reg.ladder.rungs)
    for (const step of rung.steps) {
      if (step.letter?.to.includes('complainant'))
        render(`${step.id}: ${step.letter.kind}`, step.letter.kind, { step, mustContain: step.letter.mustContain });
      for (const o of step.outcomes)
        if (o.letter?.to.includes('complainant'))
          render(`${step.id} → ${o.id}: ${o.letter.kind}`, o.letter.kind, {
            step,
            outcomeTitle: o.title,
            mustContain: o.letter.mustContain,
          });
    }
  render('closure', 'closure', { outcomeTitle: 'Opgelost in een gesprek', inviteSatisfaction: true });
  render('withdrawal', 'withdrawal', {});
  render('extension', 'extension', { dueAt: '2026-10-15T22:00:00Z', reason: 'Wij wachten op een gesprek' });
  // Stopping the clock (opschorting): that it stopped, why, what starts it again; the new dates.
  render('suspended', 'suspended', {
    reason: 'U en de medewerker praten eerst met een bemiddelaar.',
    suspension: { title: 'Bemiddeling op verzoek van de klager', resumesWhen: 'als de bemiddeling klaar is' },
  });
  render('resumed', 'resumed', {
    suspension: {
      title: 'Bemiddeling op verzoek van de klager',
      resumesWhen: 'als de bemiddeling klaar is',
      why: 'resumed',
    },
  });
  return out;
}

/**
 * The letters of each outside body the regulation names, referred to (verwijzen: the complainant
 * submits it there) and forwarded to (doorsturen, `handling: forward`, issue 16): the forwarding
 * letter to the complainant and the cover letter to the body. No preset forwards (their documents
 * refer), so each referral is also read as a regulation that forwards it would have it.
 */
function referralLetters(reg: Regulation): { what: string; letter: Letter }[] {
  const v = view(reg);
  return reg.referrals.flatMap((r) => {
    const forwarding: Regulation = {
      ...reg,
      referrals: reg.referrals.map((x) => (x.id === r.id ? { ...x, handling: 'forward', cover: true } : x)),
    };
    const base = { view: v, kind: 'referral', referralId: r.id } as const;
    return [
      { what: `${r.id}: referral`, letter: renderLetter({ reg, ...base, audience: 'complainant' }) },
      {
        what: `${r.id}: forwarding`,
        letter: renderLetter({ reg: forwarding, ...base, audience: 'complainant', inviteSatisfaction: true }),
      },
      {
        // To the body, as the outbox writes it (Core.letter: `referral:<id>` is no party).
        what: `${r.id}: forwarding cover`,
        letter: renderLetter({ reg: forwarding, ...base, kind: 'forwarding-cover', audience: 'officer' }),
      },
    ];
  });
}

/** The complainant's view of the dossier as the page gets it from the API, open and closed. */
function complaint(reg: Regulation, closed: boolean) {
  const rung = reg.ladder.rungs[0];
  const step = rung?.steps.find((s) => s.actor !== 'system');
  return {
    id: '01test',
    reference: 'KL-2026-0001',
    status: closed ? 'closed' : 'open',
    receivedAt: '2026-09-03T07:00:00Z',
    description: 'Mijn begeleider kwam twee afspraken niet na.',
    messages: [{ text: 'Ik heb nog een e-mail van 21 augustus.', at: '2026-09-04T07:00:00Z' }],
    rung: rung ? { id: rung.id, title: rung.title } : null,
    currentStep: closed || !step ? null : { id: step.id, title: step.title, since: '2026-09-03T07:00:00Z' },
    steps: [],
    deadlines: [],
    letters: [],
    closed: closed ? { at: '2026-09-20T07:00:00Z', result: 'resolved', reason: '' } : null,
    availableActions: [],
    canWithdraw: !closed,
    satisfaction: { asked: closed, answer: null },
  };
}

function pages(reg: Regulation): { what: string; html: string }[] {
  const path = '/klacht/01test/token';
  const page = (what: string, component: unknown, props: object) => ({
    what,
    html: String(jsx(component as any, props as any)),
  });
  return [
    page('form', ComplaintForm, { reg, values: {}, errors: {}, formId: 'x' }),
    page('confirmation', ComplaintPage, { reg, k: complaint(reg, false), path, link: path, isNew: true }),
    page('complainant page', ComplaintPage, { reg, k: complaint(reg, false), path, link: path, isNew: false }),
    page('closed complaint', ComplaintPage, { reg, k: complaint(reg, true), path, link: path, isNew: false }),
    page('complaint with the clock stopped', ComplaintPage, {
      reg,
      k: {
        ...complaint(reg, false),
        suspension: {
          title: 'Wachten op aanvulling van de klacht',
          since: '2026-09-10T07:00:00Z',
          until: '2026-09-24T21:59:59Z',
          resumesWhen: 'als wij uw aanvulling hebben ontvangen',
        },
      },
      path,
      link: path,
      isNew: false,
    }),
    page('closed complaint, the question not answered', ComplaintPage, {
      reg,
      k: complaint(reg, true),
      path,
      link: path,
      isNew: false,
      satisfaction: {
        values: {},
        errors: { tevreden: 'Kies ja of nee. Wilt u niets zeggen? Dan hoeft u niets te sturen.' },
      },
    }),
    page('closed complaint, answered', ComplaintPage, {
      reg,
      k: {
        ...complaint(reg, true),
        satisfaction: {
          asked: true,
          answer: { satisfied: false, remark: 'Het duurde lang.', at: '2026-09-21T07:00:00Z' },
        },
      },
      path,
      link: path,
      isNew: false,
      notice: 'tevreden',
    }),
    page('withdraw', WithdrawPage, { reg, k: complaint(reg, false), path }),
    page('lost link', LostLink, { reg, sent: true }),
    page('not found', NotFound, { reg }),
  ];
}

describe.each(PRESET_IDS)('readability (Flesch-Douma) of %s', (id) => {
  const reg = loadRegulation(id);

  it(`every letter to the complainant scores at least ${LETTER_FLOOR}`, () => {
    const all = letters(reg);
    expect(all.length).toBeGreaterThan(3);
    const low = all
      .map(({ what, letter }) => ({ what, ...fleschDouma(letter.text) }))
      .filter((r) => r.score < LETTER_FLOOR)
      .map((r) => `${r.what}: ${r.score}`);
    expect(low).toEqual([]);
  });

  it(`every letter on referring and forwarding (the cover letter too) scores at least ${LETTER_FLOOR}`, () => {
    const all = referralLetters(reg);
    expect(all.length).toBe(reg.referrals.length * 3);
    expect(all.some((x) => x.letter.subject.includes('Doorgestuurde klacht'))).toBe(reg.referrals.length > 0);
    const low = all
      .map(({ what, letter }) => ({ what, ...fleschDouma(letter.text) }))
      .filter((r) => r.score < LETTER_FLOOR)
      .map((r) => `${r.what}: ${r.score}`);
    expect(low).toEqual([]);
  });

  it(`every page the complainant reads scores at least ${PAGE_FLOOR}`, () => {
    const low = pages(reg)
      .map(({ what, html }) => ({ what, ...fleschDouma(pageText(html)) }))
      .filter((r) => r.score < PAGE_FLOOR)
      .map((r) => `${r.what}: ${r.score}`);
    expect(low).toEqual([]);
  });
});
