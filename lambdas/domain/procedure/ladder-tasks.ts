/**
 * The ladder's task handlers: what happens when the state machine begins a step, waits for an
 * action, reminds, closes the dossier, or goes on in a new execution (a passed deadline: see
 * deadline-passed.ts).
 */
import { ulid } from 'ulid';
import {
  acknowledgedAtReceipt,
  CONTROL_OUTCOMES,
  findStep,
  type LadderStep,
  resolveOutcome,
} from '../../../statemachines/ladder.js';
import { type DossierView, deadlineId, type EventBody, projection } from '../dossier.js';
import { ConflictError } from '../errors.js';
import { NO_ANSWER_NOTE, SATISFACTION_QUESTION } from '../letters.js';
import type { LadderInput } from '../ports.js';
import type { Core } from './core.js';
import { anchorOf, assigneeFor, choiceReplyBy, cursorFor, deadlineFor, reminderFor } from './deadlines.js';
import { lettersOf, termsAtClose, termsAtStep } from './handling-terms.js';
import { retention } from './privacy.js';
import { decideResume } from './suspension.js';
import type { BeginResult, Previous } from './types.js';

/**
 * Ends the step the state machine just left, with its outcome: events and letters. `by`: who
 * commits them (the officer whose action records it, or klachtflow's ladder), so that its look at
 * them is the view the store folds from the commit and is handed on (dossier.ts committed): the
 * author changes only when an officer last did something (the worklist's "nieuw bericht"), which
 * nothing decided here reads.
 */
