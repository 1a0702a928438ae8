/**
 * Stopping the clock (opschorting): a term stands still on a ground the regulation names, and runs
 * again when the reason is gone. Decisions are pure functions of the regulation and the dossier
 * that return the events to append; the application functions below read, decide, append, and
 * wake the waiting step.
 *
 * How the counting works (Awb 4:15 lid 1, applied to every ground alike): the clock stops "met
 * ingang van de dag na die waarop" the officer stopped it, and runs again on the day it is resumed;
 * the days in between that fell inside the term are added to it, in its own unit, and the
 * Algemene termijnenwet applies to the new end (calendar/deadline.ts). Every deadline keeps its
 * suspensions in its basis, so its explanation lists them.
 *
 * How the waiting works: a step's term is watched by the state machine's callback timeout, which
 * cannot change once set; as with an extension, the waiting task is woken with the `rearm` outcome
 * and waits again (committed ASL: `<step>.rearm`), now until the suspension's own term or the
 * execution's lifetime, never until the old end. A term for the whole handling is watched by
 * one-time schedules: they are removed when the clock stops and made anew for the new end.
 */
import { CONTROL_OUTCOMES, findStep } from '../../../statemachines/ladder.js';
import type { Regulation, Step, SuspensionGround } from '../../../statemachines/model.js';
import { stepsInSpan } from '../../../statemachines/vocabulary.js';
import { computeDeadline, localDate, reminderInstant } from '../calendar/deadline.js';
import {
  type DeadlineData,
  type DeadlineView,
  type DossierView,
  deadlineId,
  type EventBody,
  project,
  type SuspensionData,
} from '../dossier.js';
import { ConflictError, ForbiddenError, UnprocessableError } from '../errors.js';
import { groundToComplainant } from '../letters.js';
import type { Core } from './core.js';
import { cursorFor } from './deadlines.js';
import { type LetterFn, lettersOf, watch } from './handling-terms.js';

export type ResumeWhy = 'resumed' | 'information' | 'term-passed' | 'step-ended';

/** The regulation's grounds usable at a step (the step must allow suspension; a ground may name steps). */
export function groundsAt(reg: Regulation, stepId: string | undefined): SuspensionGround[] {
  if (!stepId) return [];
  const step = findStep(reg, stepId)?.step;
  if (!step?.allows.suspension) return [];
  return (reg.ladder.suspension?.grounds ?? []).filter((g) => !g.steps || g.steps.includes(stepId));
}

/** The deadlines a ground stops at the current step: running, not yet passed. */
function affected(reg: Regulation, view: DossierView, ground: SuspensionGround, now: string): DeadlineView[] {
  const current = view.current;
  if (!current) return [];
  const running = (d: DeadlineView | undefined): d is DeadlineView =>
    d !== undefined && d.status === 'open' && !d.suspended && d.dueAt >= now;
  const out: DeadlineView[] = [];
  if (ground.suspends.stepTerm) {
    const own = view.deadlines.find((d) => d.deadlineId === deadlineId(current.stepId, current.activation));
    if (running(own)) out.push(own);
  }
  for (const termId of ground.suspends.terms) {
    const term = reg.ladder.terms.find((t) => t.id === termId);
    if (!term || !stepsInSpan(reg, term).includes(current.stepId)) continue;
    const run = view.deadlines.filter((d) => d.termId === termId).at(-1);
    if (running(run)) out.push(run);
  }
  return out;
}

/** The day after the clock stopped (Awb 4:15 lid 1: "met ingang van de dag na die waarop"). */
export function firstStillDay(at: string): string {
  return localDate(at).add({ days: 1 }).toString();
}

/** The day the clock runs again; never before the first still day (resumed the same day: no day lost). */
function runsAgainOn(stoppedAt: string, at: string): string {
  const first = firstStillDay(stoppedAt);
  const day = localDate(at).toString();
  return day < first ? first : day;
}

/** A deadline recomputed through the calendar from its basis: extensions and suspensions alike. */
function recomputed(reg: Regulation, d: DeadlineData, suspensions: NonNullable<DeadlineData['basis']['suspensions']>) {
  const computed = computeDeadline({
    anchor: { event: d.basis.anchorEvent, at: d.basis.anchorAt },
    term: d.basis.term,
    atw: d.basis.atw,
    ...(d.basis.source ? { source: d.basis.source } : {}),
    closingDays: reg.organisation.closingDays,
    // The extensions were checked against their cap and announcement when they were granted.
    extensions: d.basis.extensions,
    suspensions,
  });
  const { status: _s, extended: _e, suspended: _u, ...data } = d as DeadlineView;
  return {
    ...data,
    basis: { ...d.basis, suspensions },
    lastDay: computed.lastDay,
    dueAt: computed.dueAt,
    explanation: computed.explanation,
  } as DeadlineData;
}

