/**
 * Terms for the handling as a whole (Awb 9:11, Wkkgz art. 17): decisions as pure functions of the
 * regulation and the dossier, returning the events to append. The application modules call them at
 * the moments a complaint passes (received, a step begins, the dossier closes, a schedule fires, an
 * officer puts the term off); nothing here touches a port.
 *
 * How the waiting works: a term is not a step, so no callback task waits for it. When it starts,
 * two one-time schedules are made (the same Scheduler schedules the step reminders use, in AWS and
 * locally): the reminder before the end and the end itself. The end records the breach and alarms
 * whatever step the dossier is in, then keeps warning (three times after the reminder period, then
 * weekly) while the dossier stays inside the span. An extension replaces both schedules; a fired
 * schedule whose term moved or closed does nothing. The step's own wait is untouched, so the
 * committed ASL needs no state for it.
 */
import type { ProcedureTerm, Regulation, Step } from '../../../statemachines/model.js';
import { stepsInSpan } from '../../../statemachines/vocabulary.js';
import { computeDeadline, DeadlineError, reminderInstant } from '../calendar/deadline.js';
import { toSecond } from '../calendar/instant.js';
import { describeTerm, parseTerm } from '../calendar/term.js';
import { type DeadlineData, type DeadlineView, type DossierView, type EventBody, project } from '../dossier.js';
import { ConflictError, ForbiddenError, UnprocessableError } from '../errors.js';
import type { LetterInput } from '../letters.js';
import type { Core } from './core.js';

/** The id of one run of a term in a dossier (a term runs again only when the dossier re-enters its span). */
export function termDeadlineId(termId: string, activation: number): string {
  return `term:${termId}#${activation}`;
}

/** Whether a deadline belongs to a term for the handling as a whole. */
export function isTermDeadline(d: Pick<DeadlineData, 'termId'>): boolean {
  return d.termId !== undefined;
}

/** Makes letters the way the procedure does (rendered, addressed, into the outbox). */
export type LetterFn = (
  view: DossierView,
  kind: string,
  recipients: string[],
  key: string,
  extra?: Omit<LetterInput, 'reg' | 'view' | 'kind' | 'audience'>,
) => EventBody[];

/** The term's last run in the dossier, if any. */
function latestRun(view: DossierView, termId: string): DeadlineView | undefined {
  return view.deadlines.filter((d) => d.termId === termId).at(-1);
}

function runsOf(view: DossierView, termId: string): number {
  return view.deadlines.filter((d) => d.termId === termId).length;
}

/** The term's deadline computed through the calendar: anchor, term, Atw, source, explanation. */
export function termDeadline(
  reg: Regulation,
  term: ProcedureTerm,
  activation: number,
  anchorAt: string,
  atReceipt: boolean,
) {
  // Statutory terms: the Atw applies (DESIGN.md); the organisation's own as it chose.
  const atw = term.kind === 'statutory' ? true : (term.atw ?? reg.organisation.atwForOwnTerms);
  const source =
    term.statute ??
    (term.source
      ? `${reg.title}: "${term.source}"`
      : `door ${reg.organisation.name} gekozen; de regeling noemt hier geen termijn`);
  const anchorEvent = atReceipt ? 'ontvangst van de klacht' : 'het begin van deze trede';
  const text = typeof term.term === 'string' ? term.term : describeTerm(term.term);
  const computed = computeDeadline({
    anchor: { event: anchorEvent, at: anchorAt },
    term: text,
    atw,
    source,
    closingDays: reg.organisation.closingDays,
  });
  const data: DeadlineData = {
    deadlineId: termDeadlineId(term.id, activation),
    basis: { anchorEvent, anchorAt, term: text, atw, source, extensions: [] },
    // Listed beside the steps' own deadlines (reports, worklist) under the term's own name.
    stepId: term.id,
    termId: term.id,
    title: term.title,
    lastDay: computed.lastDay,
    dueAt: computed.dueAt,
    kind: term.kind,
    ...(term.statute ? { statute: term.statute } : {}),
    explanation: computed.explanation,
  };
  return data;
}

/**
 * At receipt: the terms that start with the complaint (their span holds the first step of the rung
 * it comes in at), so the confirmation, the acknowledgement and the worklist show them at once.
 */
