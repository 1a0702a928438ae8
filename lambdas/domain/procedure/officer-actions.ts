/**
 * Officers' actions on the current step: who may act, which actions the step allows, and taking
 * one (an outcome, a handover, an extension of the step's term).
 */
import { deepFreeze } from '../../../statemachines/deep-freeze.js';
import { CONTROL_OUTCOMES, findStep, type LadderStep, resolveOutcome } from '../../../statemachines/ladder.js';
import { contentFields, type LetterContent } from '../../../statemachines/letter-content.js';
import type { Regulation, Step } from '../../../statemachines/model.js';
import { computeDeadline, DeadlineError } from '../calendar/deadline.js';
import { describeTerm, parseTerm } from '../calendar/term.js';
import { type DossierView, deadlineId, type EventBody, project } from '../dossier.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.js';
import type { Core } from './core.js';
import { cursorFor, reminderFor } from './deadlines.js';
import { decideTermExtension, extendableTerms, lettersOf } from './handling-terms.js';
import { completion } from './ladder-tasks.js';
import { registrationOf } from './records.js';
import { resume, suspend, suspendableGrounds } from './suspension.js';
import type { Action, AvailableAction, BeginResult, Caller } from './types.js';

/**
 * Who may act on a step: whoever holds it (its actor, or whom the conflict-of-interest rule or a
 * handover named) and that role's deputies. `escalatesTo` is whom a missed deadline alarms; being
 * alarmed gives no right to decide (a complaints officer alarmed about the board's step does not
 * take the board's decision).
 */
export function mayAct(core: Core, caller: Caller, view: DossierView, step: Step): boolean {
  if (caller.kind === 'complainant') return step.actor === 'complainant';
  const assignee = view.current?.assignee ?? step.actor;
  if (step.actor === 'complainant') return true; // recorded on the complainant's behalf (phone, letter)
  const role = core.reg.roles.find((r) => r.id === assignee);
  const allowed = new Set([assignee, ...(role?.deputies ?? [])]);
  return caller.roles.some((r) => allowed.has(r));
}

/**
 * What the officer must write when taking `outcome` (or any outcome): the items the letters that go
 * out with it must contain that are theirs to fill in (the findings, the judgement, the measures and
 * their date), by key. The step's own letter goes with every outcome a person takes.
 */
export function contentFieldsFor(
  reg: Regulation,
  step: Step,
  outcomeId?: string,
): Extract<LetterContent, { source: 'field' }>[] {
  const own = step.letter && step.letter.when === 'end' && step.actor !== 'system' ? step.letter.mustContain : [];
  const outcomes = step.outcomes.filter((o) => !o.automatic && (outcomeId === undefined || o.id === outcomeId));
  return contentFields(reg, [...own, ...outcomes.flatMap((o) => o.letter?.mustContain ?? [])]);
}