function reasonText(ground: SuspensionGround, reason: string): string {
  return `${ground.title}${ground.statute ? `, ${ground.statute}` : ''}: ${reason}`;
}

/** What starts the clock again, in words for the complainant. */
export function resumesWhen(ground: SuspensionGround | undefined): string {
  if (ground?.resumesWhen) return ground.resumesWhen;
  if (ground?.on === 'missing-information') return 'als wij uw aanvulling hebben ontvangen';
  return 'als de reden voor het stilzetten voorbij is';
}

export function groundOf(reg: Regulation, view: DossierView): SuspensionGround | undefined {
  return reg.ladder.suspension?.grounds.find((g) => g.id === view.suspension?.groundId);
}

/** The schedule that starts the clock again when the suspension's own term passes. */
function endScheduleName(view: DossierView, suspensionId: string): string {
  return `kf-${view.id}-${suspensionId}-end`;
}

/**
 * The clock stops: checked against the regulation and the dossier, then the deadlines it names
 * stand still, their schedules and reminders go, and the complainant gets a letter where the
 * regulation says so. Bad input throws (409 or 422 with the field), so nothing is stored.
 */
export function decideSuspend(
  reg: Regulation,
  letter: LetterFn,
  view: DossierView,
  caller: { mayActOnStep: boolean },
  action: {
    stepId?: string;
    ground?: string;
    reason?: string;
    consent?: boolean;
    /** The suspension's own end, where the caller set it (the term to complete, Awb 4:15). */
    until?: string;
    /** The caller's own letter tells the complainant (the request for missing information). */
    quiet?: boolean;
  },
  now: string,
  by: string,
): { bodies: EventBody[]; wakeStep: boolean } {
  if (view.status === 'closed') throw new ConflictError('Dit dossier is gesloten.');
  const current = view.current;
  if (!current || (action.stepId !== undefined && current.stepId !== action.stepId))
    throw new ConflictError(`Het dossier staat niet (meer) bij stap "${action.stepId}"; vernieuw de pagina.`, [
      'stepId',
    ]);
  if (view.suspension)
    throw new ConflictError(
      `De termijn staat al stil sinds ${view.suspension.from.slice(0, 10)} (${view.suspension.title}). Hervat hem eerst.`,
      ['type'],
    );
  const step = findStep(reg, current.stepId)?.step as Step;
  if (!step.allows.suspension)
    throw new UnprocessableError(`Bij de stap "${step.title}" mag de termijn volgens de regeling niet stilstaan.`, [
      'stepId',
    ]);
  if (!caller.mayActOnStep)
    throw new ForbiddenError('U mag deze stap niet zetten, dus ook de termijn niet stilzetten.');
  const grounds = groundsAt(reg, current.stepId);
  if (!action.ground)
    throw new UnprocessableError(
      `Kies waarom de termijn stilstaat: ${grounds.map((g) => `"${g.title}"`).join(', ')}.`,
      ['ground'],
    );
  const ground = grounds.find((g) => g.id === action.ground);
  if (!ground)
    throw new UnprocessableError(
      `De regeling kent bij deze stap geen grond "${action.ground}". Kies uit: ${grounds.map((g) => g.id).join(', ')}.`,
      ['ground'],
    );
  const reason = action.reason?.trim();
  if (!reason) throw new UnprocessableError('Schrijf op waarom de termijn stilstaat.', ['reason']);
  if (ground.complainantConsent && !action.consent)
    throw new UnprocessableError(
      `Voor "${ground.title}" moet de klager instemmen. Vink aan dat de klager heeft ingestemd.`,
      ['consent'],
    );
  const deadlines = affected(reg, view, ground, now);
  if (deadlines.length === 0)
    throw new UnprocessableError('Er loopt bij deze stap geen termijn die kan stilstaan.', ['ground']);

  const suspensionId = `s${(view.suspensions?.length ?? 0) + 1}`;
  const limit =
    action.until ??
    (ground.max
      ? computeDeadline({
          anchor: { event: 'het stilzetten van de termijn', at: now },
          term: ground.max,
          atw: true,
          ...(ground.statute ? { source: ground.statute } : {}),
          closingDays: reg.organisation.closingDays,
        }).dueAt
      : undefined);
  const data: SuspensionData = {
    suspensionId,
    groundId: ground.id,
    title: ground.title,
    reason,
    stepId: current.stepId,
    activation: current.activation,
    deadlineIds: deadlines.map((d) => d.deadlineId),
    ...(limit ? { until: limit } : {}),
    ...(action.consent ? { consent: true } : {}),
  };
  const bodies: EventBody[] = [{ type: 'suspension.started', data }];
  const why = reasonText(ground, reason);
  for (const d of deadlines) {
    const suspensions = [...(d.basis.suspensions ?? []), { suspensionId, from: firstStillDay(now), reason: why }];
    bodies.push({ type: 'deadline.suspended', data: { ...recomputed(reg, d, suspensions), suspensionId } });
  }
  // Nothing reminds or alarms while the clock stands still: the step's reminders and the terms'
  // schedules go, and come back for the new end.
  const stopped = new Set(deadlines.map((d) => d.deadlineId));
  for (const [name, r] of Object.entries(view.reminders)) {
    if (!r.active) continue;
    const ofStep = r.stepId === current.stepId && stopped.has(deadlineId(current.stepId, current.activation));
    const ofTerm = deadlines.some((d) => d.termId !== undefined && d.termId === r.stepId);
    if (ofStep || ofTerm) bodies.push({ type: 'reminder.cancelled', data: { name } });
  }
  if (limit) {
    bodies.push({
      type: 'reminder.scheduled',
      data: {
        name: endScheduleName(view, suspensionId),
        at: limit,
        stepId: current.stepId,
        deadlineId: suspensionId,
        kind: 'suspension-end',
      },
    });
  }
  if (ground.letter && !action.quiet) {
    const after = project(view, bodies, now, by);
    bodies.push(
      ...letter(after, 'suspended', ['complainant'], `${suspensionId}:start`, {
        step,
        reason,
        suspension: {
          // The complainant reads the ground said to them, not the officers' title.
          title: groundToComplainant(ground),
          resumesWhen: resumesWhen(ground),
          from: firstStillDay(now),
          ...(limit ? { until: limit } : {}),
        },
      }),
    );
  }
  const wakeStep = stopped.has(deadlineId(current.stepId, current.activation));
  return { bodies, wakeStep };
}

