/**
 * What the complainant does on their own: withdraw the complaint, ask for the next rung, add
 * information. Each is one decide-and-append; the ladder hears of it through its task token.
 */
import { anyTimeEscalations, CONTROL_OUTCOMES, choiceStepId } from '../../../statemachines/ladder.js';
import type { Rung } from '../../../statemachines/model.js';
import { type DossierView, type EventBody, project } from '../dossier.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.js';
import { dayOf } from '../letters.js';
import type { AttachmentMeta } from '../ports.js';
import type { Core } from './core.js';
import { retention } from './privacy.js';
import { resumeOnInformation, wakeStep } from './suspension.js';

/** The complainant withdraws: the dossier closes once, with a letter, whatever the ladder was doing. */
export async function withdraw(core: Core, id: string, reason?: string): Promise<DossierView> {
  const view = await core.mutate(id, 'complainant', (v, now) => {
    if (v.status === 'closed') throw new ConflictError('Deze klacht is al afgesloten.');
    const bodies: EventBody[] = [{ type: 'withdrawn', data: reason ? { reason } : {} }];
    if (v.current)
      bodies.push({
        type: 'step.ended',
        data: { stepId: v.current.stepId, activation: v.current.activation, outcome: 'withdrawn', by: 'complainant' },
      });
    for (const d of v.deadlines)
      if (d.status === 'open')
        bodies.push({ type: 'deadline.cancelled', data: { deadlineId: d.deadlineId, reason: 'klacht ingetrokken' } });
    for (const [name, r] of Object.entries(v.reminders))
      if (r.active) bodies.push({ type: 'reminder.cancelled', data: { name } });
    const after = project(v, bodies, now, 'complainant');
    if (core.reg.withdrawal.letter)
      bodies.push(...core.letter(after, 'withdrawal', ['complainant'], 'withdrawal', reason ? { reason } : {}));
    if (v.current && v.current.assignee !== 'complainant') {
      bodies.push(
        ...core.letter(after, 'notice', [v.current.assignee], 'withdrawal-notice', {
          note: 'De klager heeft de klacht ingetrokken.',
        }),
      );
    }
    bodies.push({ type: 'closed', data: { result: 'withdrawn', reason: 'withdrawn' } });
    bodies.push(retention(core, v, now));
    return bodies;
  });
  if (view.executionArn) await core.deps.workflow.stop(view.executionArn, 'Klacht ingetrokken');
  return view;
}

/** The complainant asks for the next rung: at the end of a rung, or at any time where the regulation allows. */
export async function escalate(core: Core, id: string, to?: string): Promise<void> {
  const view = await core.deps.store.load(id);
  if (!view) throw new NotFoundError();
  if (view.status === 'closed') throw new ConflictError('Deze klacht is al afgesloten.');
  const current = view.current;
  const rung = core.reg.ladder.rungs.find((r) => r.id === view.rungId) as Rung;
  if (current?.stepId === choiceStepId(rung)) {
    const options = rung.escalation.map((e) => e.to);
    const target = to ?? options[0];
    if (!target || !options.includes(target))
      throw new UnprocessableError(`Kies een van: ${options.join(', ')}.`, ['to']);
    if (!current.token) throw new ConflictError('Probeer het over enkele seconden opnieuw.');
    return core.succeed(current.token, { step: current.stepId, outcome: `escalate-${target}`, by: 'complainant' });
  }
  const anyTime = anyTimeEscalations(core.reg, rung).map((r) => r.id);
  const target = to ?? anyTime[0];
  if (!current || !target || !anyTime.includes(target)) {
    throw new UnprocessableError(
      'Dit kan nu nog niet: de huidige stap loopt nog. U krijgt bericht zodra u een volgende stap kunt kiezen.',
      ['to'],
    );
  }
  if (!current.token) throw new ConflictError('Probeer het over enkele seconden opnieuw.');
  await core.succeed(current.token, {
    step: current.stepId,
    outcome: CONTROL_OUTCOMES.escalate,
    to: target,
    by: 'complainant',
  });
}

/** The new last days of the deadlines a resumed suspension moved, in words ("maandag 28 december 2026"). */
function newEnds(view: DossierView, ids: readonly string[]): string {
  const ends = view.deadlines
    .filter((d) => ids.includes(d.deadlineId) && d.status === 'open')
    .map((d) => `${dayOf(d.dueAt)} (${d.title})`);
  return ends.length ? ends.join(' en ') : 'de datum in het dossier';
}