/** The actions the current step allows this caller, each with the fields it takes. */
export function availableActions(core: Core, view: DossierView, caller: Caller): AvailableAction[] {
  const current = view.current;
  if (view.status === 'closed' || !current || !current.token) return [];
  const at = findStep(core.reg, current.stepId);
  if (!at || !mayAct(core, caller, view, at.step)) return [];
  const actions: AvailableAction[] = [
    { type: 'outcome', stepId: current.stepId, title: at.step.title, fields: outcomeFields(core.reg, at.step) },
  ];
  if (caller.kind === 'officer' && at.step.allows.extension) {
    actions.push({
      type: 'extend',
      stepId: current.stepId,
      title: 'Termijn verlengen',
      ...capOf(at.step.allows.extension),
      fields: {
        term: { type: 'term', required: true },
        reason: { type: 'text', required: true },
        // Beyond the cap with the complainant's written consent only where the rule allows it
        // (Awb 9:11 lid 2); the Wkkgz (art. 17 lid 2) has no such way, and the form must not offer it.
        ...(consentBeyondCap(at.step.allows.extension) ? { consent: { type: 'boolean', required: false } } : {}),
      },
    });
  }
  if (caller.kind === 'officer') {
    // Terms for the whole handling the current step lies in, put off by whom the regulation names.
    for (const t of extendableTerms(core.reg, view, caller.roles, true)) {
      actions.push({
        type: 'extend',
        stepId: current.stepId,
        termId: t.id,
        title: `Termijn voor de hele behandeling verdagen: ${t.title}`,
        ...capOf(t.extension),
        fields: {
          term: { type: 'term', required: true },
          reason: { type: 'text', required: true },
          ...(consentBeyondCap(t.extension) ? { consent: { type: 'boolean', required: false } } : {}),
        },
      });
    }
  }
  if (caller.kind === 'officer') {
    // Stopping the clock (opschorting) where the regulation allows it, on its grounds.
    const grounds = suspendableGrounds(core.reg, view, core.now());
    if (grounds.length) {
      actions.push({
        type: 'suspend',
        stepId: current.stepId,
        title: 'Termijn stilzetten (opschorten)',
        fields: {
          ground: {
            type: 'choice',
            required: true,
            options: grounds.map((g) => ({ value: g.id, title: g.title })),
          },
          reason: { type: 'text', required: true },
          consent: {
            type: 'boolean',
            required: grounds.some((g) => g.complainantConsent),
            // The grounds that need the complainant's agreement, by title (the form names them).
            requiredFor: grounds.filter((g) => g.complainantConsent).map((g) => g.title),
          },
        },
      });
    }
    if (view.suspension) {
      actions.push({
        type: 'resume',
        stepId: current.stepId,
        title: 'Termijn weer laten lopen (hervatten)',
        fields: { reason: { type: 'text', required: false } },
      });
    }
  }
  if (caller.kind === 'officer' && at.step.allows.handover) {
    actions.push({
      type: 'handover',
      stepId: current.stepId,
      title: 'Overdragen (bijvoorbeeld bij belangenverstrengeling)',
      fields: {
        to: {
          type: 'choice',
          required: true,
          options: core.reg.roles
            .filter((r) => r.id !== current.assignee)
            .map((r) => ({ value: r.id, title: r.title })),
        },
        reason: { type: 'text', required: true },
      },
    });
  }
  return actions;
}

/**
 * The fields of a step's outcome action: the outcomes a person may take, the note, and what the
 * letters that go with them must contain that only the officer can write (Awb 9:12, Wkkgz art. 17),
 * each with the outcomes it is required for. They follow from the regulation and the step alone,
 * so they are made once per step of a regulation (a regulation is parsed once and never changed
 * after, as statemachines/ladder.ts relies on too): made for every dossier an officer opened, the
 * required-for lists asked the step's letters again for each field and outcome (#19, session 17).
 * Frozen, so a caller that would change what every later answer shares fails at once.
 */
const OUTCOME_FIELDS = new WeakMap<Regulation, Map<Step, AvailableAction['fields']>>();

export function outcomeFields(reg: Regulation, step: Step): AvailableAction['fields'] {
  let byStep = OUTCOME_FIELDS.get(reg);
  if (!byStep) {
    byStep = new Map();
    OUTCOME_FIELDS.set(reg, byStep);
  }
  const known = byStep.get(step);
  if (known) return known;
  const taken = step.outcomes.filter((o) => !o.automatic);
  const fields: AvailableAction['fields'] = {
    outcome: {
      type: 'choice',
      required: true,
      options: taken.map((o) => ({ value: o.id, title: o.title })),
    },
    note: { type: 'text', required: false },
    // What the letters must contain that only the officer can write (Awb 9:12, Wkkgz art. 17).
    ...Object.fromEntries(
      contentFieldsFor(reg, step).map((f) => [
        `contents.${f.key}`,
        {
          type: f.type,
          required: false,
          label: f.field === 'written' ? f.label : `${f.label}: ${f.text}`,
          requiredFor: taken
            .filter((o) => contentFieldsFor(reg, step, o.id).some((x) => x.key === f.key))
            .map((o) => o.id),
        },
      ]),
    ),
  };
  deepFreeze(fields);
  byStep.set(step, fields);
  return fields;
}