export function completion(
  core: Core,
  stored: DossierView,
  previous: Previous | null | undefined,
  now: string,
  by = 'klachtflow',
): EventBody[] {
  if (!previous?.step || !previous.outcome) return [];
  let view = stored;
  const current = view.current;
  if (!current || current.stepId !== previous.step) return []; // already ended (system step, proceed)
  const at = findStep(core.reg, current.stepId);
  if (!at) return [];
  const bodies: EventBody[] = [];
  // The view after the bodies decided so far (only pushed onto `bodies`: dossier.ts projection).
  const decided = projection(stored, bodies, now, by);
  // A clock that still stands at this step runs again as the step ends: its terms go on (a term
  // for the whole handling in the next step of its span) with the days it stood still added.
  if (view.suspension?.stepId === current.stepId) {
    bodies.push(...decideResume(core.reg, lettersOf(core), view, 'step-ended', now, 'klachtflow').bodies);
    view = decided();
  }
  const escalated = previous.outcome === CONTROL_OUTCOMES.escalate;
  const outcome = escalated ? undefined : at.step.outcomes.find((o) => o.id === previous.outcome);
  bodies.push({
    type: 'step.ended',
    data: {
      stepId: current.stepId,
      activation: current.activation,
      outcome: escalated ? `escalated:${previous.to}` : previous.outcome,
      by: previous.by ?? current.assignee,
      ...(previous.note ? { note: previous.note } : {}),
      ...(previous.contents && Object.keys(previous.contents).length ? { contents: previous.contents } : {}),
    },
  });
  const deadline = view.deadlines.find((d) => d.deadlineId === deadlineId(current.stepId, current.activation));
  if (deadline?.status === 'open' && escalated) {
    bodies.push({
      type: 'deadline.cancelled',
      data: { deadlineId: deadline.deadlineId, reason: 'de klager ging naar een volgende trede' },
    });
  } else if (deadline?.status === 'open') {
    bodies.push(
      now <= deadline.dueAt
        ? { type: 'deadline.met', data: { deadlineId: deadline.deadlineId } }
        : { type: 'deadline.breached', data: { deadlineId: deadline.deadlineId, alarmed: [] } },
    );
  }
  for (const [name, r] of Object.entries(view.reminders)) {
    if (r.active && r.stepId === current.stepId) bodies.push({ type: 'reminder.cancelled', data: { name } });
  }
  const after = decided();
  const key = `${current.stepId}#${current.activation}`;
  const replyBy = outcome ? choiceReplyBy(core.reg, at, outcome.id, now) : undefined;
  // This outcome closes the dossier here (not by referral) and close() sends no closure letter
  // after it (it does when none was told, or the regulation wants one beside an outcome letter):
  // its letter to the complainant is the closing one, and invites the satisfaction answer.
  const target = outcome ? resolveOutcome(core.reg, at, outcome.id) : undefined;
  const stepTells =
    !!at.step.letter &&
    at.step.letter.when === 'end' &&
    at.step.actor !== 'system' &&
    at.step.letter.to.includes('complainant');
  const outcomeTells = !!outcome?.letter?.to.includes('complainant');
  const told = [
    ...(stepTells && at.step.letter ? [at.step.letter.kind] : []),
    ...(outcomeTells && outcome?.letter ? [outcome.letter.kind] : []),
  ];
  const closureFollows = !told.includes('closure') && (told.length === 0 || !!core.reg.closure?.letter);
  const closing = target?.kind === 'close' && !target.referral && !closureFollows;
  if (at.step.letter && at.step.letter.when === 'end' && at.step.actor !== 'system') {
    bodies.push(
      ...core.letter(after, at.step.letter.kind, at.step.letter.to, key, {
        ...(closing && !outcomeTells ? { inviteSatisfaction: true } : {}),
        step: at.step,
        ...(outcome ? { outcomeTitle: outcome.title } : {}),
        ...(replyBy ? { replyBy } : {}),
        ...(previous.note ? { note: previous.note } : {}),
        mustContain: at.step.letter.mustContain,
        ...(previous.contents ? { contents: previous.contents } : {}),
        ...(at.step.letter.referral ? { referralId: at.step.letter.referral } : {}),
      }),
    );
  }
  if (outcome?.letter) {
    bodies.push(
      ...core.letter(after, outcome.letter.kind, outcome.letter.to, `${key}:${outcome.id}`, {
        ...(closing ? { inviteSatisfaction: true } : {}),
        step: at.step,
        outcomeTitle: outcome.title,
        ...(replyBy ? { replyBy } : {}),
        ...(previous.note ? { note: previous.note } : {}),
        mustContain: outcome.letter.mustContain,
        ...(previous.contents ? { contents: previous.contents } : {}),
        ...(outcome.letter.referral ? { referralId: outcome.letter.referral } : {}),
      }),
    );
    if (outcome.letter.kind === 'referral')
      bodies.push(...forwardingCover(core, after, outcome.letter.referral, `${key}:${outcome.id}`));
  }
  return bodies;
}

/**
 * A complaint forwarded (doorsturen, `handling: forward`) to an outside body whose regulation asks
 * for a cover letter: the complaint goes to the body's address with a letter of its own. Referring
 * (verwijzen) sends nothing there: the complainant submits it themselves.
 */
function forwardingCover(core: Core, view: DossierView, referralId: string | undefined, key: string): EventBody[] {
  const referral = core.reg.referrals.find((r) => r.id === referralId);
  if (referral?.handling !== 'forward' || !referral.cover) return [];
  return core.letter(view, 'forwarding-cover', [`referral:${referral.id}`], key, { referralId: referral.id });
}

/**
 * The ids of the complainant's letters `completion` queues when a step ends with an outcome (in
 * the step's last activation): the step's own letter at its end and the outcome's letter.
 */
function endLetterIds(
  view: DossierView,
  step: LadderStep['step'],
  outcome: LadderStep['step']['outcomes'][number],
): string[] {
  const ended = view.ended.filter((e) => e.stepId === step.id && e.outcome === outcome.id).at(-1);
  if (!ended) return [];
  const key = `${step.id}#${ended.activation}`;
  return [
    ...(step.letter && step.letter.when === 'end' && step.actor !== 'system'
      ? [`${key}:${step.letter.kind}:complainant`]
      : []),
    ...(outcome.letter ? [`${key}:${outcome.id}:${outcome.letter.kind}:complainant`] : []),
  ];
}