/**
 * The clock runs again: every deadline it stopped is recomputed through the calendar with the
 * days it stood still (the Atw on the new end), watched and reminded anew, and the complainant
 * is told the new dates where the regulation says so.
 */
export function decideResume(
  reg: Regulation,
  letter: LetterFn,
  view: DossierView,
  why: ResumeWhy,
  now: string,
  by: string,
  reason?: string,
): { bodies: EventBody[]; wakeStep: boolean } {
  const s = view.suspension;
  if (!s) throw new ConflictError('De termijn staat niet stil; er is niets te hervatten.', ['type']);
  const ground = groundOf(reg, view);
  const bodies: EventBody[] = [];
  const until = runsAgainOn(s.from, now);
  for (const id of s.deadlineIds) {
    const d = view.deadlines.find((x) => x.deadlineId === id);
    if (!d?.suspended) continue;
    const suspensions = (d.basis.suspensions ?? []).map((x) =>
      x.suspensionId === s.suspensionId && x.until === undefined ? { ...x, until } : x,
    );
    bodies.push({
      type: 'deadline.resumed',
      data: { ...recomputed(reg, d, suspensions), suspensionId: s.suspensionId },
    });
  }
  bodies.push({
    type: 'suspension.ended',
    data: { suspensionId: s.suspensionId, why, ...(reason?.trim() ? { reason: reason.trim() } : {}) },
  });
  const end = view.reminders[endScheduleName(view, s.suspensionId)];
  if (end?.active) bodies.push({ type: 'reminder.cancelled', data: { name: endScheduleName(view, s.suspensionId) } });
  let after = project(view, bodies, now, by);
  // Watched again, for the new end: the terms' schedules, the step's reminder.
  const current = after.current;
  for (const id of s.deadlineIds) {
    const d = after.deadlines.find((x) => x.deadlineId === id);
    if (d?.status !== 'open' || d.suspended) continue;
    const term = d.termId ? reg.ladder.terms.find((t) => t.id === d.termId) : undefined;
    if (term) bodies.push(...watch(reg, after, term, d, now));
    else if (current && d.deadlineId === deadlineId(current.stepId, current.activation)) {
      const step = findStep(reg, current.stepId)?.step;
      const at = step ? reminderAt(reg, step, d.lastDay) : undefined;
      if (step && at && at > now)
        bodies.push({
          type: 'reminder.scheduled',
          data: {
            name: `kf-${view.id}-${current.stepId}-${current.activation}-${s.suspensionId}`,
            at,
            stepId: current.stepId,
            deadlineId: d.deadlineId,
          },
        });
    }
  }
  after = project(view, bodies, now, by);
  if (ground?.letter && why !== 'step-ended') {
    bodies.push(
      ...letter(after, 'resumed', ['complainant'], `${s.suspensionId}:end`, {
        ...(findStep(reg, s.stepId) ? { step: findStep(reg, s.stepId)?.step } : {}),
        suspension: {
          title: ground ? groundToComplainant(ground) : s.title,
          resumesWhen: resumesWhen(ground),
          why,
          from: firstStillDay(s.from),
          runsAgain: until,
        },
      }),
    );
  }
  const wakeStep =
    current !== undefined &&
    current.stepId === s.stepId &&
    s.deadlineIds.includes(deadlineId(current.stepId, current.activation));
  return { bodies, wakeStep };
}

