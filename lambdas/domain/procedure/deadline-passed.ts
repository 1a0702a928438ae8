/**
 * What happens when a waiting step's deadline passes: the regulation's own consequence (proceed
 * with an outcome), or the breach recorded once, the escalation roles alarmed, and alarmed again
 * while nobody acts.
 */
import { CONTROL_OUTCOMES, findStep } from '../../../statemachines/ladder.js';
import { computeDeadline } from '../calendar/deadline.js';
import { toSecond } from '../calendar/instant.js';
import { deadlineId, type EventBody, project } from '../dossier.js';
import type { Core } from './core.js';
import { cursorFor, EXECUTION_LIFETIME_SECONDS, escalationRole } from './deadlines.js';
import { lettersOf } from './handling-terms.js';
import { completion } from './ladder-tasks.js';
import { decideResume } from './suspension.js';
import type { BeginResult } from './types.js';

/** A waiting step's deadline passed: proceed as the regulation says, or record the breach and alarm. */
export async function deadlinePassed(
  core: Core,
  p: {
    dossierId: string;
    step: string;
    previous?: { dueAt?: string | null } | null;
    executionId?: string;
    executionStartedAt?: string;
  },
): Promise<Required<Omit<BeginResult, 'outcome'>> & { outcome: string }> {
  const at = findStep(core.reg, p.step);
  if (!at) throw new Error(`Unknown step ${p.step}`);
  let out = { step: p.step, outcome: CONTROL_OUTCOMES.rearm as string, timeoutSeconds: 3600, dueAt: core.now() };
  let breached: string | undefined;
  const view = await core.mutateKnown(p.dossierId, 'klachtflow', (stored, now) => {
    // Decided again after a lost race, or on a read after a known view (core.ts mutateKnown):
    // what this task answers and reports is the last decision's, never an earlier one's.
    out = { step: p.step, outcome: CONTROL_OUTCOMES.rearm as string, timeoutSeconds: 3600, dueAt: now };
    breached = undefined;
    let view = stored;
    const current = view.current;
    if (view.status === 'closed' || !current || current.stepId !== p.step) return [];
    const id = deadlineId(current.stepId, current.activation);
    const resumed: EventBody[] = [];
    // The clock stood still (opschorting) and its own term passed (Awb 4:15: "of de daarvoor
    // gestelde termijn ongebruikt is verstreken"): it runs again now, to the recomputed end.
    const still = view.suspension;
    if (still?.until && Date.parse(still.until) <= Date.parse(now) && still.deadlineIds.includes(id)) {
      resumed.push(...decideResume(core.reg, lettersOf(core), view, 'term-passed', now, 'klachtflow').bodies);
      view = project(view, resumed, now, 'klachtflow');
    }
    const deadline = view.deadlines.find((d) => d.deadlineId === id);
    // The timeout fired before the deadline, or while its clock stands still: wait again for the
    // end as it is now, unless this was the execution's lifetime (then go on in a new one).
    const lifetimeEnds = p.executionStartedAt
      ? Date.parse(p.executionStartedAt) + EXECUTION_LIFETIME_SECONDS * 1000
      : undefined;
    if (!deadline || deadline.suspended || Date.parse(deadline.dueAt) > Date.parse(now) + 60_000) {
      if (deadline && lifetimeEnds !== undefined && lifetimeEnds - Date.parse(now) > 3_600_000) {
        out = { ...cursorFor(view, at, now, p.executionStartedAt), outcome: CONTROL_OUTCOMES.rearm } as typeof out;
        return resumed;
      }
      out = { step: p.step, outcome: CONTROL_OUTCOMES.continue, timeoutSeconds: 1, dueAt: now };
      return resumed;
    }
    const key = `${current.stepId}#${current.activation}`;
    // The complainant's own term (to ask for the next rung) lapses; nobody breached anything.
    const lapsed = deadline.kind === 'complainant';
    breached = deadline.status === 'open' && !lapsed ? deadline.kind : undefined;
    if (at.step.onDeadline?.action === 'proceed' && at.step.onDeadline.outcome) {
      out = { step: p.step, outcome: at.step.onDeadline.outcome, timeoutSeconds: 1, dueAt: now };
      if (deadline.status === 'open') {
        // The regulation says what happens now (OCO: the acknowledgement goes out after three
        // working days without contact); the term itself was not kept, and the record says so.
        const bodies: EventBody[] = [
          lapsed
            ? {
                type: 'deadline.cancelled',
                data: { deadlineId: id, reason: 'de klager heeft binnen de termijn niet gereageerd' },
              }
            : { type: 'deadline.breached', data: { deadlineId: id, alarmed: [] } },
        ];
        return [
          ...resumed,
          ...bodies,
          ...completion(
            core,
            project(view, bodies, now, 'klachtflow'),
            { step: p.step, outcome: at.step.onDeadline.outcome, by: 'klachtflow (termijn verstreken)' },
            now,
          ),
        ];
      }
      return [
        ...resumed,
        ...completion(
          core,
          view,
          { step: p.step, outcome: at.step.onDeadline.outcome, by: 'klachtflow (termijn verstreken)' },
          now,
        ),
      ];
    }
    // Escalate: record the breach (once), alarm the escalation role (again at every re-alarm),
    // and keep waiting for the person, reminding them again after the reminder period.
    const alarmed = escalationRole(core.reg, at.step, current.assignee);
    // One alarm per timeout that fired (a retried handler finds its letter decided already).
    const firing = p.previous?.dueAt ?? deadline.dueAt;
    const bodies: EventBody[] = [...resumed];
    if (deadline.status === 'open') bodies.push({ type: 'deadline.breached', data: { deadlineId: id, alarmed } });
    const alarms = view.letters.filter((l) => l.kind === 'alarm' && l.letterId.startsWith(`${key}:`)).length;
    bodies.push(
      ...core.letter(project(stored, bodies, now, 'klachtflow'), 'alarm', alarmed, `${key}:alarm:${firing}`, {
        step: at.step,
        dueAt: deadline.dueAt,
        ...(alarms > 0 ? { note: `Dit is waarschuwing ${alarms + 1}: de stap is nog steeds niet gezet.` } : {}),
      }),
    );
    // Warn again after the reminder period, three times; after that once a week, so a dossier
    // nobody picks up keeps being reported without flooding mailboxes (or billing transitions).
    const realarm = computeDeadline({
      anchor: { event: 'de vorige waarschuwing', at: now },
      term: alarms < 3 ? core.reg.reminders.before : '1 week',
      atw: false,
    });
    const next = Math.min(
      Date.parse(realarm.dueAt),
      p.executionStartedAt
        ? Date.parse(p.executionStartedAt) + EXECUTION_LIFETIME_SECONDS * 1000
        : Number.POSITIVE_INFINITY,
    );
    out = {
      step: p.step,
      outcome: CONTROL_OUTCOMES.rearm,
      timeoutSeconds: Math.max(60, Math.ceil((next - Date.parse(now)) / 1000)),
      dueAt: toSecond(next),
    };
    return bodies;
  });
  if (view.status === 'closed' && p.executionId)
    await core.deps.workflow.stop(p.executionId, 'Het dossier is gesloten.');
  if (breached && view.status === 'open') {
    core.deps.observer?.deadlineBreached({
      regulationId: core.reg.id,
      dossierId: p.dossierId,
      stepId: p.step,
      kind: breached,
    });
  }
  return out;
}