/**
 * Whether the previous step's end already told the complainant (its step or outcome letter is in
 * the dossier): a person's decision is recorded by the action or by this begin, whichever commits
 * first, and the letters with it.
 */
function toldAsEnded(core: Core, view: DossierView, previous: Previous | null | undefined): boolean {
  if (!previous?.step || !previous.outcome) return false;
  const at = findStep(core.reg, previous.step);
  const outcome = at?.step.outcomes.find((o) => o.id === previous.outcome);
  if (!at || !outcome) return false;
  const ids = endLetterIds(view, at.step, outcome);
  return view.letters.some((l) => ids.includes(l.letterId));
}

export async function startLadder(
  core: Core,
  view: DossierView,
  startRung: string | null,
  resumeAt: string | null = null,
): Promise<void> {
  const input: LadderInput = {
    dossierId: view.id,
    regulationId: core.reg.id,
    startRung,
    resumeAt,
    result: null,
    cursor: null,
  };
  const name = resumeAt ? `${view.id}-${ulid().toLowerCase().slice(-8)}` : view.id;
  const executionArn = await core.deps.workflow.start(input, name);
  // The first start is recorded by the execution's first task, in its own commit (beginStep):
  // appended from here it raced that task on the same dossier (#19). A continuation is recorded
  // here, as the dossier is quiet then (its old execution is ending).
  if (resumeAt)
    await core.appendLatest(
      view.id,
      [{ type: 'execution.started', data: { executionArn } }],
      (v) => v.executionArn === executionArn,
    );
}