export function termsAtReceipt(reg: Regulation, startRung: string, receivedAt: string): EventBody[] {
  const entry = reg.ladder.rungs.find((r) => r.id === startRung)?.steps[0]?.id;
  if (!entry) return [];
  // For the rung a complaint comes in at, reaching the rung is its receipt.
  return reg.ladder.terms
    .filter((t) => stepsInSpan(reg, t).includes(entry))
    .map((t) => ({ type: 'deadline.set', data: termDeadline(reg, t, 1, receivedAt, true) }) as EventBody);
}

/**
 * A step has just begun (`view` holds its `step.started`): terms whose span it enters start (or
 * go on), and are watched; open terms whose span it leaves end, met when the step before ended
 * in time with an outcome, breached when late, cancelled when the complainant went to another rung.
 */
export function termsAtStep(
  reg: Regulation,
  view: DossierView,
  stepId: string,
  previousStep: string | undefined,
  escalated: boolean,
  now: string,
): EventBody[] {
  const bodies: EventBody[] = [];
  for (const term of reg.ladder.terms) {
    const span = stepsInSpan(reg, term);
    const latest = latestRun(view, term.id);
    if (span.includes(stepId)) {
      const cameFromOutside = previousStep === undefined || !span.includes(previousStep);
      if (!latest || (latest.status !== 'open' && latest.status !== 'breached' && cameFromOutside)) {
        const atReceipt = term.from === 'receipt' || view.rungEnteredAt === view.received.receivedAt;
        const anchorAt = term.from === 'receipt' ? view.received.receivedAt : view.rungEnteredAt;
        bodies.push({
          type: 'deadline.set',
          data: termDeadline(reg, term, runsOf(view, term.id) + 1, anchorAt, atReceipt),
        });
      }
      const v = project(view, bodies, now, 'klachtflow');
      const run = latestRun(v, term.id);
      // A term whose clock stands still (opschorting) is watched again when it runs again.
      if (run?.status === 'open' && !run.suspended) bodies.push(...watch(reg, v, term, run, now));
      continue;
    }
    if (!latest) continue;
    if (latest.status === 'open') {
      bodies.push(
        escalated
          ? {
              type: 'deadline.cancelled',
              data: { deadlineId: latest.deadlineId, reason: 'de klager ging naar een volgende trede' },
            }
          : now <= latest.dueAt
            ? { type: 'deadline.met', data: { deadlineId: latest.deadlineId } }
            : { type: 'deadline.breached', data: { deadlineId: latest.deadlineId, alarmed: [] } },
      );
    }
    bodies.push(...unwatch(view, term.id));
  }
  return bodies;
}

/**
 * The dossier closes. After an outcome inside the span the term is met (or breached when late);
 * otherwise (withdrawn, referred, the complainant's own choice) it is cancelled with the reason.
 */
export function termsAtClose(
  reg: Regulation,
  view: DossierView,
  previousStep: string | undefined,
  now: string,
): EventBody[] {
  const bodies: EventBody[] = [];
  for (const term of reg.ladder.terms) {
    const latest = latestRun(view, term.id);
    if (!latest) continue;
    if (latest.status === 'open') {
      const answered = previousStep !== undefined && stepsInSpan(reg, term).includes(previousStep);
      bodies.push(
        !answered
          ? { type: 'deadline.cancelled', data: { deadlineId: latest.deadlineId, reason: 'dossier gesloten' } }
          : now <= latest.dueAt
            ? { type: 'deadline.met', data: { deadlineId: latest.deadlineId } }
            : { type: 'deadline.breached', data: { deadlineId: latest.deadlineId, alarmed: [] } },
      );
    }
    bodies.push(...unwatch(view, term.id));
  }
  return bodies;
}

/**
 * Schedule names of one run: the extension and suspension counts are in them, so a new end never
 * reuses an old one (names of runs never suspended read as they always did).
 */
function scheduleNames(view: DossierView, run: DeadlineView) {
  const resumed = (run.basis.suspensions ?? []).filter((s) => s.until !== undefined).length;
  const base = `kf-${view.id}-${run.deadlineId.replace(/[^A-Za-z0-9-]/g, '-')}-x${run.basis.extensions.length}${resumed ? `-s${resumed}` : ''}`;
  return { reminder: `${base}-r`, end: `${base}-e` };
}

