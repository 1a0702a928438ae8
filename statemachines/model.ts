/**
 * The regulation model: one typed, validated description of an organisation's complaint
 * regulation (klachtenregeling). Everything else in klachtflow is derived from it: the state
 * machine, the deadlines, the letters, the form, the reports.
 *
 * Every rule carries where it comes from: `source` is a sentence quoted verbatim from the
 * regulation's document (checked against the document for the presets), `assumption` says what
 * klachtflow adds where the document is silent, and why.
 */
import { z } from 'zod';
import { parseTerm, TermParseError } from '../lambdas/domain/calendar/term.js';
import { CONTENT_KINDS, type ContentItemInput } from './letter-content.js';
import { COMPLAINANT_ROLES, DEADLINE_ANCHORS, DIMENSION_KINDS, dimensionKind, stepsOf } from './vocabulary.js';

// The model's words without zod live in vocabulary.ts (the functions import them from there, so
// their bundles carry no schema); they are re-exported here for everything else.
export * from './vocabulary.js';

// People read these messages: zod speaks Dutch.
z.config(z.locales.nl());

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'Gebruik kleine letters, cijfers en streepjes, beginnend met een letter.');

/** A term as written ("binnen twee weken") or structured ({ amount: 2, unit: weeks }). */
export const TermSchema = z
  .union([
    z.string(),
    z.object({
      amount: z.number().int().positive(),
      unit: z.enum(['days', 'workingDays', 'weeks', 'months', 'years']),
    }),
  ])
  .superRefine((value, ctx) => {
    try {
      parseTerm(value);
    } catch (e) {
      if (!(e instanceof TermParseError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
    }
  });
export type TermInput = z.infer<typeof TermSchema>;

/** Where a rule comes from: a verbatim quote of the document, or klachtflow's stated assumption. */
const provenance = {
  source: z.string().min(1).optional(),
  assumption: z.string().min(1).optional(),
};
interface Provenance {
  source?: string;
  assumption?: string;
}
function cited<T extends z.ZodRawShape>(shape: T) {
  return z
    .object({ ...shape, ...provenance })
    .refine((v) => (v as Provenance).source !== undefined || (v as Provenance).assumption !== undefined, {
      message: 'Noem de bron: een zin uit de regeling ("source") of de aanname van klachtflow ("assumption").',
    });
}

export const LEGAL_FRAMEWORKS = ['wkkgz', 'jeugdwet', 'wmo', 'wlz', 'awb', 'none'] as const;

const Contact = z.object({
  email: z.email().optional(),
  phone: z.string().optional(),
  postalAddress: z.string().optional(),
  web: z.string().optional(),
});

const Person = z.object({
  name: z.string().min(1),
  email: z.email().optional(),
  phone: z.string().optional(),
});

export const ROLE_KINDS = [
  'complaints-officer',
  'deputy',
  'employee',
  'manager',
  'director',
  'committee',
  'committee-secretary',
  'project-lead',
  'office-manager',
  /**
   * A collegial administrative body that handles complaints about itself under Awb chapter 9: a
   * dagelijks bestuur, a college van burgemeester en wethouders. Others sign on its behalf.
   */
  'administrative-body',
  /** A care provider who works alone (Wkkgz): the professional is the provider. */
  'sole-practitioner',
] as const;

const Role = cited({
  id,
  kind: z.enum(ROLE_KINDS),
  title: z.string().min(1),
  people: z.array(Person).default([]),
  contact: Contact.optional(),
  /** Roles that stand in for this one (absence, conflict of interest). */
  deputies: z.array(id).default([]),
  /** The role alarmed when a deadline of this role is breached. */
  escalatesTo: id.optional(),
});

const CommitteeMember = cited({
  seat: z.enum(['chair', 'member', 'secretary']),
  description: z.string().min(1),
  independent: z.boolean().default(false),
  /** Where the member comes from: a conflict of interest is judged on it. */
  from: z.enum(['organisation', 'partner', 'municipality', 'external']),
  substitute: z.object({ description: z.string().min(1), when: z.string().min(1) }).optional(),
});

const Committee = cited({
  id,
  name: z.string().min(1),
  /** The role under which committee members act in klachtflow. */
  role: id,
  external: z.boolean(),
  members: z.array(CommitteeMember).default([]),
  minimumMembers: z.number().int().positive().optional(),
  /** Binding ruling (OCO) or advice to the director (ONS). */
  decides: z.enum(['binding-ruling', 'advice']),
  respondentExcluded: z.boolean().default(true),
  contact: Contact.optional(),
});

export const DEADLINE_KINDS = ['statutory', 'regulation', 'target', 'complainant'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

const DeadlineSpec = cited({
  term: TermSchema,
  /** The event the term counts from; `step-end` names the step in `step`. */
  from: z.enum(DEADLINE_ANCHORS),
  step: id.optional(),
  /**
   * statutory: a term set by law (the Atw applies); regulation: the organisation's own term
   * (the Atw applies as `organisation.atwForOwnTerms` says); target: a term the organisation
   * strives for ("streeft ernaar"), tracked and reminded, breach recorded but not alarmed as a
   * statutory breach; complainant: the complainant's own term (to ask for the next rung), kept
   * by nobody in the organisation, so its passing is no breach: the step goes on as `onDeadline`
   * says and the term is recorded as lapsed.
   */
  kind: z.enum(DEADLINE_KINDS).default('regulation'),
  /** The article for a statutory term, e.g. "Wkkgz art. 17 lid 1". */
  statute: z.string().optional(),
  /** Overrides whether the Atw applies to this one term. */
  atw: z.boolean().optional(),
});

const extensionShape = {
  /** The most all extensions together may add; leave it out where neither statute nor regulation caps it. */
  max: TermSchema.optional(),
  announceBeforeExpiry: z.boolean().default(true),
  beyondMaxWithConsent: z.boolean().default(false),
  statute: z.string().optional(),
};
const ExtensionRule = cited(extensionShape);

/** Where a term for the handling as a whole counts from. */
export const PROCEDURE_TERM_ANCHORS = ['receipt', 'rung-start'] as const;
export type ProcedureTermAnchor = (typeof PROCEDURE_TERM_ANCHORS)[number];

/**
 * A term for the handling as a whole, not for one step: Awb 9:11 ("binnen zes weken na ontvangst
 * van het klaagschrift", ten with an advisory committee, art. 9:14) and Wkkgz art. 17 (six weeks
 * after filing) run while the complaint is acknowledged, heard and investigated, and can be put
 * off from any of those steps. It runs from its anchor over its span (a whole rung, or the steps
 * from `from` to `to` in ladder order), is watched whatever step of the span the dossier is in,
 * and is met when the dossier leaves the span with an outcome (the written decision, or a solution).
 * A step's own term (acknowledge within a week) runs inside it; both exist side by side.
 */
const ProcedureTerm = cited({
  id,
  /** What the term is for, as a person reads it: "Afhandeling van de klacht". */
  title: z.string().min(1),
  term: TermSchema,
  /**
   * `receipt`: the complaint's receipt (Wkkgz art. 17: "na de indiening"); `rung-start`: the moment
   * the complaint reached the span's first rung, which for the rung a complaint came in at is its
   * receipt (Awb 9:11: the written complaint received by whoever handles it).
   */
  from: z.enum(PROCEDURE_TERM_ANCHORS).default('receipt'),
  span: z.object({
    /** The whole rung. */
    rung: id.optional(),
    /** The first and the last step of the span, in the order of the ladder. */
    from: id.optional(),
    to: id.optional(),
  }),
  kind: z.enum(['statutory', 'regulation', 'target']).default('regulation'),
  /** The article for a statutory term, e.g. "Awb 9:11 lid 1". */
  statute: z.string().optional(),
  /** Overrides whether the Atw applies to this term. */
  atw: z.boolean().optional(),
  /** How long before the end the one who holds the dossier is reminded (defaults to the regulation's). */
  reminderBefore: TermSchema.optional(),
  /** Alarmed when the term ends unmet, besides whoever holds the dossier then. */
  escalateTo: id.optional(),
  /**
   * Putting the term off (Awb 9:11 lid 2, Wkkgz art. 17 lid 2): at any step of the span, by the
   * roles in `by` (default: whoever may act on the step the dossier is in), before the end.
   */
  extension: cited({ ...extensionShape, by: z.array(id).optional() }).optional(),
});
export type ProcedureTerm = z.infer<typeof ProcedureTerm>;

/**
 * A ground on which the clock of a term may stop (opschorting): while the complainant is asked to
 * complete the complaint (Awb 4:15 lid 1 onder a, for a decision on an application; by analogy
 * for a complaint), while mediation the complainant asked for runs, or whatever the regulation
 * names. The days the clock stood still are added to the terms it names, and the Atw applies to
 * the new end as to the old one.
 */
const SuspensionGround = cited({
  id,
  /** The ground as the officers read it: "Wachten op aanvulling van de klacht". */
  title: z.string().min(1),
  /**
   * The ground as the complainant reads it on their page and in their letter, said to them (u) in
   * plain Dutch: "U heeft om bemiddeling gevraagd." Without it they read the vocabulary's words
   * (for missing information) or the title in plain words ("op verzoek van de klager": "op uw verzoek").
   */
  toComplainant: z.string().min(1).optional(),
  /**
   * `officer`: an officer stops the clock with the `suspend` action and starts it again with
   * `resume`; `missing-information`: asking the complainant for missing information
   * (`POST /dossiers/{id}/missing-information`) stops it, their reply or addition starts it again.
   */
  on: z.enum(['officer', 'missing-information']).default('officer'),
  /** The complainant agreed (mediation they asked for): the officer confirms it when suspending. */
  complainantConsent: z.boolean().default(false),
  /** Whether the complainant gets a letter when the clock stops and when it runs again. */
  letter: z.boolean().default(true),
  /** The terms the clock stops for: the step's own term, and terms for the handling as a whole by id. */
  suspends: z
    .object({ stepTerm: z.boolean().default(true), terms: z.array(id).default([]) })
    .default({ stepTerm: true, terms: [] }),
  /**
   * The longest the clock may stand still: when it passes, the clock runs again by itself (Awb
   * 4:15 lid 1 onder a: "of de daarvoor gestelde termijn ongebruikt is verstreken").
   */
  max: TermSchema.optional(),
  /** Steps where this ground may be used (each must allow suspension); default: every step that does. */
  steps: z.array(id).optional(),
  /** What starts the clock again, for the complainant's letter and page ("als wij uw aanvulling hebben"). */
  resumesWhen: z.string().min(1).optional(),
  /** The article, e.g. "Awb 4:15 lid 1 onder a". */
  statute: z.string().optional(),
});
export type SuspensionGround = z.infer<typeof SuspensionGround>;

export const LETTER_KINDS = [
  'acknowledgement',
  'admissibility',
  'inadmissible',
  'not-handled',
  'extension',
  'invitation',
  'conversation-report',
  'findings',
  'judgement',
  'committee-advice',
  'ruling',
  'decision',
  'referral',
  'next-step-info',
  'closure',
  'withdrawal',
  'respondent-notice',
] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];

/** Letter recipients that are parties to the complaint rather than roles of the organisation. */
export const PARTY_RECIPIENTS: readonly string[] = ['complainant', 'respondent', 'respondent-manager'];

/** One thing a letter must contain: its words, and where needed where its text comes from. */
const ContentItem = z.union([
  z.string().min(1),
  z
    .object({
      text: z.string().min(1),
      is: z.enum(CONTENT_KINDS),
      referral: id.optional(),
      rung: id.optional(),
      committee: id.optional(),
    })
    .strict(),
]);

const LetterSpec = z.object({
  kind: z.enum(LETTER_KINDS),
  /** `complainant`, `respondent`, `respondent-manager` (the respondent's manager), or a role id. */
  to: z.array(id).min(1).default(['complainant']),
  /**
   * What the letter must contain per the regulation ("de ontvangstdatum", "de bevindingen"), each
   * written into the letter as real text (statemachines/letter-content.ts): plain words klachtflow
   * recognises, or words with their mapping (`is`: a field the officer fills in, or the
   * regulation's data such as a referral or a rung).
   */
  mustContain: z.array(ContentItem).default([]),
  referral: id.optional(),
  /**
   * For a step's own letter: `start` sends it when the step begins (an invitation, a notice to
   * the respondent), `end` when the step is completed, whatever the outcome. An outcome's letter
   * is always sent when that outcome is taken.
   */
  when: z.enum(['start', 'end']).default('end'),
});

/**
 * Where an outcome leads: `next` (the next step of the rung), `close`, `step:<id>`,
 * `rung:<id>`, or `choice` (the rung ends without a solution: the complainant may ask for the
 * next rung).
 */
const Next = z.union([
  z.enum(['next', 'close', 'choice']),
  z.string().regex(/^(step|rung):[a-z][a-z0-9-]*$/, 'Gebruik next, close, choice, step:<id> of rung:<id>.'),
]);

const Outcome = cited({
  id,
  title: z.string().min(1),
  next: Next,
  letter: LetterSpec.optional(),
  /**
   * Taken only by klachtflow when the step's term passes (`onDeadline: proceed`), never offered
   * to a person as an action: nobody chooses "no answer".
   */
  automatic: z.boolean().optional(),
  /** For the reports: how the complaint ended when this outcome closes it. */
  result: z
    .enum([
      'resolved',
      'not-resolved',
      'inadmissible',
      'not-handled',
      'well-founded',
      'unfounded',
      'partly-well-founded',
      'referred',
    ])
    .optional(),
});

export const STEP_KINDS = [
  'acknowledge',
  'contact',
  'inform-respondent',
  'admissibility',
  'preliminary-investigation',
  'conversation',
  'mediation',
  'hearing',
  'committee-meeting',
  'report',
  'findings',
  'judgement',
  'committee-advice',
  'ruling',
  'decision',
  'await-choice',
  'referral',
] as const;

const Step = cited({
  id,
  kind: z.enum(STEP_KINDS),
  title: z.string().min(1),
  /** Who must act: a role id, `complainant`, or `system` (klachtflow does it without waiting). */
  actor: z.union([id, z.literal('complainant'), z.literal('system')]),
  deadline: DeadlineSpec.optional(),
  /**
   * When the deadline passes: `proceed` takes the outcome named (OCO: the acknowledgement goes
   * out after 3 working days without contact); `escalate` records the breach, alarms the role's
   * escalation role and keeps waiting with a new reminder.
   */
  onDeadline: z
    .object({
      action: z.enum(['proceed', 'escalate']),
      outcome: id.optional(),
      escalateTo: id.optional(),
    })
    .optional(),
  /** How long before the deadline the actor is reminded (defaults to the regulation's). */
  reminderBefore: TermSchema.optional(),
  letter: LetterSpec.optional(),
  outcomes: z.array(Outcome).min(1),
  allows: z
    .object({
      extension: ExtensionRule.optional(),
      handover: z.boolean().default(false),
      suspension: z.boolean().default(false),
    })
    .default({ handover: false, suspension: false }),
});
export type Step = z.infer<typeof Step>;

export const RUNG_KINDS = ['informal', 'officer', 'manager', 'director', 'committee', 'external'] as const;

const Rung = cited({
  id,
  kind: z.enum(RUNG_KINDS),
  title: z.string().min(1),
  handlerRole: id.optional(),
  /** How a complaint reaches this rung. */
  entry: z
    .object({
      written: z.boolean().default(false),
      contact: Contact.optional(),
      note: z.string().optional(),
    })
    .default({ written: false }),
  /** Rungs the complainant may ask for, and when: after this rung ended without a solution, or at any step. */
  escalation: z.array(cited({ to: id, when: z.enum(['after-rung', 'any-time']) })).default([]),
  referral: id.optional(),
  steps: z.array(Step).default([]),
});
export type Rung = z.infer<typeof Rung>;

const IntakeVariant = cited({
  id,
  title: z.string().min(1),
  description: z.string().optional(),
  channels: z.array(z.enum(['web', 'email', 'phone', 'letter', 'in-person', 'employee'])).min(1),
  startsAt: id,
  /** Fields this variant requires (SWT variant 3: name, address, description). */
  requiredFields: z
    .array(z.enum(['name', 'address', 'email', 'phone', 'description', 'incidentDate', 'respondent']))
    .default(['description']),
  contact: Contact.optional(),
});

const Referral = cited({
  id,
  name: z.string().min(1),
  kind: z.enum([
    'confidential-adviser',
    'client-support',
    'disputes-body',
    'external-committee',
    'data-protection-officer',
    'disciplinary',
    'ombudsman',
    'care-provider',
  ]),
  contact: Contact.default({}),
  when: z.string().min(1),
  free: z.boolean().optional(),
  binding: z.boolean().optional(),
  term: z.string().optional(),
  /**
   * `refer` (verwijzen): the complainant may go there and submits the complaint themselves (SWT's
   * external committee, SO!'s Geschillencommissie Zorg). `forward` (doorsturen): the organisation
   * sends the complaint on, at the complainant's request, and says so in a letter of its own; the
   * complainant's asking for it is their consent to passing their complaint on.
   */
  handling: z.enum(['refer', 'forward']).default('refer'),
  /** With `forward`: a cover letter with the complaint goes to the body's e-mail address. */
  cover: z.boolean().default(false),
});

const Question = cited({
  id,
  text: z.string().min(1),
  type: z.enum(['text', 'yes-no', 'choice', 'date', 'postcode', 'place', 'name', 'role']),
  options: z.array(z.string()).optional(),
  other: z.boolean().default(false),
  required: z.boolean().default(false),
  /** Filled from the dossier where the ladder already recorded it. */
  derivedFrom: z.string().optional(),
});

/**
 * What a report counts or groups by. `answer` groups by a question with a fixed list of `values`,
 * asked on the complaint form (`capturedAt: intake`, never required) and/or completed by the
 * officer in the registration form (`capturedAt: registration`, the answer to
 * `registrationQuestion`); an answer outside the list counts as "anders", so no free text ever
 * reaches a report. The other kinds are derived from the dossier itself.
 */

const ReportDimension = cited({
  id,
  title: z.string().min(1),
  of: z.enum(DIMENSION_KINDS).optional(),
  values: z.array(z.string().min(1)).optional(),
  capturedAt: z.array(z.enum(['intake', 'registration'])).default([]),
  /** The question on the complaint form (intake), in the organisation's own tone. */
  question: z.string().min(1).optional(),
  registrationQuestion: id.optional(),
});
export type ReportDimension = z.infer<typeof ReportDimension>;

export const NOT_HANDLED_GROUNDS = [
  'already-handled',
  'outside-window',
  'criminal-procedure',
  'not-a-client',
  'other-organisation',
] as const;

export const RegulationSchema = z
  .object({
    id,
    title: z.string().min(1),
    /** The document this regulation is written from: next to the regulation file, or an absolute path. */
    document: z
      .object({ file: z.string().optional(), title: z.string().optional(), date: z.string().optional() })
      .optional(),
    /**
     * How the regulation addresses the people it is for, and so every text klachtflow writes to a
     * complainant: "u", or "je" where the regulation itself says "je" (lambdas/domain/address.ts).
     */
    address: z.enum(['u', 'je']).default('u'),
    organisation: z.object({
      name: z.string().min(1),
      contact: Contact,
      senderAddress: z.email(),
      legalFramework: z.array(z.enum(LEGAL_FRAMEWORKS)).min(1),
      /** Whether the Algemene termijnenwet applies to the regulation's own terms (an organisation's choice). */
      atwForOwnTerms: z.boolean(),
      /** The organisation's own closing days (YYYY-MM-DD): not working days for its werkdagen terms. */
      closingDays: z.array(z.iso.date()).default([]),
      ...provenance,
    }),
    eligibility: z.object({
      roles: z.array(cited({ role: z.enum(COMPLAINANT_ROLES) })).min(1),
      minimumAgeAlone: cited({ age: z.number().int().min(0).max(18) }).optional(),
      window: z
        .array(
          cited({
            term: TermSchema,
            anchor: z.enum(['last-contact', 'incident']),
            /** Which complainant roles this window applies to; empty: all. */
            roles: z.array(z.enum(COMPLAINANT_ROLES)).default([]),
          }),
        )
        .default([]),
      support: z.array(cited({ text: z.string().min(1), referral: id.optional() })).default([]),
    }),
    notHandled: z
      .object({
        grounds: z.array(cited({ id: z.enum(NOT_HANDLED_GROUNDS), text: z.string().min(1) })).default([]),
        notice: DeadlineSpec.optional(),
      })
      .default({ grounds: [] }),
    withdrawal: cited({ anyTime: z.boolean(), letter: z.boolean().default(true) }),
    /** The letter that closes a dossier when the complainant is satisfied, and who sends it. */
    closure: cited({ letter: z.boolean().default(true), by: id.optional() }).optional(),
    roles: z.array(Role).min(1),
    committees: z.array(Committee).default([]),
    conflictOfInterest: z
      .array(
        cited({
          when: z.enum(['complaint-about-role', 'member-from-respondent-organisation']),
          role: id.optional(),
          routeTo: z.union([id, z.literal('substitute')]),
        }),
      )
      .default([]),
    intake: z.object({ variants: z.array(IntakeVariant).min(1) }),
    ladder: z.object({
      rungs: z.array(Rung).min(1),
      /**
       * How long the complainant has to ask for the next rung after a rung ended without a
       * solution, and how long before that they are reminded. Without it the dossier waits for
       * the complainant without end; with it, a dossier without an answer closes with a letter.
       */
      choice: cited({ term: TermSchema, reminderBefore: TermSchema.optional() }).optional(),
      /** Terms for the handling as a whole (Awb 9:11, Wkkgz art. 17), each over a span of steps. */
      terms: z.array(ProcedureTerm).default([]),
      /**
       * Where the clock may stop, and why (opschorting). Steps say `allows.suspension: true`; the
       * grounds say why, for which terms, and what starts the clock again. A regulation that
       * never stops the clock says so here, with an empty list and its source or assumption.
       */
      suspension: cited({ grounds: z.array(SuspensionGround).default([]) }).optional(),
    }),
    referrals: z.array(Referral).default([]),
    reminders: cited({ before: TermSchema }),
    registration: cited({
      title: z.string().min(1),
      keptBy: id,
      questions: z.array(Question).default([]),
      /** The required answers must be in before the dossier closes (ONS: "volledige invulling"). */
      completeBeforeClosure: z.boolean().default(false),
      completeBeforeClosureSource: z.string().optional(),
    }).optional(),
    improvementRegister: cited({ keptBy: id, followedBy: id.optional() }).optional(),
    /**
     * A note on blameworthy conduct of an employee (ONS: "verwijtbaar handelen ... besproken met de
     * manager van de medewerker"): recorded by an officer, read only by these roles, never by the
     * complainant, never in a report.
     */
    conductNote: cited({ readers: z.array(id).min(1) }).optional(),
    reporting: cited({
      period: z.enum(['yearly', 'half-yearly']),
      responsible: id,
      reviewedWith: id.optional(),
      dimensions: z.array(ReportDimension).default([]),
      anonymous: z.boolean().default(true),
      public: z.boolean().default(false),
    }),
    retention: cited({
      term: TermSchema,
      after: z.literal('closure'),
      /**
       * The regulation says "ten minste" (keep at least this long): klachtflow erases at the end of
       * that minimum (AVG art. 5 lid 1 onder e: no longer than needed) and says it was a minimum.
       */
      atLeast: z.boolean().default(false),
    }),
    /** What the document says that the model cannot express yet: never dropped silently. */
    notModelled: z.array(z.object({ quote: z.string().min(1), why: z.string().min(1) })).default([]),
  })
  .superRefine((reg, ctx) => checkReferences(reg as Regulation, ctx));

export type Regulation = z.infer<typeof RegulationSchema>;
export type RegulationInput = z.input<typeof RegulationSchema>;

/** Cross-references inside a regulation: every id it names must exist. */
function checkReferences(r: Regulation, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const roleIds = new Set<string>();
  r.roles.forEach((role, i) => {
    if (roleIds.has(role.id)) issue(['roles', i, 'id'], `Rol "${role.id}" komt twee keer voor.`);
    roleIds.add(role.id);
  });
  const role = (path: (string | number)[], ref: string | undefined) => {
    if (ref !== undefined && !roleIds.has(ref)) issue(path, `Rol "${ref}" bestaat niet in "roles".`);
  };
  r.roles.forEach((x, i) => {
    x.deputies.forEach((d, j) => {
      role(['roles', i, 'deputies', j], d);
    });
    role(['roles', i, 'escalatesTo'], x.escalatesTo);
  });
  r.committees.forEach((c, i) => {
    role(['committees', i, 'role'], c.role);
  });
  const referralIds = new Set(r.referrals.map((x) => x.id));
  const referral = (path: (string | number)[], ref: string | undefined) => {
    if (ref !== undefined && !referralIds.has(ref)) issue(path, `Verwijzing "${ref}" bestaat niet in "referrals".`);
  };
  r.eligibility.support.forEach((s, i) => {
    referral(['eligibility', 'support', i, 'referral'], s.referral);
  });
  r.conflictOfInterest.forEach((c, i) => {
    role(['conflictOfInterest', i, 'role'], c.role);
    if (c.routeTo !== 'substitute') role(['conflictOfInterest', i, 'routeTo'], c.routeTo);
  });
  if (r.registration) role(['registration', 'keptBy'], r.registration.keptBy);
  if (r.improvementRegister) {
    role(['improvementRegister', 'keptBy'], r.improvementRegister.keptBy);
    role(['improvementRegister', 'followedBy'], r.improvementRegister.followedBy);
  }
  role(['reporting', 'responsible'], r.reporting.responsible);
  r.conductNote?.readers.forEach((x, i) => {
    role(['conductNote', 'readers', i], x);
  });
  r.reporting.dimensions.forEach((d, i) => {
    const at = ['reporting', 'dimensions', i];
    // A dimension klachtflow cannot count is not an error (older files name only id and title):
    // the report lists it with a note saying so, rather than dropping it.
    if (dimensionKind(d) === 'answer' && !d.values?.length)
      issue([...at, 'values'], 'Een dimensie met antwoorden noemt de keuzes ("values").');
    if (d.capturedAt.includes('intake') && !d.question)
      issue([...at, 'question'], 'Een vraag op het klachtformulier heeft een tekst ("question").');
    if (d.capturedAt.includes('registration')) {
      const q = r.registration?.questions.find((x) => x.id === d.registrationQuestion);
      if (!q) issue([...at, 'registrationQuestion'], 'Noem de vraag van het registratieformulier die dit aanvult.');
    }
  });
  role(['closure', 'by'], r.closure?.by);
  role(['reporting', 'reviewedWith'], r.reporting.reviewedWith);

  const rungIds = new Set<string>();
  const stepIds = new Set<string>();
  r.ladder.rungs.forEach((rung, i) => {
    if (rungIds.has(rung.id)) issue(['ladder', 'rungs', i, 'id'], `Trede "${rung.id}" komt twee keer voor.`);
    rungIds.add(rung.id);
    for (const [j, step] of rung.steps.entries()) {
      if (stepIds.has(step.id))
        issue(['ladder', 'rungs', i, 'steps', j, 'id'], `Stap "${step.id}" komt twee keer voor.`);
      stepIds.add(step.id);
    }
  });
  checkTerms(r, issue, role);
  checkSuspension(r, issue);
  r.intake.variants.forEach((v, i) => {
    if (!rungIds.has(v.startsAt)) issue(['intake', 'variants', i, 'startsAt'], `Trede "${v.startsAt}" bestaat niet.`);
  });
  r.ladder.rungs.forEach((rung, i) => {
    const at = ['ladder', 'rungs', i];
    role([...at, 'handlerRole'], rung.handlerRole);
    referral([...at, 'referral'], rung.referral);
    if (rung.kind !== 'external' && rung.steps.length === 0) {
      issue([...at, 'steps'], `Trede "${rung.id}" heeft geen stappen; alleen een externe instantie mag zonder.`);
    }
    rung.escalation.forEach((e, j) => {
      if (!rungIds.has(e.to)) issue([...at, 'escalation', j, 'to'], `Trede "${e.to}" bestaat niet.`);
    });
    rung.steps.forEach((step, j) => {
      const sp = [...at, 'steps', j];
      if (step.actor !== 'system' && step.actor !== 'complainant') role([...sp, 'actor'], step.actor);
      if (step.deadline?.from === 'step-end' && (!step.deadline.step || !stepIds.has(step.deadline.step))) {
        issue(
          [...sp, 'deadline', 'step'],
          'Een termijn vanaf het einde van een stap noemt een bestaande stap in "step".',
        );
      }
      if (step.deadline && !step.onDeadline) {
        issue([...sp, 'onDeadline'], 'Zeg wat er gebeurt als de termijn verstrijkt (proceed of escalate).');
      }
      if (step.onDeadline?.action === 'proceed' && !step.outcomes.some((o) => o.id === step.onDeadline?.outcome)) {
        issue([...sp, 'onDeadline', 'outcome'], 'Bij "proceed" noemt "outcome" een uitkomst van deze stap.');
      }
      step.outcomes.forEach((o, k) => {
        if (o.automatic && (step.onDeadline?.action !== 'proceed' || step.onDeadline.outcome !== o.id)) {
          issue(
            [...sp, 'outcomes', k, 'automatic'],
            'Een automatische uitkomst is de uitkomst die "onDeadline" met "proceed" neemt; anders neemt niemand haar.',
          );
        }
      });
      if (step.outcomes.every((o) => o.automatic)) {
        issue([...sp, 'outcomes'], 'Een stap heeft minstens één uitkomst die een persoon kan kiezen.');
      }
      role([...sp, 'onDeadline', 'escalateTo'], step.onDeadline?.escalateTo);
      referral([...sp, 'letter', 'referral'], step.letter?.referral);
      const contents = (path: (string | number)[], items: readonly ContentItemInput[] | undefined) =>
        items?.forEach((item, k) => {
          if (typeof item === 'string') return;
          const at = [...path, k];
          if (item.is === 'referral') {
            if (!item.referral) issue([...at, 'referral'], 'Noem de verwijzing ("referral") die de brief noemt.');
            referral([...at, 'referral'], item.referral);
          }
          if (item.is === 'rung') {
            if (!item.rung) issue([...at, 'rung'], 'Noem de trede ("rung") die de brief noemt.');
            else if (!rungIds.has(item.rung)) issue([...at, 'rung'], `Trede "${item.rung}" bestaat niet.`);
          }
          if (item.is === 'committee' && !r.committees.some((c) => c.id === item.committee))
            issue([...at, 'committee'], `Commissie "${item.committee ?? ''}" bestaat niet in "committees".`);
        });
      contents([...sp, 'letter', 'mustContain'], step.letter?.mustContain);
      const recipients = (path: (string | number)[], to: string[] | undefined) =>
        to?.forEach((t, k) => {
          if (!PARTY_RECIPIENTS.includes(t)) role([...path, k], t);
        });
      recipients([...sp, 'letter', 'to'], step.letter?.to);
      step.outcomes.forEach((o, k) => {
        const op = [...sp, 'outcomes', k, 'next'];
        if (o.next.startsWith('step:') && !rung.steps.some((s) => s.id === o.next.slice(5))) {
          issue(op, `Stap "${o.next.slice(5)}" bestaat niet in trede "${rung.id}".`);
        }
        if (o.next.startsWith('rung:') && !rungIds.has(o.next.slice(5)))
          issue(op, `Trede "${o.next.slice(5)}" bestaat niet.`);
        if (o.next === 'choice' && rung.escalation.length === 0) {
          issue(op, `"choice" laat de klager kiezen voor een volgende trede, maar trede "${rung.id}" noemt er geen.`);
        }
        referral([...sp, 'outcomes', k, 'letter', 'referral'], o.letter?.referral);
        contents([...sp, 'outcomes', k, 'letter', 'mustContain'], o.letter?.mustContain);
        recipients([...sp, 'outcomes', k, 'letter', 'to'], o.letter?.to);
      });
    });
  });
}

/** The terms for the handling as a whole: a span that exists and runs forward, roles that exist. */
function checkTerms(
  r: Regulation,
  issue: (path: (string | number)[], message: string) => void,
  role: (path: (string | number)[], ref: string | undefined) => void,
) {
  const order = stepsOf(r).map((s) => s.step.id);
  const termIds = new Set<string>();
  r.ladder.terms.forEach((t, i) => {
    const at = ['ladder', 'terms', i];
    if (termIds.has(t.id)) issue([...at, 'id'], `Termijn "${t.id}" komt twee keer voor.`);
    termIds.add(t.id);
    const { rung, from, to } = t.span;
    if (rung !== undefined && (from !== undefined || to !== undefined)) {
      issue(
        [...at, 'span'],
        'Noem een hele trede ("rung") of een eerste en laatste stap ("from" en "to"), niet allebei.',
      );
    } else if (rung !== undefined) {
      const found = r.ladder.rungs.find((x) => x.id === rung);
      if (!found) issue([...at, 'span', 'rung'], `Trede "${rung}" bestaat niet.`);
      else if (found.steps.length === 0)
        issue([...at, 'span', 'rung'], `Trede "${rung}" heeft geen stappen waarover de termijn kan lopen.`);
    } else if (from === undefined || to === undefined) {
      issue(
        [...at, 'span'],
        'Zeg over welke stappen de termijn loopt: een hele trede ("rung") of een eerste en laatste stap ("from" en "to").',
      );
    } else {
      const a = order.indexOf(from);
      const b = order.indexOf(to);
      if (a < 0) issue([...at, 'span', 'from'], `Stap "${from}" bestaat niet.`);
      if (b < 0) issue([...at, 'span', 'to'], `Stap "${to}" bestaat niet.`);
      if (a >= 0 && b >= 0 && b < a)
        issue([...at, 'span', 'to'], `Stap "${to}" komt in de ladder vóór stap "${from}": draai ze om.`);
    }
    // A term's deadline is listed beside the steps' own (reports, worklist): one name for one thing.
    if (order.includes(t.id))
      issue([...at, 'id'], `Termijn "${t.id}" heeft dezelfde naam als een stap; kies een andere.`);
    role([...at, 'escalateTo'], t.escalateTo);
    t.extension?.by?.forEach((x, j) => {
      role([...at, 'extension', 'by', j], x);
    });
  });
}

/** Grounds for stopping the clock: steps that allow it, terms that exist, one ground per request. */
function checkSuspension(r: Regulation, issue: (path: (string | number)[], message: string) => void) {
  const grounds = r.ladder.suspension?.grounds ?? [];
  const steps = stepsOf(r).map((s) => s.step);
  const ids = new Set<string>();
  grounds.forEach((g, i) => {
    const at = ['ladder', 'suspension', 'grounds', i];
    if (ids.has(g.id)) issue([...at, 'id'], `Grond "${g.id}" komt twee keer voor.`);
    ids.add(g.id);
    g.suspends.terms.forEach((t, j) => {
      if (!r.ladder.terms.some((x) => x.id === t))
        issue([...at, 'suspends', 'terms', j], `Termijn "${t}" bestaat niet in "ladder.terms".`);
    });
    if (!g.suspends.stepTerm && g.suspends.terms.length === 0)
      issue(
        [...at, 'suspends'],
        'Zeg welke termijn stilstaat: die van de stap ("stepTerm") of een termijn in "terms".',
      );
    g.steps?.forEach((s, j) => {
      const step = steps.find((x) => x.id === s);
      if (!step) issue([...at, 'steps', j], `Stap "${s}" bestaat niet.`);
      else if (!step.allows.suspension)
        issue(
          [...at, 'steps', j],
          `Stap "${s}" staat geen opschorting toe; zet daar "allows.suspension: true" of noem de stap hier niet.`,
        );
    });
  });
  if (grounds.filter((g) => g.on === 'missing-information').length > 1)
    issue(['ladder', 'suspension', 'grounds'], 'Noem één grond voor het vragen om ontbrekende gegevens.');
  r.ladder.rungs.forEach((rung, i) => {
    rung.steps.forEach((step, j) => {
      if (step.allows.suspension && grounds.length === 0)
        issue(
          ['ladder', 'rungs', i, 'steps', j, 'allows', 'suspension'],
          'Deze stap staat opschorting toe, maar de regeling noemt geen grond: zet de gronden in "ladder.suspension.grounds".',
        );
    });
  });
}