/** Begins a step: ends the previous one, sets the deadline and reminder, tells who must act. */
export async function beginStep(
  core: Core,
  p: {
    dossierId: string;
    step: string;
    previous?: Previous | null;
    executionId?: string;
    executionStartedAt?: string;
  },
): Promise<BeginResult> {
  const at = findStep(core.reg, p.step);
  if (!at) throw new Error(`Unknown step ${p.step} in ${core.reg.id}`);
  let result: BeginResult = { step: p.step };
  const after = await core.mutateKnown(p.dossierId, 'klachtflow', (view, now) => {
    if (view.status === 'closed') {
      result = cursorFor(view, at, now, p.executionStartedAt);
      return [];
    }
    // The execution this task runs in, recorded in the dossier by the task itself (so a
    // withdrawal can stop it); the intake that started it does not write the dossier again.
    const bodies: EventBody[] =
      p.executionId && view.executionArn !== p.executionId
        ? [{ type: 'execution.started', data: { executionArn: p.executionId } }]
        : [];
    // The view after the bodies decided so far (only pushed onto `bodies`: dossier.ts projection).
    const decided = projection(view, bodies, now, 'klachtflow');
    bodies.push(...completion(core, decided(), p.previous, now));
    let v = decided();
    // A retry of this begin (Step Functions retries when an answer got lost), or the first
    // state of a continued execution: the step was already started since the previous one
    // ended. Answer as the first attempt did, and do nothing twice.
    const previousEnd = p.previous?.step ? (v.ended.filter((e) => e.stepId === p.previous?.step).at(-1)?.seq ?? 0) : 0;
    const startedSince = v.started.filter((x) => x.stepId === at.step.id && x.seq > previousEnd).at(-1);
    if (startedSince || v.current?.stepId === at.step.id) {
      if (at.step.actor === 'system') {
        const done = v.ended.find((e) => e.stepId === at.step.id && e.activation === startedSince?.activation);
        result = { step: at.step.id, outcome: done?.outcome ?? at.step.outcomes[0]?.id ?? 'done' };
      } else result = cursorFor(v, at, now, p.executionStartedAt);
      return bodies;
    }
    const activation = (v.activations[at.step.id] ?? 0) + 1;
    const assignee = assigneeFor(core.reg, v, at.step);
    bodies.push({
      type: 'step.started',
      data: { stepId: at.step.id, rungId: at.rung.id, activation, actor: at.step.actor, assignee },
    });
    v = decided();
    // Terms for the whole handling: start (or go on) in their span, end when the dossier leaves it.
    bodies.push(
      ...termsAtStep(core.reg, v, at.step.id, p.previous?.step, p.previous?.outcome === CONTROL_OUTCOMES.escalate, now),
    );
    v = decided();
    const id = deadlineId(at.step.id, activation);
    const planned = v.deadlines.find((d) => d.deadlineId === id);
    const anchorAt = anchorOf(v, at.step, now);
    if (at.step.deadline && anchorAt && !planned) {
      bodies.push({ type: 'deadline.set', data: deadlineFor(core.reg, at.step, activation, anchorAt) });
    }
    v = decided();
    // The complaint's first step, on a rung without an acknowledgement of its own: a complaint
    // received in writing is acknowledged in writing all the same (Awb 9:6, whatever route
    // follows; under another law the e-mail that confirms the form: statemachines/ladder.ts acknowledgedAtReceipt).
    // After the step's deadline is set, so the letter says what comes and by when.
    if (
      !p.previous &&
      v.started.length === 1 &&
      acknowledgedAtReceipt(core.reg, v.received.startRung, v.received.channel)
    ) {
      bodies.push(...core.letter(v, 'acknowledgement', ['complainant'], 'receipt#1'));
      v = decided();
    }
    const deadline = v.deadlines.find((d) => d.deadlineId === id);
    const key = `${at.step.id}#${activation}`;
    if (at.step.actor === 'system') {
      // klachtflow does the step itself: its letter, then the (only) outcome.
      const outcome = at.step.outcomes[0];
      if (at.step.letter) {
        bodies.push(
          ...core.letter(v, at.step.letter.kind, at.step.letter.to, key, {
            step: at.step,
            mustContain: at.step.letter.mustContain,
          }),
        );
      }
      if (outcome) {
        bodies.push({
          type: 'step.ended',
          data: { stepId: at.step.id, activation, outcome: outcome.id, by: 'klachtflow' },
        });
        if (deadline?.status === 'open') bodies.push({ type: 'deadline.met', data: { deadlineId: id } });
        if (outcome.letter) {
          v = decided();
          bodies.push(
            ...core.letter(v, outcome.letter.kind, outcome.letter.to, `${key}:${outcome.id}`, {
              step: at.step,
              outcomeTitle: outcome.title,
              mustContain: outcome.letter.mustContain,
            }),
          );
        }
      }
      result = { step: at.step.id, outcome: outcome?.id ?? 'done' };
      return bodies;
    }
    if (at.step.letter?.when === 'start') {
      bodies.push(
        ...core.letter(v, at.step.letter.kind, at.step.letter.to, key, {
          step: at.step,
          ...(deadline ? { dueAt: deadline.dueAt } : {}),
        }),
      );
    }
    if (assignee !== 'complainant') {
      // A step without a term of its own is done by the end of the term for the whole handling.
      const due =
        deadline?.dueAt ??
        v.deadlines.filter((d) => d.termId && d.status === 'open').sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0]
          ?.dueAt;
      bodies.push(...core.letter(v, 'task', [assignee], key, { step: at.step, ...(due ? { dueAt: due } : {}) }));
    } else if (
      !bodies.some((b) => b.type === 'letter.queued' && b.data.audience === 'complainant') &&
      !toldAsEnded(core, v, p.previous)
    ) {
      // The complainant's turn: tell them, unless the letter that ended the rung just did (queued
      // in this change, or recorded a moment before by the officer's own action, which races
      // this begin: officer-actions.ts chooseOutcome).
      bodies.push(
        ...core.letter(v, 'next-step-info', ['complainant'], key, {
          step: at.step,
          ...(deadline?.status === 'open' ? { replyBy: deadline.dueAt } : {}),
        }),
      );
    }
    if (deadline?.status === 'open')
      bodies.push(...reminderFor(core.reg, `kf-${view.id}-${at.step.id}-${activation}`, at.step, deadline, now));
    result = cursorFor(decided(), at, now, p.executionStartedAt);
    return bodies;
  });
  // Withdrawn before this first task recorded its execution: the withdrawal had none to stop.
  if (after.status === 'closed' && p.executionId && after.executionArn !== p.executionId)
    await core.deps.workflow.stop(p.executionId, 'Het dossier is gesloten.');
  return result;
}