/** One second after the last instant of the last day: Scheduler fires within the minute it names. */
function afterEnd(dueAt: string): string {
  return toSecond(Date.parse(dueAt) + 1000);
}

/** The reminder before the end and the end itself, as one-time schedules (made once per end). */
export function watch(
  reg: Regulation,
  view: DossierView,
  term: ProcedureTerm,
  run: DeadlineView,
  now: string,
): EventBody[] {
  const names = scheduleNames(view, run);
  const bodies: EventBody[] = [];
  const at = reminderInstant(run.lastDay, term.reminderBefore ?? reg.reminders.before, reg.organisation.closingDays);
  if (!view.reminders[names.reminder] && at > now) {
    bodies.push({
      type: 'reminder.scheduled',
      data: { name: names.reminder, at, stepId: term.id, deadlineId: run.deadlineId, kind: 'term-reminder' },
    });
  }
  if (!view.reminders[names.end]) {
    bodies.push({
      type: 'reminder.scheduled',
      data: { name: names.end, at: afterEnd(run.dueAt), stepId: term.id, deadlineId: run.deadlineId, kind: 'term-end' },
    });
  }
  return bodies;
}

/** Removes a term's schedules that have not fired. */
export function unwatch(view: DossierView, termId: string): EventBody[] {
  return Object.entries(view.reminders)
    .filter(([, r]) => r.active && r.stepId === termId)
    .map(([name]) => ({ type: 'reminder.cancelled', data: { name } }) as EventBody);
}

/** The term a deadline belongs to, with its run, while the dossier is inside its span. */
function running(reg: Regulation, view: DossierView, deadlineId: string) {
  const run = view.deadlines.find((d) => d.deadlineId === deadlineId);
  const term = reg.ladder.terms.find((t) => t.id === run?.termId);
  if (!run || !term || view.status === 'closed') return undefined;
  if (latestRun(view, term.id)?.deadlineId !== deadlineId) return undefined;
  const current = view.current;
  const inside = current !== undefined && stepsInSpan(reg, term).includes(current.stepId);
  return { run, term, inside };
}

/** Who hears of the term: whoever holds the dossier now (a role), else the rung's handler. */
function holders(reg: Regulation, view: DossierView): string[] {
  const assignee = view.current?.assignee;
  if (assignee && assignee !== 'complainant' && assignee !== 'system') return [assignee];
  const rung = reg.ladder.rungs.find((r) => r.id === view.rungId);
  return rung?.handlerRole ? [rung.handlerRole] : [];
}

/** A step-like subject for a letter about the term ("De termijn is verstreken …: Afhandeling van de klacht"). */
function asSubject(view: DossierView, reg: Regulation, term: ProcedureTerm): Step {
  const current = reg.ladder.rungs.flatMap((r) => r.steps).find((s) => s.id === view.current?.stepId);
  const base: Step = current ?? (reg.ladder.rungs[0]?.steps[0] as Step);
  return { ...base, title: term.title };
}

function where(reg: Regulation, view: DossierView): string {
  const step = reg.ladder.rungs.flatMap((r) => r.steps).find((s) => s.id === view.current?.stepId);
  return step ? ` Het dossier staat nu bij de stap "${step.title}".` : '';
}

/** The reminder before a term's end fired: remind whoever holds the dossier, if the term still runs to that end. */
export function decideTermReminder(
  reg: Regulation,
  letter: LetterFn,
  view: DossierView,
  p: { deadlineId: string; name: string },
): EventBody[] {
  const r = view.reminders[p.name];
  const found = running(reg, view, p.deadlineId);
  if (!r?.active || !found || found.run.status !== 'open' || !found.inside) return [];
  return letter(view, 'reminder', holders(reg, view), `${p.name}:reminder`, {
    step: asSubject(view, reg, found.term),
    dueAt: found.run.dueAt,
    note: `Dit is de termijn voor de hele behandeling${found.term.statute ? ` (${found.term.statute})` : ''}.${where(reg, view)}`,
  });
}

/**
 * The end of a term fired: record the breach and alarm (whatever step the dossier is in), and warn
 * again later while the dossier stays in the span. Nothing when the term moved, ended or closed.
 */