/** Takes an action on the current step. Stale or repeated: ConflictError; not allowed here: UnprocessableError. */
export async function act(core: Core, id: string, caller: Caller, action: Action): Promise<DossierView> {
  const view = await core.deps.store.load(id);
  if (!view) throw new NotFoundError();
  if (view.status === 'closed') throw new ConflictError('Dit dossier is gesloten.');
  const current = view.current;
  if (!current || current.stepId !== action.stepId) {
    throw new ConflictError(`Het dossier staat niet (meer) bij stap "${action.stepId}"; vernieuw de pagina.`, [
      'stepId',
    ]);
  }
  const at = findStep(core.reg, current.stepId);
  if (!at) throw new ConflictError('Onbekende stap.');
  // A term for the whole handling: put off by whom the regulation names, from any step of its span.
  if (action.type === 'extend' && action.termId !== undefined)
    return extendTerm(core, id, caller, { ...action, termId: action.termId });
  // Stopping and starting the clock: by whoever may act on the step, whether or not it waits yet.
  if (action.type === 'suspend' || action.type === 'resume') {
    if (caller.kind !== 'officer') throw new ForbiddenError('Alleen een medewerker kan de termijn stilzetten.');
    const may = (v: DossierView) => {
      const step = v.current ? findStep(core.reg, v.current.stepId)?.step : undefined;
      return !!step && mayAct(core, caller, v, step);
    };
    return action.type === 'suspend'
      ? suspend(core, id, caller.sub, may, action)
      : resume(core, id, caller.sub, may, action);
  }
  if (!mayAct(core, caller, view, at.step)) throw new ForbiddenError('U mag deze stap niet zetten.');
  if (!current.token)
    throw new ConflictError('Deze stap wordt nog voorbereid; probeer het over enkele seconden opnieuw.');
  const by = caller.kind === 'officer' ? caller.sub : 'complainant';

  const ctx: ActionContext = { id, view, at, token: current.token, by };
  if (action.type === 'outcome') return chooseOutcome(core, ctx, action);
  if (action.type === 'handover') return handOver(core, ctx, action);
  if (action.type === 'extend') return extend(core, ctx, action);
  throw new UnprocessableError('Onbekende actie.', ['type']);
}

/** What `act` checked, handed to the action: the dossier as read, its step, the task token, who acts. */
interface ActionContext {
  id: string;
  view: DossierView;
  at: LadderStep;
  token: string;
  by: string;
}

