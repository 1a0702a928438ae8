/**
 * The ladder as the state machine and the handlers both see it: the regulation's steps plus the
 * complainant's choice at the end of a rung, and where each outcome leads. One module, so the
 * compiled ASL and the handlers cannot disagree about a route.
 */
import { deepFreeze } from './deep-freeze.js';
import type { Regulation, Rung, Step } from './model.js';

export interface LadderStep {
  rung: Rung;
  step: Step;
  /** The complainant's choice at the end of a rung is generated, not written in the regulation. */
  synthetic: boolean;
}

/** Where an outcome leads. */
export type Target =
  | { kind: 'step'; to: LadderStep }
  | { kind: 'close'; referral?: string; rung?: Rung }
  | { kind: 'choice'; to: LadderStep };

/** Reserved outcomes the runtime sends besides the regulation's own. */
export const CONTROL_OUTCOMES = {
  /** The deadline changed (extension) or was breached: wait again with a new timeout. */
  rearm: '__rearm',
  /** The complainant asked for a rung they may ask for at any time. */
  escalate: '__escalate',
  /** The execution nears its one-year limit: go on in a new execution. */
  continue: '__continue',
} as const;

export function choiceStepId(rung: Rung): string {
  return `choice-${rung.id}`;
}

/** The complainant's choice when a rung ends without a solution (`next: choice`). */
export function choiceStep(reg: Regulation, rung: Rung): Step {
  const targets = rung.escalation
    .map((e) => reg.ladder.rungs.find((r) => r.id === e.to))
    .filter((r) => r !== undefined);
  const step: Step = {
    id: choiceStepId(rung),
    kind: 'await-choice',
    title: 'Keuze van de klager: verder met de klacht of afsluiten',
    actor: 'complainant',
    outcomes: [
      ...targets.map((t) => ({
        id: `escalate-${t.id}`,
        title: `Verder naar: ${t.title}`,
        next: `rung:${t.id}`,
        source: rung.escalation.find((e) => e.to === t.id)?.source,
        assumption: rung.escalation.find((e) => e.to === t.id)?.assumption,
      })),
      {
        id: 'satisfied',
        title: 'Tevreden: de klacht is opgelost, afsluiten',
        next: 'close',
        result: 'resolved' as const,
        assumption:
          'A complainant who is satisfied after this rung ends the complaint; the dossier closes with a letter.',
      },
      {
        id: 'stop',
        title: 'Niet tevreden, maar de klager gaat niet verder',
        next: 'close',
        result: 'not-resolved' as const,
        assumption: 'A complainant may also stop without being satisfied; the report counts it as not resolved.',
      },
    ],
    allows: { handover: false, suspension: false },
    assumption:
      'After a rung without a solution the complainant chooses: the next rung the regulation offers, or to stop.',
  };
  const term = reg.ladder.choice;
  if (!term) return step;
  // The regulation gives the complainant a term to choose in: it runs from the moment the rung
  // ended (the letter that says so goes out then), is theirs and not the organisation's, and when
  // it passes without an answer the dossier closes with a letter that says so.
  const provenance = term.source !== undefined ? { source: term.source } : { assumption: term.assumption };
  return {
    ...step,
    deadline: { term: term.term, from: 'step-start', kind: 'complainant', ...provenance },
    onDeadline: { action: 'proceed', outcome: NO_ANSWER },
    ...(term.reminderBefore ? { reminderBefore: term.reminderBefore } : {}),
    outcomes: [
      ...step.outcomes,
      {
        id: NO_ANSWER,
        title: 'Geen antwoord van de klager binnen de termijn',
        next: 'close',
        automatic: true,
        result: 'not-resolved' as const,
        ...provenance,
      },
    ],
  };
}

/** The outcome klachtflow takes when the complainant's term to choose passes without an answer. */
export const NO_ANSWER = 'no-answer';

/**
 * The ladder of a regulation, derived once: its steps in order and by id. A regulation is parsed
 * once and never changed after; deriving the ladder again for every step looked up (the choice
 * steps made anew each time) was 3 % of a simulated year's CPU (#19). Frozen, so a caller that
 * would change what all others share fails at once instead.
 */
const LADDERS = new WeakMap<Regulation, { steps: readonly LadderStep[]; byId: Map<string, LadderStep> }>();

function ladderOf(reg: Regulation): { steps: readonly LadderStep[]; byId: Map<string, LadderStep> } {
  const known = LADDERS.get(reg);
  if (known) return known;
  const steps = Object.freeze(
    reg.ladder.rungs.flatMap((rung) => {
      const own = rung.steps.map((step) => Object.freeze({ rung, step, synthetic: false }));
      return needsChoice(rung)
        ? [...own, Object.freeze({ rung, step: deepFreeze(choiceStep(reg, rung)), synthetic: true })]
        : own;
    }),
  );
  const byId = new Map<string, LadderStep>();
  // The first of a name wins, as Array.find did (the lint refuses two steps of one id).
  for (const s of steps) if (!byId.has(s.step.id)) byId.set(s.step.id, s);
  const ladder = { steps, byId };
  LADDERS.set(reg, ladder);
  return ladder;
}