export function decideTermEnded(
  reg: Regulation,
  letter: LetterFn,
  view: DossierView,
  p: { deadlineId: string; name: string },
  now: string,
): { bodies: EventBody[]; breached?: string } {
  const r = view.reminders[p.name];
  const found = running(reg, view, p.deadlineId);
  if (!r?.active || !found) return { bodies: [] };
  const { run, term } = found;
  // The clock stands still: the end is unknown until it runs again, and nothing is late meanwhile.
  if (run.suspended) return { bodies: [] };
  // Put off since this schedule was made: the new end has its own schedule.
  if (Date.parse(run.dueAt) >= Date.parse(now)) return { bodies: [] };
  if (run.status !== 'open' && run.status !== 'breached') return { bodies: [] };
  if (!found.inside && run.status === 'breached') return { bodies: [] };
  const escalation = term.escalateTo ?? reg.roles.find((x) => x.id === holders(reg, view)[0])?.escalatesTo ?? undefined;
  const alarmed = [...new Set([...holders(reg, view), ...(escalation ? [escalation] : [])])];
  const bodies: EventBody[] = [{ type: 'reminder.cancelled', data: { name: p.name } }];
  const first = run.status === 'open';
  if (first) bodies.push({ type: 'deadline.breached', data: { deadlineId: run.deadlineId, alarmed } });
  const alarms = view.letters.filter((l) => l.kind === 'alarm' && l.letterId.startsWith(`${run.deadlineId}:`)).length;
  const after = project(view, bodies, now, 'klachtflow');
  bodies.push(
    ...letter(after, 'alarm', alarmed, `${run.deadlineId}:alarm:${p.name}`, {
      step: asSubject(view, reg, term),
      dueAt: run.dueAt,
      note: `Dit is de termijn voor de hele behandeling${term.statute ? ` (${term.statute})` : ''}.${where(reg, view)}${alarms > 0 ? ` Dit is waarschuwing ${alarms + 1}.` : ''}`,
    }),
  );
  // Warn again: after the reminder period three times, then weekly (as a step's breach does).
  const next = computeDeadline({
    anchor: { event: 'de vorige waarschuwing', at: now },
    term: alarms < 3 ? reg.reminders.before : '1 week',
    atw: false,
  });
  bodies.push({
    type: 'reminder.scheduled',
    data: {
      name: `${scheduleNames(view, run).end}-a${alarms + 1}`,
      at: next.dueAt,
      stepId: term.id,
      deadlineId: run.deadlineId,
      kind: 'term-end',
    },
  });
  return { bodies, ...(first ? { breached: term.kind } : {}) };
}

/** The terms the current step lies in that the caller may put off, for the action list. */
export function extendableTerms(
  reg: Regulation,
  view: DossierView,
  roles: readonly string[],
  mayActOnStep: boolean,
): ProcedureTerm[] {
  const current = view.current;
  if (!current || view.status === 'closed') return [];
  return reg.ladder.terms.filter((t) => {
    if (!t.extension || !stepsInSpan(reg, t).includes(current.stepId)) return false;
    if (latestRun(view, t.id)?.status !== 'open') return false;
    return t.extension.by ? roles.some((r) => t.extension?.by?.includes(r)) : mayActOnStep;
  });
}

/**
 * An officer puts a term off (Awb 9:11 lid 2, Wkkgz art. 17 lid 2) from a step inside its span:
 * within the cap, announced before the end (up to and including its last day as the Atw moved it),
 * with a letter to the complainant and the respondent. The step goes on as it was.
 */