/** An outcome: checked against the step, then handed to the waiting state machine. */
async function chooseOutcome(
  core: Core,
  ctx: ActionContext,
  action: Extract<Action, { type: 'outcome' }>,
): Promise<DossierView> {
  const { view, at, token, by } = ctx;
  const choosable = at.step.outcomes.filter((o) => !o.automatic);
  if (!choosable.some((o) => o.id === action.outcome)) {
    throw new UnprocessableError(`Kies een uitkomst van deze stap: ${choosable.map((o) => o.id).join(', ')}.`, [
      'outcome',
    ]);
  }
  // ONS: the registration form is complete before the dossier closes.
  if (resolveOutcome(core.reg, at, action.outcome).kind === 'close' && core.reg.registration?.completeBeforeClosure) {
    const missing = registrationOf(core, view)?.missing ?? [];
    if (missing.length) {
      const texts = missing.map((m) => core.reg.registration?.questions.find((q) => q.id === m)?.text ?? m);
      throw new UnprocessableError(`Vul eerst het registratieformulier in: ${texts.join('; ')}.`, [
        'registration',
        missing[0] ?? '',
      ]);
    }
  }
  const contents = checkContents(core.reg, at.step, action.outcome, action.contents ?? {});
  const previous = {
    step: action.stepId,
    outcome: action.outcome,
    by,
    ...(action.note ? { note: action.note } : {}),
    ...(Object.keys(contents).length ? { contents } : {}),
  };
  const activation = view.current?.activation ?? 1;
  await core.succeed(token, previous);
  // The state machine has the decision; now it is in the dossier too, before the answer says so.
  // A withdrawal recorded in between wins (issue 14: both answered 200 and the decision vanished):
  // the officer hears 409, and the history shows the withdrawal. Whichever writer records the
  // step's end first (this one or the ladder's next begin) records it once. Decided first on the
  // dossier as `act` read it (no second read): the append is conditional on that version, so a
  // begin or withdrawal that wrote in between makes it decide again on what they wrote.
  return core.mutate(
    ctx.id,
    by,
    (v, now) => {
      const recorded = v.ended.some(
        (e) => e.stepId === action.stepId && e.activation === activation && e.outcome === action.outcome,
      );
      if (recorded) return [];
      if (v.status === 'closed')
        throw new ConflictError(
          v.closed?.result === 'withdrawn'
            ? 'De klager heeft de klacht ingetrokken voordat uw beslissing was vastgelegd. Uw beslissing is niet vastgelegd.'
            : 'Het dossier is gesloten voordat uw beslissing was vastgelegd.',
        );
      if (v.current?.stepId !== action.stepId || v.current.activation !== activation)
        throw new ConflictError('Het dossier is intussen verder gegaan; vernieuw de pagina.');
      return completion(core, v, previous, now, by);
    },
    view,
  );
}

/**
 * The officer's text for what the outcome's letters must contain: every field there, filled in; a
 * date as a date. Refused (422, the field's path) before anything is decided, so no letter goes out
 * promising findings it does not hold.
 */
function checkContents(
  reg: Regulation,
  step: Step,
  outcomeId: string,
  given: Record<string, string>,
): Record<string, string> {
  const all = new Set(contentFieldsFor(reg, step).map((f) => f.key));
  for (const key of Object.keys(given)) {
    if (!all.has(key)) throw new UnprocessableError(`Deze stap vraagt geen "${key}".`, ['contents', key]);
  }
  const out: Record<string, string> = {};
  const missing: Extract<LetterContent, { source: 'field' }>[] = [];
  for (const f of contentFieldsFor(reg, step, outcomeId)) {
    const value = given[f.key]?.trim() ?? '';
    if (value === '') {
      missing.push(f);
      continue;
    }
    if (f.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value))
      throw new UnprocessableError(`${f.label}: vul een datum in, bijvoorbeeld 15-01-2027.`, ['contents', f.key]);
    out[f.key] = value;
  }
  const first = missing[0];
  if (first) {
    // One message for the whole, and one per field to stand beside it on the form.
    const beside = (m: (typeof missing)[number]) => `${m.label}: vul dit in. Het moet in de brief.`;
    throw new UnprocessableError(
      `De brief moet dit bevatten; vul het in: ${missing.map((m) => (m.field === 'written' ? m.label : `${m.label} (${m.text})`)).join('; ')}.`,
      ['contents', first.key],
      missing.map((m) => ({ path: ['contents', m.key], message: beside(m) })),
    );
  }
  // What was typed for another outcome's letter is not kept: it goes in no letter.
  return out;
}