/** Every step of the ladder in order, the complainant's choices after the rungs that need one. */
export function ladderSteps(reg: Regulation): readonly LadderStep[] {
  return ladderOf(reg).steps;
}

function needsChoice(rung: Rung): boolean {
  if (rung.escalation.length === 0) return false;
  return rung.steps.some((s, i) =>
    s.outcomes.some((o) => o.next === 'choice' || (o.next === 'next' && i === rung.steps.length - 1)),
  );
}

/** A step of the ladder by its id. */
export function findStep(reg: Regulation, stepId: string): LadderStep | undefined {
  return ladderOf(reg).byId.get(stepId);
}

/** The first step of a rung, or the close with referral for an external body without steps. */
export function rungEntry(_reg: Regulation, rung: Rung): Target {
  const first = rung.steps[0];
  if (!first) return { kind: 'close', rung, ...(rung.referral ? { referral: rung.referral } : {}) };
  return { kind: 'step', to: { rung, step: first, synthetic: false } };
}

/** Where an outcome of a step leads. */
export function resolveOutcome(reg: Regulation, at: LadderStep, outcomeId: string): Target {
  const outcome = at.step.outcomes.find((o) => o.id === outcomeId);
  if (!outcome) throw new Error(`Step ${at.step.id} has no outcome ${outcomeId}`);
  const { rung } = at;
  const next = outcome.next;
  if (next === 'close') return { kind: 'close' };
  if (next === 'choice') return choiceTarget(reg, rung);
  if (next.startsWith('step:')) {
    const step = rung.steps.find((s) => s.id === next.slice(5));
    if (!step) throw new Error(`Unknown step ${next}`);
    return { kind: 'step', to: { rung, step, synthetic: false } };
  }
  if (next.startsWith('rung:')) {
    const target = reg.ladder.rungs.find((r) => r.id === next.slice(5));
    if (!target) throw new Error(`Unknown rung ${next}`);
    return rungEntry(reg, target);
  }
  // `next`: the following step of the rung; past the last one the rung has ended without a
  // close, so the complainant chooses (when the rung offers a next rung) or the dossier closes.
  const index = rung.steps.findIndex((s) => s.id === at.step.id);
  const following = rung.steps[index + 1];
  if (following && !at.synthetic) return { kind: 'step', to: { rung, step: following, synthetic: false } };
  return needsChoice(rung) ? choiceTarget(reg, rung) : { kind: 'close' };
}

function choiceTarget(reg: Regulation, rung: Rung): Target {
  const to = findStep(reg, choiceStepId(rung));
  return { kind: 'choice', to: to?.rung === rung ? to : { rung, step: choiceStep(reg, rung), synthetic: true } };
}

/** Rungs the complainant may ask for at any time while a step of `rung` is under way. */
export function anyTimeEscalations(reg: Regulation, rung: Rung): Rung[] {
  return rung.escalation
    .filter((e) => e.when === 'any-time')
    .map((e) => reg.ladder.rungs.find((r) => r.id === e.to))
    .filter((r) => r !== undefined);
}

/** Whether a step waits for a person (a callback task) or is done by klachtflow at once. */
export function waitsForPerson(step: Step): boolean {
  return step.actor !== 'system';
}

/** The channels by which a complaint comes in writing: a klaagschrift (Awb 9:4, 9:6). The form is one. */
export const WRITTEN_CHANNELS: readonly string[] = ['web', 'email', 'letter'];

/** Whether the rung sends the complainant an acknowledgement in one of its own steps. */
export function rungAcknowledges(reg: Regulation, rungId: string | undefined): boolean {
  return !!reg.ladder.rungs
    .find((r) => r.id === rungId)
    ?.steps.some((s) => s.letter?.kind === 'acknowledgement' && s.letter.to.includes('complainant'));
}

/**
 * Whether klachtflow itself acknowledges a complaint as it starts: one received in writing (the
 * form, e-mail, a letter) on a rung that does not acknowledge it in a step of its own. Awb 9:6 asks
 * it of every written complaint, whatever route follows (Ondersteuningsteam's contact person and
 * SWT's employee are informal rungs without one); a regulation under another law gets it too, as
 * the confirmation by e-mail a form promises (PEOPLE.md; SO! Trainingsbureau's routes had none).
 */
export function acknowledgedAtReceipt(reg: Regulation, startRung: string | undefined, channel: string): boolean {
  return WRITTEN_CHANNELS.includes(channel) && !rungAcknowledges(reg, startRung);
}