export function decideTermExtension(
  reg: Regulation,
  letter: LetterFn,
  view: DossierView,
  caller: { roles: readonly string[]; mayActOnStep: boolean },
  action: { termId: string; term: string; reason: string; consent?: boolean },
  now: string,
  by: string,
): EventBody[] {
  const term = reg.ladder.terms.find((t) => t.id === action.termId);
  if (!term) throw new UnprocessableError(`De regeling kent geen termijn "${action.termId}".`, ['termId']);
  const rule = term.extension;
  if (!rule) throw new UnprocessableError(`De regeling staat geen verdaging toe van "${term.title}".`, ['termId']);
  const current = view.current;
  if (!current || !stepsInSpan(reg, term).includes(current.stepId)) {
    throw new UnprocessableError(`"${term.title}" loopt niet bij de stap waar het dossier nu staat.`, ['termId']);
  }
  const allowed = rule.by ? caller.roles.some((r) => rule.by?.includes(r)) : caller.mayActOnStep;
  if (!allowed) throw new ForbiddenError('U mag deze termijn niet verlengen.');
  const run = latestRun(view, term.id);
  if (!run || run.status === 'met' || run.status === 'cancelled') {
    throw new UnprocessableError(`"${term.title}" loopt niet (meer).`, ['termId']);
  }
  // A stopped clock has no end to put off: the new end is known when it runs again.
  if (run.suspended)
    throw new ConflictError(`"${term.title}" staat stil. Laat de termijn eerst weer lopen, dan kunt u hem verdagen.`, [
      'termId',
    ]);
  const source = rule.statute ?? term.statute ?? reg.title;
  const extensions = [
    ...run.basis.extensions,
    { term: action.term, reason: action.reason, announcedAt: now, ...(action.consent ? { consent: true } : {}) },
  ];
  let computed: ReturnType<typeof computeDeadline>;
  try {
    parseTerm(action.term);
    computed = computeDeadline({
      anchor: { event: run.basis.anchorEvent, at: run.basis.anchorAt },
      term: run.basis.term,
      atw: run.basis.atw,
      ...(run.basis.source ? { source: run.basis.source } : {}),
      closingDays: reg.organisation.closingDays,
      extensions,
      ...(run.basis.suspensions?.length ? { suspensions: run.basis.suspensions } : {}),
      extensionPolicy: {
        max: rule.max,
        // The calendar checks "before the end": up to and including the last day as the Atw moved it.
        announceBeforeExpiry: rule.announceBeforeExpiry,
        beyondMaxWithConsent: rule.beyondMaxWithConsent,
        source,
      },
    });
  } catch (e) {
    if (e instanceof DeadlineError) throw new UnprocessableError(e.message, ['term', ...e.path]);
    throw new UnprocessableError((e as Error).message, ['term']);
  }
  const extended: DeadlineData & { reason: string } = {
    ...run,
    basis: { ...run.basis, extensions },
    lastDay: computed.lastDay,
    dueAt: computed.dueAt,
    explanation: computed.explanation,
    reason: action.reason,
  };
  // The view's status and flags are not part of the event.
  const { status: _s, extended: _e, ...data } = extended as typeof extended & Partial<DeadlineView>;
  const bodies: EventBody[] = [{ type: 'deadline.extended', data }, ...unwatch(view, term.id)];
  let after = project(view, bodies, now, by);
  const moved = latestRun(after, term.id);
  if (moved) bodies.push(...watch(reg, after, term, moved, now));
  after = project(view, bodies, now, by);
  bodies.push(
    ...letter(after, 'extension', ['complainant', 'respondent'], `${run.deadlineId}:x${extensions.length}`, {
      dueAt: computed.dueAt,
      reason: action.reason,
    }),
  );
  return bodies;
}

// ---------------------------------------------------------------------------------------------
// The application: read, decide (above), append, deliver.

/** The procedure's letters (rendered, addressed, into the outbox) for the decisions above. */
export function lettersOf(core: Core): LetterFn {
  return (view, kind, recipients, key, extra) =>
    core.letter(view, kind as Parameters<Core['letter']>[1], recipients, key, extra);
}

/**
 * A schedule of a term for the whole handling fired: the reminder before its end, or its end (the
 * breach recorded and alarmed whatever step the dossier is in).
 */
export async function termFired(
  core: Core,
  p: { kind: 'term-reminder' | 'term-end'; dossierId: string; deadlineId: string; name: string },
): Promise<void> {
  let breached: string | undefined;
  const view = await core.mutate(p.dossierId, 'klachtflow', (v, now) => {
    if (p.kind === 'term-reminder') return decideTermReminder(core.reg, lettersOf(core), v, p);
    const decided = decideTermEnded(core.reg, lettersOf(core), v, p, now);
    breached = decided.breached;
    return decided.bodies;
  });
  const run = view.deadlines.find((d) => d.deadlineId === p.deadlineId);
  if (breached && run) {
    core.deps.observer?.deadlineBreached({
      regulationId: core.reg.id,
      dossierId: p.dossierId,
      stepId: run.stepId,
      kind: breached,
    });
  }
}
