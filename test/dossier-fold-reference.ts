/**
 * The dossier fold as it was before the copy-on-write projection (lambdas/domain/dossier.ts at
 * daf6261, verbatim but for the names and the reminders' `decidedAt` that main added since, f0b6289):
 * every projection a structuredClone of the whole view,
 * events applied in place. Kept only as the judge of test/dossier-fold.test.ts, which holds the new
 * fold to exactly these answers on arbitrary event sequences. Not used by the product.
 */
import type { DossierEvent, DossierView, EventBody, SuspensionView } from '../lambdas/domain/dossier.js';
import { deadlineId } from '../lambdas/domain/dossier.js';

/** The view after events that are not stored yet: lets a decision see its own effects. */
export function referenceProject(view: DossierView, bodies: readonly EventBody[], at: string, by: string): DossierView {
  const next: DossierView = structuredClone(view);
  bodies.forEach((b, i) => {
    apply(next, { ...b, seq: view.version + i + 1, at, by } as DossierEvent);
  });
  finish(next);
  return next;
}

function finish(view: DossierView) {
  // A deadline whose clock stands still is neither due nor late (opschorting).
  const open = view.deadlines
    .filter((d) => d.status === 'open' && !d.suspended)
    .map((d) => d.dueAt)
    .sort();
  // A breached term stays on the record after the step is done late; it is late *now* only while
  // its own step is still under way. The complainant's own term is never the organisation's late.
  // A term for the whole handling (Awb 9:11, Wkkgz art. 17) is late until the dossier closes.
  const done = new Set(view.ended.map((e) => deadlineId(e.stepId, e.activation)));
  const late = view.deadlines
    .filter((d) => d.status === 'breached' && !d.suspended && d.kind !== 'complainant' && !done.has(d.deadlineId))
    .map((d) => d.dueAt)
    .sort()[0];
  view.lateSince = view.status === 'open' ? late : undefined;
  view.nextDueAt = view.status === 'open' ? (view.lateSince ?? open[0]) : undefined;
  const since = view.lastOfficerAt ?? '';
  view.newMessageAt =
    view.status === 'open' ? view.messages.find((m) => m.from === 'complainant' && m.at > since)?.at : undefined;
  const undelivered =
    view.status === 'open'
      ? view.letters
          .flatMap((l) => (l.delivery && l.delivery.problem !== 'delay' && l.delivery.at > since ? [l.delivery] : []))
          .sort((a, b) => a.at.localeCompare(b.at))
      : [];
  view.undeliveredSince = undelivered[0]?.at;
  view.undeliveredTo = undelivered.length ? [...new Set(undelivered.flatMap((u) => u.addresses))] : undefined;
}

/** Events made by a person of the organisation (not klachtflow itself, not the complainant). */
function byOfficer(e: DossierEvent): boolean {
  return e.by !== 'complainant' && !e.by.startsWith('klachtflow') && e.type !== 'received';
}

/** Folds events into the dossier's view. */
export function referenceDeriveView(id: string, events: readonly DossierEvent[]): DossierView {
  const first = events[0];
  if (first?.type !== 'received') throw new Error(`Dossier ${id} does not start with "received".`);
  const view: DossierView = {
    id,
    reference: first.data.reference,
    regulationId: first.data.regulationId,
    status: 'open',
    received: first.data,
    rungId: first.data.startRung,
    rungEnteredAt: first.data.receivedAt,
    activations: {},
    deadlines: [],
    letters: [],
    reminders: {},
    withdrawn: false,
    ended: [],
    started: [],
    registration: {},
    accessTokenHash: first.data.accessTokenHash,
    improvements: [],
    conductNotes: [],
    messages: [],
    version: 0,
  };
  for (const e of events) apply(view, e);
  finish(view);
  return view;
}

