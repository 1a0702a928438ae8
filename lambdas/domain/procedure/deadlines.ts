/**
 * A step's deadline, who holds the step, whom its breach alarms, when to remind, and how long the
 * state machine waits: pure decisions over the regulation and the dossier, on top of the calendar.
 */

import { Temporal } from 'temporal-polyfill';
import { findStep, type LadderStep, resolveOutcome } from '../../../statemachines/ladder.js';
import type { Regulation, Step } from '../../../statemachines/model.js';
import { ANCHOR_LABELS } from '../../../statemachines/vocabulary.js';
import { computeDeadline, localDate, reminderInstant } from '../calendar/deadline.js';
import { toSecond } from '../calendar/instant.js';
import { describeTerm } from '../calendar/term.js';
import {
  type DeadlineData,
  type DeadlineView,
  type DossierView,
  deadlineId,
  type EventBody,
  lastEnded,
} from '../dossier.js';
import type { BeginResult } from './types.js';

/** Standard executions live a year; go on in a new one with margin to spare. */
export const EXECUTION_LIFETIME_SECONDS = 360 * 24 * 3600;

/** How long a step whose clock stands still waits before it looks again (three transitions a week). */
export const SUSPENDED_LOOK_SECONDS = 7 * 24 * 3600;
/** The shortest look: once a day keeps a long suspension's history small (25 000 events a year). */
const SHORTEST_LOOK_SECONDS = 24 * 3600;
/** The most days the Atw (art. 1) can have added to an end: Goede Vrijdag to tweede Paasdag. */
const ATW_MOST_DAYS = 4;

/**
 * How long a step whose clock stands still waits before it looks again. The look is the safety net
 * for a resume whose wake never reached the ladder (a crash after storing it): it must come before
 * the new end, or the breach is found late. Resumed on day D, the end moves to at least
 * D + (days that were left when the clock stopped) - 1 (Awb 4:15: the days from the day after the
 * stop up to the day before the resume are added), so a look every (days left - 1) days is always
 * in time. `lastDay` may hold up to ATW_MOST_DAYS the Atw added, which need not come back. Capped
 * at a week; at least a day (stopped on its last two days, a lost wake may be found up to a day late).
 */
export function suspendedLookSeconds(lastDay: string, stoppedAt: string): number {
  const left = Temporal.PlainDate.from(lastDay).since(localDate(stoppedAt), { largestUnit: 'days' }).days;
  const days = left - 1 - ATW_MOST_DAYS;
  return Math.min(SUSPENDED_LOOK_SECONDS, Math.max(SHORTEST_LOOK_SECONDS, days * 24 * 3600));
}

export function deadlineFor(reg: Regulation, step: Step, activation: number, anchorAt: string): DeadlineData {
  const d = step.deadline;
  if (!d) throw new Error(`Step ${step.id} has no deadline`);
  const atw = d.kind === 'statutory' ? true : (d.atw ?? reg.organisation.atwForOwnTerms);
  // A person reads the explanation: an assumption (written in English, for the organisation to
  // confirm) is named as the organisation's own choice instead of quoted.
  const source =
    d.statute ??
    (d.source
      ? `${reg.title}: "${d.source}"`
      : `door ${reg.organisation.name} gekozen; de regeling noemt hier geen termijn`);
  const anchorEvent =
    d.from === 'step-end'
      ? `${ANCHOR_LABELS[d.from]} "${findStep(reg, d.step ?? '')?.step.title ?? d.step}"`
      : ANCHOR_LABELS[d.from];
  const term = typeof d.term === 'string' ? d.term : describeTerm(d.term);
  const computed = computeDeadline({
    anchor: { event: anchorEvent, at: anchorAt },
    term,
    atw,
    ...(source ? { source } : {}),
    closingDays: reg.organisation.closingDays,
  });
  return {
    deadlineId: deadlineId(step.id, activation),
    basis: { anchorEvent, anchorAt, term, atw, ...(source ? { source } : {}), extensions: [] },
    stepId: step.id,
    title: step.title,
    lastDay: computed.lastDay,
    dueAt: computed.dueAt,
    kind: d.kind,
    ...(d.statute ? { statute: d.statute } : {}),
    explanation: computed.explanation,
  };
}

/** The instant a step's term counts from, per its anchor. */
export function anchorOf(view: DossierView, step: Step, now: string): string | undefined {
  const d = step.deadline;
  if (!d) return undefined;
  switch (d.from) {
    case 'receipt':
      return view.received.receivedAt;
    case 'acknowledgement':
      return view.letters.find((l) => l.kind === 'acknowledgement')?.queuedAt ?? now;
    case 'rung-start':
      return view.rungEnteredAt;
    case 'step-start':
      return now;
    case 'step-end':
      return (d.step && lastEnded(view, d.step)) ?? now;
  }
}