/**
 * Records the task token of a waiting step, so an action can complete it, and checks that the
 * wait it begins is not longer than the dossier now allows.
 *
 * Why the check: the wait's length (the cursor) was decided by whoever woke the step last (an
 * officer's action, the deadline task) from the dossier as it was then. An action that commits
 * while the step is between two waits (suspend then resume within milliseconds, extend then
 * suspend) reads the old token, its wake finds that task closed (TaskTimedOut), and nobody would
 * tell the new wait. This task records the new token in the same conditional write that reads the
 * dossier (core.mutate: append on the version read), so either the action saw this token and wakes
 * it, or this task sees the action and, when its cursor would wait past the step's end as it is
 * now, wakes its own wait at once to wait again for the right end (the `rearm` outcome). A wait
 * that is shorter than needed is harmless: the deadline task reads the dossier and waits again.
 */
export async function awaitAction(
  core: Core,
  p: { dossierId: string; step: string; token: string; timeoutSeconds: number; dueAt?: string | undefined },
): Promise<void> {
  let stale: BeginResult | undefined;
  const view = await core.mutateKnown(p.dossierId, 'klachtflow', (v, now) => {
    stale = undefined;
    if (v.status === 'closed' || v.current?.stepId !== p.step) return [];
    const at = findStep(core.reg, p.step);
    if (at) {
      const fresh = cursorFor(v, at, now, v.executionStartedAt);
      const given = p.dueAt ? Date.parse(p.dueAt) : Date.parse(now) + p.timeoutSeconds * 1000;
      const end = Date.parse(fresh.dueAt ?? now);
      const own = v.deadlines.find((d) => d.deadlineId === deadlineId(p.step, v.current?.activation ?? 1));
      // Waiting past the end (or past the look while the clock stands still) would find a breach
      // late; while the step's term runs, waiting less wakes the ladder for nothing. A minute of
      // slack: the callback's timeout is whole seconds, the instants are read at different moments.
      const running = own?.status === 'open' && !own.suspended;
      if (given > end + 60_000 || (running && given < end - 60_000)) stale = fresh;
    }
    if (v.current.token === p.token) return [];
    return [
      {
        type: 'step.awaiting',
        data: { stepId: p.step, activation: v.current.activation, token: p.token, timeoutSeconds: p.timeoutSeconds },
      },
    ];
  });
  // Withdrawn while this task was starting: the withdrawal may have missed the execution.
  if (view.status === 'closed' && view.executionArn)
    await core.deps.workflow.stop(view.executionArn, 'Het dossier is gesloten.');
  else if (stale && view.current?.token === p.token) {
    try {
      await core.succeed(p.token, { ...stale, outcome: CONTROL_OUTCOMES.rearm, by: 'klachtflow' });
    } catch (e) {
      // A later action woke this wait first (with the dossier as it is then): nothing to repair.
      if (!(e instanceof ConflictError)) throw e;
    }
  }
}