/** A handover to another role (conflict of interest): the new holder gets the task letter. */
async function handOver(
  core: Core,
  ctx: ActionContext,
  action: Extract<Action, { type: 'handover' }>,
): Promise<DossierView> {
  const { id, at, by } = ctx;
  if (!at.step.allows.handover) throw new UnprocessableError('Deze stap kan niet worden overgedragen.', ['type']);
  if (!core.reg.roles.some((r) => r.id === action.to))
    throw new UnprocessableError(`Rol "${action.to}" bestaat niet.`, ['to']);
  return core.mutate(id, by, (v, now) => {
    if (v.current?.stepId !== action.stepId) throw new ConflictError('Het dossier is intussen verder gegaan.');
    const bodies: EventBody[] = [
      {
        type: 'handover',
        data: { stepId: action.stepId, from: v.current.assignee, to: action.to, reason: action.reason },
      },
    ];
    const after = project(v, bodies, now, by);
    const deadline = after.deadlines.find(
      (d) => d.deadlineId === deadlineId(action.stepId, v.current?.activation ?? 1),
    );
    return [
      ...bodies,
      ...core.letter(after, 'task', [action.to], `${action.stepId}#${v.current.activation}:handover${v.version}`, {
        step: at.step,
        ...(deadline ? { dueAt: deadline.dueAt } : {}),
      }),
    ];
  });
}