export function assigneeFor(reg: Regulation, view: DossierView, step: Step): string {
  if (step.actor === 'system' || step.actor === 'complainant') return step.actor;
  // Conflict of interest (OCO: a complaint about the coordinator goes to their manager).
  const route = reg.conflictOfInterest.find(
    (c) => c.when === 'complaint-about-role' && c.role === step.actor && view.received.aboutRole === step.actor,
  );
  return route && route.routeTo !== 'substitute' ? route.routeTo : step.actor;
}

export function escalationRole(reg: Regulation, step: Step, assignee: string): string[] {
  const to = step.onDeadline?.escalateTo ?? reg.roles.find((r) => r.id === assignee)?.escalatesTo;
  return [...new Set([assignee, ...(to ? [to] : [])].filter((r) => r !== 'complainant' && r !== 'system'))];
}

/**
 * When an outcome hands the dossier to the complainant's choice and the regulation gives them a
 * term for it, the moment that term ends. The choice step starts in the same change as the
 * letter that ends the rung, so this is the deadline `beginStep` sets a moment later.
 */
export function choiceReplyBy(reg: Regulation, at: LadderStep, outcomeId: string, now: string): string | undefined {
  const target = resolveOutcome(reg, at, outcomeId);
  if (target.kind !== 'choice' || !target.to.step.deadline) return undefined;
  return deadlineFor(reg, target.to.step, 1, now).dueAt;
}

/**
 * The reminder before a step's deadline, for whoever must act (officer or complainant), at the
 * step's own lead time where the regulation gives one, else the regulation's.
 */
export function reminderFor(
  reg: Regulation,
  name: string,
  step: Step,
  deadline: Pick<DeadlineView, 'deadlineId' | 'lastDay'>,
  now: string,
): EventBody[] {
  const before = step.reminderBefore ?? reg.reminders.before;
  const at = reminderInstant(deadline.lastDay, before, reg.organisation.closingDays);
  if (at <= now) return [];
  return [{ type: 'reminder.scheduled', data: { name, at, stepId: step.id, deadlineId: deadline.deadlineId } }];
}

/** How long the callback may wait: until the deadline, capped by the execution's lifetime. */
export function cursorFor(view: DossierView, at: LadderStep, now: string, executionStartedAt?: string): BeginResult {
  const activation = view.activations[at.step.id] ?? 1;
  const deadline = view.deadlines.find((d) => d.deadlineId === deadlineId(at.step.id, activation));
  const nowMs = Date.parse(now);
  const cap = executionStartedAt
    ? Date.parse(executionStartedAt) + EXECUTION_LIFETIME_SECONDS * 1000
    : nowMs + EXECUTION_LIFETIME_SECONDS * 1000;
  // While the clock stands still (opschorting) the step waits until the suspension's own term, or a
  // week, never until the old end: resuming wakes it to wait for the new end, and should that wake
  // be lost (a crash after storing the resume), the look finds the new end all the same, in time
  // (suspendedLookSeconds); a wake lost to a stale token is repaired at once (awaitAction).
  const still = deadline?.suspended ? view.suspension?.until : undefined;
  const look =
    nowMs +
    (deadline?.suspended
      ? suspendedLookSeconds(deadline.lastDay, view.suspension?.from ?? now)
      : SUSPENDED_LOOK_SECONDS) *
      1000;
  const waitUntil =
    deadline?.status !== 'open'
      ? cap
      : deadline.suspended
        ? Math.min(still ? Math.min(Date.parse(still), look) : look, cap)
        : Math.min(Date.parse(deadline.dueAt), cap);
  return {
    step: at.step.id,
    timeoutSeconds: Math.max(1, Math.ceil((waitUntil - nowMs) / 1000)),
    dueAt: toSecond(waitUntil),
  };
}

/** Deadlines as the API shows them: every one the dossier knows, with its explanation. */
export function deadlinesOf(view: DossierView) {
  return view.deadlines.map((d) => ({
    id: d.deadlineId,
    step: d.stepId,
    title: d.title,
    lastDay: d.lastDay,
    dueAt: d.dueAt,
    status: d.status,
    kind: d.kind,
    extended: d.extended,
    suspended: !!d.suspended,
    ...(d.statute ? { statute: d.statute } : {}),
    ...(d.termId ? { term: d.termId } : {}),
    explanation: d.explanation,
  }));
}