/** The complainant adds information; whoever handles the step is told. */
export async function addMessage(
  core: Core,
  id: string,
  text: string,
  opts: { via?: 'email'; attachments?: AttachmentMeta[] } = {},
): Promise<DossierView> {
  let wake = false;
  const view = await core.mutate(id, 'complainant', (v, now) => {
    if (v.status === 'closed') throw new ConflictError('Deze klacht is al afgesloten.');
    const bodies: EventBody[] = [
      { type: 'message', data: { from: 'complainant', text, ...(opts.via ? { via: opts.via } : {}) } },
      ...(opts.attachments ?? []).map(
        (a) =>
          ({
            type: 'attachment.added',
            data: { ...a, from: 'complainant', via: opts.via ?? 'upload' },
          }) as EventBody,
      ),
    ];
    // The clock stood still while we waited for this (missing information): it runs again, the
    // same whether the answer came on their page, through the API or as an e-mail reply the
    // inbound-mail function matched to this dossier (a reply it could not trust is held in the
    // postvak and starts nothing until an officer adds it to the dossier).
    const resumed = resumeOnInformation(core, project(v, bodies, now, 'complainant'), now, 'complainant');
    wake = resumed.wakeStep;
    bodies.push(...resumed.bodies);
    const assignee = v.current?.assignee;
    if (assignee && assignee !== 'complainant') {
      const after = project(v, bodies, now, 'complainant');
      const clock = resumed.bodies.length
        ? `\n\nDe termijn liep niet tijdens het wachten op deze informatie. Nu loopt hij weer. Hij eindigt op ${newEnds(after, v.suspension?.deadlineIds ?? [])}.`
        : after.suspension
          ? `\n\nDe termijn staat nog stil (${after.suspension.title}). Is de reden voorbij? Laat de termijn dan weer lopen in het dossier.`
          : '';
      bodies.push(
        ...core.letter(after, 'notice', [assignee], `message${v.version}`, {
          note: `De klager heeft informatie toegevoegd:\n${text}${clock}`,
        }),
      );
    }
    return bodies;
  });
  if (wake) await wakeStep(core, view, 'complainant');
  return view;
}

/** How often a complainant may answer the satisfaction question (a later answer replaces the earlier). */
export const SATISFACTION_ANSWERS_MAX = 5;

/**
 * The complainant says, after closure, whether they are satisfied with how the complaint was
 * handled (ONS welzijn asks "in welke mate deze naar tevredenheid van de klanten zijn afgehandeld";
 * an outcome is not the complainant's satisfaction). Optional, once the dossier is closed and not
 * withdrawn (they stopped the handling themselves: nothing to judge).
 *
 * A second answer replaces the first, rather than a 409: a wrong tap on a phone must be
 * correctable, and the report counts the latest answer while the dossier keeps every one (events
 * are never overwritten). The same answer again records nothing (a reload, a double click); after
 * SATISFACTION_ANSWERS_MAX answers a change is refused, so the dossier cannot be filled with them.
 */
export async function answerSatisfaction(
  core: Core,
  id: string,
  answer: { satisfied: boolean; remark?: string },
): Promise<DossierView> {
  const remark = answer.remark?.trim() || undefined;
  return core.mutate(id, 'complainant', (v) => {
    if (v.status !== 'closed')
      throw new ConflictError(
        'Uw klacht is nog niet afgesloten. Wij vragen of u tevreden bent als de behandeling klaar is.',
      );
    if (v.closed?.result === 'withdrawn' || v.erasedAt)
      throw new ConflictError('U heeft deze klacht ingetrokken. Wij vragen u daarom niet of u tevreden bent.');
    const before = v.complainantSatisfaction;
    if (before && before.satisfied === answer.satisfied && before.remark === remark) return [];
    if ((before?.answers ?? 0) >= SATISFACTION_ANSWERS_MAX)
      throw new ConflictError(
        'U heeft uw antwoord al een paar keer veranderd. Wilt u nog iets zeggen? Neem dan contact met ons op.',
      );
    return [{ type: 'satisfaction.answered', data: { satisfied: answer.satisfied, ...(remark ? { remark } : {}) } }];
  });
}