/** An extension of the step's term, announced in a letter; the state machine waits with the new one. */
async function extend(
  core: Core,
  ctx: ActionContext,
  action: Extract<Action, { type: 'extend' }>,
): Promise<DossierView> {
  const { id, view, at, by } = ctx;
  // Extension: recompute the deadline within the regulation's cap, tell the complainant before
  // the old deadline passes (Wkkgz art. 17 lid 2, Awb 9:11 lid 2), and wait with the new one.
  const rule = at.step.allows.extension;
  if (!rule) throw new UnprocessableError('De regeling staat bij deze stap geen verlenging toe.', ['type']);
  let cursor: BeginResult = { step: action.stepId };
  const stored = await core.mutate(
    id,
    by,
    (v, now) => {
      const c = v.current;
      if (c?.stepId !== action.stepId) throw new ConflictError('Het dossier is intussen verder gegaan.');
      const d = v.deadlines.find((x) => x.deadlineId === deadlineId(c.stepId, c.activation));
      if (!d) throw new UnprocessableError('Deze stap heeft geen termijn om te verlengen.', ['type']);
      // A stopped clock has no end to put off: the new end is known when it runs again.
      if (d.suspended)
        throw new ConflictError('De termijn staat stil. Laat hem eerst weer lopen, dan kunt u hem verlengen.', [
          'type',
        ]);
      const extensions = [
        ...d.basis.extensions,
        { term: action.term, reason: action.reason, announcedAt: now, ...(action.consent ? { consent: true } : {}) },
      ];
      let computed: ReturnType<typeof computeDeadline>;
      try {
        computed = computeDeadline({
          anchor: { event: d.basis.anchorEvent, at: d.basis.anchorAt },
          term: d.basis.term,
          atw: d.basis.atw,
          ...(d.basis.source ? { source: d.basis.source } : {}),
          closingDays: core.reg.organisation.closingDays,
          extensions,
          ...(d.basis.suspensions?.length ? { suspensions: d.basis.suspensions } : {}),
          extensionPolicy: {
            ...(rule.max ? { max: rule.max } : {}),
            announceBeforeExpiry: rule.announceBeforeExpiry,
            beyondMaxWithConsent: rule.beyondMaxWithConsent,
            source: rule.statute ?? core.reg.title,
          },
        });
      } catch (e) {
        if (e instanceof DeadlineError) throw new UnprocessableError(e.message, ['term', ...e.path]);
        throw new UnprocessableError((e as Error).message, ['term']);
      }
      const bodies: EventBody[] = [
        {
          type: 'deadline.extended',
          data: {
            ...d,
            basis: { ...d.basis, extensions },
            lastDay: computed.lastDay,
            dueAt: computed.dueAt,
            explanation: computed.explanation,
            reason: action.reason,
          },
        },
      ];
      for (const [name, r] of Object.entries(v.reminders))
        if (r.active && r.stepId === c.stepId) bodies.push({ type: 'reminder.cancelled', data: { name } });
      bodies.push(
        ...reminderFor(
          core.reg,
          `kf-${v.id}-${c.stepId}-${c.activation}-x${extensions.length}`,
          at.step,
          { deadlineId: d.deadlineId, lastDay: computed.lastDay },
          now,
        ),
      );
      const after = project(v, bodies, now, by);
      bodies.push(
        ...core.letter(after, 'extension', ['complainant', 'respondent'], `${d.deadlineId}:x${extensions.length}`, {
          dueAt: computed.dueAt,
          reason: action.reason,
        }),
      );
      cursor = cursorFor(project(v, bodies, now, by), at, now);
      return bodies;
    },
    // Decided first on the dossier as `act` read it, as an outcome is (no second read): the append
    // is conditional on that version, so a writer in between makes it decide again on theirs.
    view,
  );
  // The extension is stored: wake the wait that is there now, by the token stored with it (the one
  // read before may be closed by an action in between: that must not turn a stored extension into
  // a 409). A wait that began in between checks its cursor against the dossier itself (awaitAction).
  const waiting = stored.current?.stepId === action.stepId ? stored.current.token : undefined;
  if (waiting) {
    try {
      await core.succeed(waiting, { ...cursor, outcome: CONTROL_OUTCOMES.rearm, by });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  // The answer is the stored view; the route reads what was written since (the wait re-armed),
  // as after any action, instead of the whole dossier again.
  return stored;
}

/**
 * An officer puts off a term for the whole handling from the step the dossier is in. The step
 * goes on as it was, so the waiting task is not touched: only the term's schedules move.
 */
async function extendTerm(
  core: Core,
  id: string,
  caller: Caller,
  action: { stepId: string; termId: string; term: string; reason: string; consent?: boolean },
): Promise<DossierView> {
  if (caller.kind !== 'officer') throw new ForbiddenError('U mag deze termijn niet verlengen.');
  return core.mutate(id, caller.sub, (v, now) => {
    if (v.status === 'closed') throw new ConflictError('Dit dossier is gesloten.');
    if (v.current?.stepId !== action.stepId) {
      throw new ConflictError(`Het dossier staat niet (meer) bij stap "${action.stepId}"; vernieuw de pagina.`, [
        'stepId',
      ]);
    }
    const step = core.reg.ladder.rungs.flatMap((r) => r.steps).find((s) => s.id === v.current?.stepId);
    return decideTermExtension(
      core.reg,
      lettersOf(core),
      v,
      { roles: caller.roles, mayActOnStep: !!step && mayAct(core, caller, v, step) },
      {
        termId: action.termId,
        term: action.term,
        reason: action.reason,
        ...(action.consent ? { consent: true } : {}),
      },
      now,
      caller.sub,
    );
  });
}

/**
 * The cap of an extension as the officer reads it before extending: all extensions together at
 * most `max` (Awb 9:11 lid 2, Wkkgz art. 17 lid 2: "ten hoogste vier weken"), and whether the
 * complainant's written consent allows more. Review of session 11: the form said only "Bijvoorbeeld:
 * vier weken", and an officer learnt the cap from the refusal.
 */
function capOf(rule: Step['allows']['extension']): { cap?: string } {
  if (!rule?.max) return {};
  const max = describeTerm(parseTerm(rule.max));
  return {
    cap: `Alle verlengingen samen: ten hoogste ${max}${rule.statute ? ` (${rule.statute})` : ''}.${
      consentBeyondCap(rule) ? ' Langer alleen met schriftelijke instemming van de klager.' : ''
    }`,
  };
}

/** Whether an extension rule lets the complainant's written consent go past its cap (Awb 9:11 lid 2). */
function consentBeyondCap(rule: { max?: unknown; beyondMaxWithConsent?: boolean } | undefined): boolean {
  return !!rule?.max && rule.beyondMaxWithConsent === true;
}