function apply(view: DossierView, e: DossierEvent) {
  view.version = e.seq;
  if (byOfficer(e)) view.lastOfficerAt = e.at;
  const deadline = (id: string) => view.deadlines.find((d) => d.deadlineId === id);
  switch (e.type) {
    case 'received':
      return;
    case 'execution.started':
      view.executionArn = e.data.executionArn;
      view.executionStartedAt = e.at;
      return;
    case 'deadline.set': {
      const existing = deadline(e.data.deadlineId);
      if (existing) Object.assign(existing, e.data);
      else view.deadlines.push({ ...e.data, status: 'open', extended: false });
      return;
    }
    case 'deadline.extended': {
      const d = deadline(e.data.deadlineId);
      if (d) Object.assign(d, e.data, { extended: true, status: 'open' });
      return;
    }
    case 'deadline.suspended': {
      const { suspensionId: _s, ...data } = e.data;
      const d = deadline(e.data.deadlineId);
      if (d) Object.assign(d, data, { suspended: true });
      return;
    }
    case 'deadline.resumed': {
      const { suspensionId: _s, ...data } = e.data;
      const d = deadline(e.data.deadlineId);
      if (d) Object.assign(d, data, { suspended: false });
      return;
    }
    case 'suspension.started': {
      const s: SuspensionView = { ...e.data, from: e.at, by: e.by };
      view.suspension = s;
      view.suspensions = [...(view.suspensions ?? []), { ...s }];
      return;
    }
    case 'suspension.ended': {
      const s = view.suspensions?.find((x) => x.suspensionId === e.data.suspensionId);
      if (s) Object.assign(s, { endedAt: e.at, endedWhy: e.data.why });
      if (view.suspension?.suspensionId === e.data.suspensionId) view.suspension = undefined;
      return;
    }
    case 'deadline.met':
    case 'deadline.breached':
    case 'deadline.cancelled': {
      const d = deadline(e.data.deadlineId);
      // A breached deadline stays breached when the step is done late: the record must show it.
      if (d && !(d.status === 'breached' && e.type === 'deadline.met')) {
        d.status = e.type === 'deadline.met' ? 'met' : e.type === 'deadline.breached' ? 'breached' : 'cancelled';
      }
      return;
    }
    case 'step.started':
      view.activations[e.data.stepId] = e.data.activation;
      if (view.rungId !== e.data.rungId) view.rungEnteredAt = e.at;
      view.rungId = e.data.rungId;
      view.current = { ...e.data, startedAt: e.at };
      view.started.push({ stepId: e.data.stepId, activation: e.data.activation, seq: e.seq });
      return;
    case 'step.awaiting':
      if (view.current?.stepId === e.data.stepId) view.current.token = e.data.token;
      return;
    case 'step.ended':
      view.ended.push({
        stepId: e.data.stepId,
        activation: e.data.activation,
        outcome: e.data.outcome,
        at: e.at,
        by: e.data.by,
        seq: e.seq,
      });
      if (view.current?.stepId === e.data.stepId) view.current = undefined;
      return;
    case 'handover':
      if (view.current?.stepId === e.data.stepId) view.current.assignee = e.data.to;
      return;
    case 'letter.queued':
      view.letters.push({ ...e.data, status: 'queued', queuedAt: e.at });
      return;
    case 'letter.sent': {
      const l = view.letters.find((x) => x.letterId === e.data.letterId);
      if (l) Object.assign(l, { status: 'sent', sentAt: e.at, messageId: e.data.messageId });
      return;
    }
    case 'letter.failed': {
      const l = view.letters.find((x) => x.letterId === e.data.letterId);
      if (l && l.status === 'queued') Object.assign(l, { status: 'failed', failedAt: e.at, failure: e.data.reason });
      return;
    }
    case 'letter.bounced':
    case 'letter.delayed': {
      const l = view.letters.find((x) => x.letterId === e.data.letterId);
      // A delay never hides a bounce or complaint already reported for the letter.
      if (l && !(e.type === 'letter.delayed' && l.delivery && l.delivery.problem !== 'delay'))
        l.delivery = {
          problem: e.type === 'letter.bounced' ? e.data.problem : 'delay',
          at: e.at,
          addresses: e.data.addresses,
          ...(e.data.detail ? { detail: e.data.detail } : {}),
        };
      return;
    }
    case 'contact.corrected':
      // A new object: `received` is the first event's own data, which stays as it came in.
      view.received = { ...view.received, complainant: { ...view.received.complainant, email: e.data.email } };
      return;
    case 'reminder.scheduled':
      view.reminders[e.data.name] = { at: e.data.at, stepId: e.data.stepId, active: true, decidedAt: e.at };
      return;
    case 'reminder.cancelled': {
      const r = view.reminders[e.data.name];
      if (r) r.active = false;
      return;
    }
    case 'message':
      view.messages.push({
        from: e.data.from,
        text: e.data.text,
        at: e.at,
        ...(e.data.via ? { via: e.data.via } : {}),
      });
      return;
    case 'attachment.added': {
      const { from, via, ...meta } = e.data;
      view.attachments = [...(view.attachments ?? []), { ...meta, at: e.at, from, via }];
      return;
    }
    case 'intake.incomplete':
      view.incomplete = [...e.data.missing];
      return;
    case 'intake.asked':
      view.incompleteAsked = { at: e.at, replyBy: e.data.replyBy };
      return;
    case 'intake.completed': {
      // The first event stays as it was (the record of what came in); the view shows the completed data.
      const c = view.received.complainant;
      view.received = {
        ...view.received,
        complainant: {
          ...c,
          ...e.data.complainant,
          ...(e.data.complainant.address ? { address: { ...c.address, ...e.data.complainant.address } } : {}),
        },
        ...(e.data.description ? { description: e.data.description } : {}),
      };
      view.incomplete = [];
      return;
    }
    case 'withdrawn':
      view.withdrawn = true;
      return;
    case 'improvement.added':
      view.improvements.push({ ...e.data });
      return;
    case 'improvement.updated': {
      const i = view.improvements.find((x) => x.improvementId === e.data.improvementId);
      if (i) Object.assign(i, { status: e.data.status, ...(e.data.note ? { note: e.data.note } : {}) });
      return;
    }
    case 'registration.answered':
      Object.assign(view.registration, e.data.answers);
      return;
    case 'conduct.noted':
      view.conductNotes.push({ ...e.data, at: e.at, by: e.by });
      return;
    case 'satisfaction.answered':
      view.complainantSatisfaction = {
        satisfied: e.data.satisfied,
        ...(e.data.remark ? { remark: e.data.remark } : {}),
        at: e.at,
        answers: (view.complainantSatisfaction?.answers ?? 0) + 1,
      };
      return;
    case 'access.renewed':
      // "De vorige link werkt niet meer": every earlier link, the letters' ones included.
      view.accessTokenHash = e.data.accessTokenHash;
      delete view.grantedTokenHashes;
      return;
    case 'access.granted':
      view.grantedTokenHashes = [...(view.grantedTokenHashes ?? []), e.data.accessTokenHash];
      return;
    case 'retention.scheduled':
      view.retentionUntil = e.data.at;
      return;
    case 'erased':
      view.erasedAt = e.at;
      return;
    case 'closed': {
      // A clock that still stood when the dossier closed stops counting there.
      const s = view.suspensions?.find((x) => x.suspensionId === view.suspension?.suspensionId);
      if (s && !s.endedAt) Object.assign(s, { endedAt: e.at, endedWhy: 'closed' });
      view.suspension = undefined;
      view.status = 'closed';
      view.closed = { at: e.at, ...e.data };
      view.current = undefined;
      return;
    }
  }
}