/** Closes the dossier: the last outcome, its letters, the closure or referral letter. */
export async function close(
  core: Core,
  p: {
    dossierId: string;
    previous?: Previous | null;
    reason: 'outcome' | 'referred';
    referral?: string;
    rung?: string;
  },
): Promise<void> {
  await core.mutateKnown(p.dossierId, 'klachtflow', (view, now) => {
    if (view.status === 'closed') return [];
    const bodies = completion(core, view, p.previous, now);
    // The view after the bodies decided so far (only pushed onto `bodies`: dossier.ts projection).
    const decided = projection(view, bodies, now, 'klachtflow');
    const at = p.previous?.step ? findStep(core.reg, p.previous.step) : undefined;
    const outcome = at?.step.outcomes.find((o) => o.id === p.previous?.outcome);
    let v = decided();
    // A term for the whole handling is met by the outcome that closes it (or breached when late).
    bodies.push(...termsAtClose(core.reg, v, p.reason === 'outcome' ? p.previous?.step : undefined, now));
    v = decided();
    for (const d of v.deadlines)
      if (d.status === 'open')
        bodies.push({ type: 'deadline.cancelled', data: { deadlineId: d.deadlineId, reason: 'dossier gesloten' } });
    for (const [name, r] of Object.entries(v.reminders))
      if (r.active) bodies.push({ type: 'reminder.cancelled', data: { name } });
    v = decided();
    const key = `close`;
    if (p.reason === 'referred') {
      bodies.push(
        ...core.letter(v, 'referral', ['complainant'], key, {
          ...(p.referral ? { referralId: p.referral } : {}),
          // Referred is closed too: the page asks (asksSatisfaction), so this letter invites it.
          inviteSatisfaction: true,
        }),
        ...forwardingCover(core, v, p.referral, key),
      );
    } else {
      // What the complainant was told as the last step ended: queued in this change, or, for a
      // person's decision (`by`), already recorded by the action itself (officer-actions.ts).
      const queued = new Set(
        bodies.flatMap((b) =>
          b.type === 'letter.queued' && b.data.audience === 'complainant' ? [b.data.letterId] : [],
        ),
      );
      const recorded = p.previous?.by && at && outcome ? endLetterIds(v, at.step, outcome) : [];
      const told = v.letters.filter(
        (l) => l.audience === 'complainant' && (queued.has(l.letterId) || recorded.includes(l.letterId)),
      );
      const closed = told.some((l) => l.kind === 'closure');
      if (!closed && (told.length === 0 || core.reg.closure?.letter)) {
        bodies.push(
          ...core.letter(v, 'closure', ['complainant'], key, {
            // Unless the outcome's own letter, sent as the step ended, already invited it.
            ...(told.some((l) => l.text.includes(SATISFACTION_QUESTION)) ? {} : { inviteSatisfaction: true }),
            ...(outcome ? { outcomeTitle: outcome.title } : {}),
            ...(outcome?.automatic ? { note: NO_ANSWER_NOTE } : {}),
          }),
        );
      }
    }
    bodies.push({
      type: 'closed',
      data: {
        result: p.reason === 'referred' ? 'referred' : (outcome?.result ?? 'resolved'),
        reason: p.reason,
        ...(p.referral ? { referral: p.referral } : {}),
      },
    });
    bodies.push(retention(core, view, now));
    return bodies;
  });
}

/** The execution nears its one-year limit: a new one goes on from the step the dossier stands at. */
export async function continueExecution(core: Core, p: { dossierId: string; resumeAt: string }): Promise<void> {
  const view = await core.deps.store.load(p.dossierId);
  if (!view || view.status === 'closed') return;
  await startLadder(core, view, null, p.resumeAt);
}

/** A reminder fired: remind whoever must act, if the step still waits. */
export async function remind(
  core: Core,
  p: { dossierId: string; stepId: string; deadlineId: string; name: string },
): Promise<void> {
  await core.mutateKnown(p.dossierId, 'klachtflow', (view) => {
    const r = view.reminders[p.name];
    const deadline = view.deadlines.find((d) => d.deadlineId === p.deadlineId);
    if (!r?.active || view.status === 'closed' || view.current?.stepId !== p.stepId || deadline?.status !== 'open')
      return [];
    const at = findStep(core.reg, p.stepId);
    return core.letter(view, 'reminder', [view.current.assignee], `${p.name}:reminder`, {
      ...(at ? { step: at.step } : {}),
      dueAt: deadline.dueAt,
    });
  });
}