function reminderAt(reg: Regulation, step: Step, lastDay: string): string {
  return reminderInstant(lastDay, step.reminderBefore ?? reg.reminders.before, reg.organisation.closingDays);
}

/** The grounds the current step offers this caller, for the action list. */
export function suspendableGrounds(reg: Regulation, view: DossierView, now: string): SuspensionGround[] {
  if (view.status === 'closed' || view.suspension || !view.current) return [];
  return groundsAt(reg, view.current.stepId).filter((g) => affected(reg, view, g, now).length > 0);
}

/** The missing-information ground at the current step, if the regulation stops the clock for it. */
export function missingInformationGround(reg: Regulation, view: DossierView): SuspensionGround | undefined {
  return groundsAt(reg, view.current?.stepId).find((g) => g.on === 'missing-information');
}

// ---------------------------------------------------------------------------------------------
// The application: read, decide (above), append, wake the waiting step.

/**
 * Wakes the step's waiting task to wait again for its deadline as it is now (the `rearm` outcome,
 * as an extension does): the callback's timeout cannot change once set. A token that is no longer
 * valid means the task already woke (its timeout fired, or the step ended): the deadline task
 * reads the dossier as it is, so nothing is lost.
 */
export async function wakeStep(core: Core, view: DossierView, by: string): Promise<void> {
  const current = view.current;
  if (!current?.token || view.status === 'closed') return;
  const at = findStep(core.reg, current.stepId);
  if (!at) return;
  try {
    await core.succeed(current.token, { ...cursorFor(view, at, core.now()), outcome: CONTROL_OUTCOMES.rearm, by });
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
  }
}

/** An officer stops the clock (the `suspend` action). */
export async function suspend(
  core: Core,
  id: string,
  by: string,
  mayActOnStep: (view: DossierView) => boolean,
  action: { stepId: string; ground?: string; reason?: string; consent?: boolean },
): Promise<DossierView> {
  let wake = false;
  const view = await core.mutate(id, by, (v, now) => {
    const decided = decideSuspend(core.reg, lettersOf(core), v, { mayActOnStep: mayActOnStep(v) }, action, now, by);
    wake = decided.wakeStep;
    return decided.bodies;
  });
  if (wake) await wakeStep(core, view, by);
  return view;
}

/** An officer starts the clock again (the `resume` action). */
export async function resume(
  core: Core,
  id: string,
  by: string,
  mayActOnStep: (view: DossierView) => boolean,
  action: { stepId: string; reason?: string },
): Promise<DossierView> {
  let wake = false;
  const view = await core.mutate(id, by, (v, now) => {
    if (v.status === 'closed') throw new ConflictError('Dit dossier is gesloten.');
    if (v.current?.stepId !== action.stepId)
      throw new ConflictError(`Het dossier staat niet (meer) bij stap "${action.stepId}"; vernieuw de pagina.`, [
        'stepId',
      ]);
    if (!v.suspension) throw new ConflictError('De termijn staat niet stil; er is niets te hervatten.', ['type']);
    if (!mayActOnStep(v)) throw new ForbiddenError('U mag deze stap niet zetten, dus ook de termijn niet hervatten.');
    const decided = decideResume(core.reg, lettersOf(core), v, 'resumed', now, by, action.reason);
    wake = decided.wakeStep;
    return decided.bodies;
  });
  if (wake) await wakeStep(core, view, by);
  return view;
}

/**
 * The information the clock waited for arrived (the complainant's reply or addition, or the
 * officer recorded it): the events that start it again, for the caller's own change.
 */
export function resumeOnInformation(
  core: Core,
  view: DossierView,
  now: string,
  by: string,
): { bodies: EventBody[]; wakeStep: boolean } {
  if (!view.suspension || groundOf(core.reg, view)?.on !== 'missing-information')
    return { bodies: [], wakeStep: false };
  return decideResume(core.reg, lettersOf(core), view, 'information', now, by);
}

/**
 * The suspension's own term passed (its schedule fired): the clock runs again. The waiting step
 * wakes by itself at the same moment (its timeout is that term) and waits for the new end.
 */
export async function suspensionEnded(
  core: Core,
  p: { dossierId: string; deadlineId: string; name: string },
): Promise<void> {
  await core.mutate(p.dossierId, 'klachtflow', (v, now) => {
    if (v.status === 'closed' || v.suspension?.suspensionId !== p.deadlineId || !v.reminders[p.name]?.active) return [];
    return decideResume(core.reg, lettersOf(core), v, 'term-passed', now, 'klachtflow').bodies;
  });
}
