/**
 * The dossier: an append-only list of events, and the view derived from it. Nothing in a dossier
 * is overwritten; what an officer sees (current step, deadlines with their status, letters) is a
 * fold over the events, so a dispute can be answered from the events alone.
 */

import type { DeadlineKind } from '../../statemachines/model.js';
import type { Explanation } from './calendar/deadline.js';
import type { AttachmentMeta } from './ports.js';

export interface Complainant {
  name: string;
  email?: string;
  phone?: string;
  address?: { street?: string; postcode?: string; city?: string };
  birthDate?: string;
}

export interface ReceivedData {
  reference: string;
  regulationId: string;
  variant: string;
  channel: string;
  startRung: string;
  receivedAt: string;
  complainant: Complainant;
  role: string;
  onBehalfOf?: string;
  description: string;
  incidentDate?: string;
  lastContactDate?: string;
  respondent?: { name?: string; email?: string; team?: string; managerEmail?: string };
  aboutRole?: string;
  wantsSupport?: boolean;
  /** Answers to the report questions of the complaint form: a choice from the regulation's list. */
  answers?: Record<string, string>;
  accessTokenHash: string;
  /** Recorded by an officer: the employee who took the complaint (phone, desk, conversation). */
  takenBy?: string;
  /** Recorded by an officer: a transcript or note of the call, conversation or letter. */
  transcript?: string;
  /** The complaint window checked at intake: outside it, the officer decides (never silently refused). */
  window?: { outside: boolean; text: string };
}

/** A letter or notice as decided (the outbox): delivered afterwards, and again after a crash. */
export interface QueuedLetter {
  letterId: string;
  kind: string;
  audience: 'complainant' | 'respondent' | 'officer';
  /** Recipients as the regulation names them (complainant, a role id, ...). */
  recipients: string[];
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Recipients without an address: the letter must go by post or by hand (shown to officers). */
  undeliverable: string[];
  /** The letter that bounced, sent again with this one to a corrected address (mail-events.ts). */
  resendOf?: string;
}

/** An improvement action that came out of a complaint (the improvement register). */
export interface Improvement {
  improvementId: string;
  action: string;
  owner: string;
  due: string;
  status: 'open' | 'in-progress' | 'done';
  note?: string;
}

export interface DeadlineData {
  deadlineId: string;
  /** What the deadline was computed from, so an extension or suspension can recompute it. */
  basis: {
    anchorEvent: string;
    anchorAt: string;
    term: string;
    atw: boolean;
    source?: string;
    extensions: { term: string; reason: string; announcedAt: string; consent?: boolean }[];
    /**
     * The periods the clock stood still (opschorting), as the calendar counts them: from the day
     * after the clock stopped (Awb 4:15 lid 1: "met ingang van de dag na die waarop") until the day
     * it ran again; `until` absent while it still stands.
     */
    suspensions?: { suspensionId: string; from: string; until?: string; reason: string }[];
  };
  /** The step whose term this is; for a term for the handling as a whole, the term's id. */
  stepId: string;
  /** Set for a term for the handling as a whole (Awb 9:11, Wkkgz art. 17): the term's id in `ladder.terms`. */
  termId?: string;
  title: string;
  lastDay: string;
  dueAt: string;
  kind: DeadlineKind;
  statute?: string;
  explanation: Explanation;
}

/** The clock stopped on a ground of the regulation (ladder.suspension.grounds). */
export interface SuspensionData {
  suspensionId: string;
  groundId: string;
  /** The ground's title, as the complainant reads it. */
  title: string;
  reason: string;
  /** The step the dossier stood at (the report counts suspended days per step). */
  stepId: string;
  activation: number;
  deadlineIds: string[];
  /** The latest instant the clock stands still: its own term (Awb 4:15: the term to complete). */
  until?: string;
  /** The complainant agreed (where the ground asks for it). */
  consent?: boolean;
}

/** What the mail service reported about a letter it had accepted (SES event publishing). */
export interface LetterDeliveryProblem {
  letterId: string;
  messageId: string;
  addresses: string[];
  detail?: string;
}

/** Every event kind, with its data. */
export type EventBody =
  | { type: 'received'; data: ReceivedData }
  | { type: 'execution.started'; data: { executionArn: string } }
  | { type: 'deadline.set'; data: DeadlineData }
  | { type: 'deadline.extended'; data: DeadlineData & { reason: string } }
  /** The clock of a deadline stopped: its explanation says so; it cannot be breached while it stands. */
  | { type: 'deadline.suspended'; data: DeadlineData & { suspensionId: string } }
  /** The clock runs again: the deadline recomputed through the calendar with the days it stood still. */
  | { type: 'deadline.resumed'; data: DeadlineData & { suspensionId: string } }
  | { type: 'suspension.started'; data: SuspensionData }
  | {
      type: 'suspension.ended';
      /** resumed: an officer; information: the complainant replied; term-passed: its own term; step-ended. */
      data: { suspensionId: string; why: 'resumed' | 'information' | 'term-passed' | 'step-ended'; reason?: string };
    }
  | { type: 'deadline.met'; data: { deadlineId: string } }
  | { type: 'deadline.breached'; data: { deadlineId: string; alarmed: string[] } }
  | { type: 'deadline.cancelled'; data: { deadlineId: string; reason: string } }
  | {
      type: 'step.started';
      data: { stepId: string; rungId: string; activation: number; actor: string; assignee: string };
    }
  | { type: 'step.awaiting'; data: { stepId: string; activation: number; token: string; timeoutSeconds: number } }
  | {
      type: 'step.ended';
      /** `contents`: what the officer wrote for the items the outcome's letters must contain (letter-content.ts). */
      data: {
        stepId: string;
        activation: number;
        outcome: string;
        by: string;
        note?: string;
        contents?: Record<string, string>;
      };
    }
  | { type: 'handover'; data: { stepId: string; from: string; to: string; reason: string } }
  | { type: 'letter.queued'; data: QueuedLetter }
  | { type: 'letter.sent'; data: { letterId: string; messageId: string } }
  /** The mail service refused the letter for good: set aside for an officer, never retried at start. */
  | { type: 'letter.failed'; data: { letterId: string; reason: string } }
  /**
   * The mail service reported, after it accepted the letter, that it did not reach these addresses
   * (a bounce, or a rejection for its content) or that the recipient marked it as spam (a
   * complaint: it may sit unread in a spam folder, and SES sends nothing to that address again).
   * `detail`: the receiving server's answer, for the officer.
   */
  | { type: 'letter.bounced'; data: LetterDeliveryProblem & { problem: 'bounce' | 'complaint' | 'reject' } }
  /** Delivery is delayed (a full mailbox, a server that is down): SES keeps trying for a while. */
  | { type: 'letter.delayed'; data: LetterDeliveryProblem }
  /**
   * An officer corrected the complainant's e-mail address after a letter to it did not arrive; the
   * old one stays here (the history says what was used when), until erasure removes both.
   */
  | { type: 'contact.corrected'; data: { email: string; previous?: string; letterId: string } }
  | {
      type: 'reminder.scheduled';
      /** `kind`: a term for the whole handling's reminder, or its end (breach and alarm); else a step's reminder. */
      data: {
        name: string;
        at: string;
        stepId: string;
        /** For `suspension-end`: the suspension's id. */
        deadlineId: string;
        kind?: 'term-reminder' | 'term-end' | 'suspension-end';
      };
    }
  | { type: 'reminder.cancelled'; data: { name: string } }
  | { type: 'message'; data: { from: 'complainant' | 'officer'; text: string; via?: 'email' } }
  | { type: 'attachment.added'; data: AttachmentMeta & { from: 'complainant' | 'officer'; via: 'email' | 'upload' } }
  /** Fields the intake variant requires that the complaint lacks (an e-mail without an address). */
  | { type: 'intake.incomplete'; data: { missing: string[] } }
  /** The officer asked the complainant for the missing fields, with a letter (Awb 4:5 by analogy). */
  | { type: 'intake.asked'; data: { missing: string[]; replyBy: string } }
  /** The missing fields arrived and were recorded by an officer. */
  | {
      type: 'intake.completed';
      data: { complainant: Partial<Omit<ReceivedData['complainant'], 'birthDate'>>; description?: string };
    }
  | { type: 'withdrawn'; data: { reason?: string } }
  | { type: 'closed'; data: { result: string; reason: string; referral?: string } }
  | {
      type: 'retention.scheduled';
      /** `term` and `atLeast`: the regulation's retention, as it reads ("ten minste twee jaar"). */
      data: { name: string; at: string; term?: string; atLeast?: boolean };
    }
  | { type: 'access.renewed'; data: { accessTokenHash: string } }
  /**
   * One more private link, minted as a letter that carries it is sent (the closing letter's link to
   * the satisfaction question): the link they had keeps working. Only its hash is kept.
   */
  /**
   * `by`: its own author, where it is granted in the commit of someone else's decision: klachtflow
   * mints the link as it queues the letter (procedure/core.ts), whoever decided.
   */
  | { type: 'access.granted'; data: { accessTokenHash: string; letterId: string }; by?: string }
  | { type: 'registration.answered'; data: { answers: Record<string, string> } }
  | { type: 'improvement.added'; data: Improvement }
  | { type: 'improvement.updated'; data: { improvementId: string; status: Improvement['status']; note?: string } }
  | { type: 'conduct.noted'; data: { noteId: string; text: string } }
  /** The complainant's own answer, after closure, to "are you satisfied with the handling?" */
  | { type: 'satisfaction.answered'; data: { satisfied: boolean; remark?: string } }
  | { type: 'erased'; data: { fields: string[] } };

export type DossierEvent = EventBody & { seq: number; at: string; by: string };

export type DeadlineStatus = 'open' | 'met' | 'breached' | 'cancelled';

export interface DeadlineView extends DeadlineData {
  status: DeadlineStatus;
  extended: boolean;
  /** The clock stands still (opschorting): not late, not breached, until it runs again. */
  suspended?: boolean;
}

/** A suspension in the dossier: under way (no `endedAt`) or over. */
export interface SuspensionView extends SuspensionData {
  from: string;
  by: string;
  endedAt?: string;
  endedWhy?: string;
}

export interface DossierView {
  id: string;
  reference: string;
  regulationId: string;
  status: 'open' | 'closed';
  received: ReceivedData;
  rungId: string;
  /** When the dossier entered its current rung (terms "na ontvangst" by a committee count from it). */
  rungEnteredAt: string;
  /** The step under way, if any, with its activation (a step can be visited again). */
  current?: {
    stepId: string;
    rungId: string;
    activation: number;
    actor: string;
    assignee: string;
    startedAt: string;
    token?: string;
  };
  activations: Record<string, number>;
  deadlines: DeadlineView[];
  letters: (QueuedLetter & {
    status: 'queued' | 'sent' | 'failed';
    queuedAt: string;
    sentAt?: string;
    messageId?: string;
    failedAt?: string;
    failure?: string;
    /** The latest problem the mail service reported after it accepted the letter. */
    delivery?: {
      problem: 'bounce' | 'complaint' | 'reject' | 'delay';
      at: string;
      addresses: string[];
      detail?: string;
    };
  })[];
  /** `decidedAt`: the commit that decided it (the scheduled recovery looks at recent decisions only). */
  reminders: Record<string, { at: string; stepId: string; active: boolean; decidedAt: string }>;
  executionArn?: string;
  /** When the running execution was recorded as started (its lifetime counts from about then). */
  executionStartedAt?: string;
  withdrawn: boolean;
  closed?: { at: string; result: string; reason: string; referral?: string };
  /** Steps ended, in order, for the timeline and the anchors of later deadlines. */
  ended: { stepId: string; activation: number; outcome: string; at: string; by: string; seq: number }[];
  /** Steps started, in order (with the event's sequence number, to tell a retry from a new visit). */
  started: { stepId: string; activation: number; seq: number }[];
  /** The hash of the complainant's current access token (renewed when they ask for a new link). */
  accessTokenHash: string;
  /** Links minted for letters since the last renewal (their hashes); a renewal ends them too. */
  grantedTokenHashes?: string[];
  /** Answers to the regulation's registration form given by officers (derived ones are not stored). */
  registration: Record<string, string>;
  improvements: Improvement[];
  /**
   * Notes on blameworthy conduct of an employee: for the regulation's `conductNote.readers` only
   * (never in the complainant's view, an export or a report).
   */
  conductNotes: { noteId: string; text: string; at: string; by: string }[];
  /** Files the complainant sent (e-mail attachments), metadata only; bytes are in the AttachmentStore. */
  attachments?: (AttachmentMeta & { at: string; from: string; via: string })[];
  /** Required fields of the intake variant still missing; empty or absent when complete. */
  incomplete?: string[];
  /** When the officer asked for the missing fields, and by when they should come. */
  incompleteAsked?: { at: string; replyBy: string };
  /** When the personal data was erased at the end of the retention period. */
  erasedAt?: string;
  retentionUntil?: string;
  /**
   * The deadline that matters first for the worklist: the step under way that is late (its term
   * passed and it is still not done), else the nearest open deadline.
   */
  nextDueAt?: string;
  /** When the step under way passed its term and is still not done (the worklist's "te laat, sinds"). */
  lateSince?: string;
  /** The clock stands still now (opschorting): the suspension under way. */
  suspension?: SuspensionView;
  /** Every suspension, in order (the report counts their days per step). */
  suspensions?: SuspensionView[];
  /**
   * The complainant's own answer to "Bent u tevreden over hoe wij uw klacht behandelden?", asked on
   * their page after closure: the latest answer counts; `answers` says how often they answered.
   * Not the officer's answer in the registration form: the report counts them apart.
   */
  complainantSatisfaction?: { satisfied: boolean; remark?: string; at: string; answers: number };
  /** What the complainant and officers added to the dossier, in order. */
  messages: { from: 'complainant' | 'officer'; text: string; at: string; via?: 'email' }[];
  /** When an officer last did anything in the dossier (an action, a message, a form). */
  lastOfficerAt?: string;
  /** The first message of the complainant since an officer last did anything: "nieuw bericht". */
  newMessageAt?: string;
  /**
   * The first letter that did not arrive (bounce, spam complaint, rejection) since an officer last
   * did anything, and to which addresses: "brief niet aangekomen" in the worklist.
   */
  undeliveredSince?: string;
  undeliveredTo?: string[];
  version: number;
}

/**
 * The view after events that are not stored yet: lets a decision see its own effects. The view it
 * starts from is left as it is, and shares with the result whatever these events do not change
 * (see Draft): a projection costs what its events touch, not a copy of the whole dossier.
 */
export function project(view: DossierView, bodies: readonly EventBody[], at: string, by: string): DossierView {
  const after = advance(
    view,
    bodies.map((b, i) => ({ ...b, seq: view.version + i + 1, at, by }) as DossierEvent),
  );
  // A copy of the list: the caller may push onto it or change it after (see `committed`).
  if (bodies.length > 0) look = { from: view, bodies: [...bodies], at, by, view: after };
  return after;
}

/**
 * `project(view, bodies, at, by)` for a decision that pushes its bodies onto one list a few at a
 * time and looks at the view in between (beginStep, completion, close): each call folds only the
 * bodies pushed since the call before, onto the view it answered then, which gives what folding
 * them all onto `view` gives (the fold is event by event; test/dossier-fold.test.ts). beginStep
 * folded its growing list from the start up to seven times (#19). A list changed otherwise than by
 * pushing is folded again from `view`.
 */
export function projection(view: DossierView, bodies: readonly EventBody[], at: string, by: string): () => DossierView {
  let folded = view;
  const seen: EventBody[] = [];
  return () => {
    let same = seen.length <= bodies.length;
    for (let i = 0; same && i < seen.length; i++) same = seen[i] === bodies[i];
    if (!same) {
      folded = view;
      seen.length = 0;
    }
    if (bodies.length === seen.length) return folded;
    const from = seen.length;
    const events: DossierEvent[] = [];
    for (let i = from; i < bodies.length; i++)
      events.push({ ...(bodies[i] as EventBody), seq: view.version + i + 1, at, by } as DossierEvent);
    folded = advance(folded, events);
    // Seen once folded: a fold that threw leaves them unseen, to be folded at the next look.
    for (let i = from; i < bodies.length; i++) seen.push(bodies[i] as EventBody);
    // The look keeps its own copy of the bodies it saw: `seen` changes with the next look (or is
    // emptied when the list changed otherwise), and a store reads the look after its first await
    // (the review of session 18).
    look = { from: view, bodies: seen.slice(), at, by, view: folded };
    return folded;
  };
}

/** A decision's look at its own bodies: the view it looked from, the bodies, their instant and author, what it saw. */
export interface Look {
  from: DossierView;
  bodies: readonly EventBody[];
  at: string;
  by: string;
  view: DossierView;
}

/**
 * The latest projection made in this thread (project, projection). One, not one per view: a
 * decision is synchronous, and its commit is handed to the store in the same turn (core.ts
 * mutate, dynamodb-store.ts appendNow), which takes it with `lookFrom` before its first await.
 * Nothing keeps more than that one alive (a WeakMap of one per view made the collector's work grow
 * with the views a year holds: 7.3 % of the samples against 8.7-9.4 %, session 18).
 */
let look: Look | undefined;

/**
 * The latest projection, if it was made from `view` (the view a decision was taken on), and
 * forgets it either way: what a store hands to `committed` for the commit of that decision.
 */
export function lookFrom(view: DossierView): Look | undefined {
  const l = look;
  look = undefined;
  return l?.from === view ? l : undefined;
}

/**
 * The view after a commit of `bodies` on `base`, as the store holds it after the append:
 * `events`, the commit as read back (each body with its sequence number, instant and author,
 * through JSON). The decision that made the commit has mostly folded the same bodies onto `base`
 * already, to look at its own effects (beginStep's last look, for the cursor it answers): that
 * projection (`seen`, lookFrom) is handed on and only the bodies after it (mutate's link grants,
 * letters queued after the last look) are folded, instead of all of them again (#19, session 18:
 * 2.9 folds of a simulated complaint). Handed on only where folding `events` gives exactly that
 * view (as deriving from every event does; test/dossier-fold.test.ts): the same body objects in
 * the same places, with the same instant and author (an officer's decision projects its
 * completion as klachtflow, but is committed as the officer: not handed on), and bodies that JSON
 * gives back as they are (a field left undefined would stay in the projection as a key, and not
 * in the read).
 */
export function committed(
  base: DossierView,
  events: readonly DossierEvent[],
  bodies: readonly EventBody[],
  seen?: Look,
): DossierView {
  const k = seen?.bodies.length ?? 0;
  if (!seen || seen.from !== base || k === 0 || k > bodies.length || k > events.length) return advance(base, events);
  for (let i = 0; i < k; i++) {
    const e = events[i] as DossierEvent;
    const b = seen.bodies[i] as EventBody;
    if (b !== bodies[i] || e.seq !== base.version + i + 1 || e.at !== seen.at || e.by !== seen.by || !asJson(b))
      return advance(base, events);
  }
  return advance(seen.view, events.slice(k));
}

/**
 * Whether JSON gives `value` back as it is: plain data (strings, finite numbers but -0, booleans,
 * null, arrays and objects of the plain prototypes) with no field undefined, no function or
 * symbol, no `toJSON` and no key `__proto__` (what the store's jsonCopy would change or leave out).
 */
function asJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || 'toJSON' in value) return false;
        for (let i = 0; i < value.length; i++) if (!asJson(value[i])) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype || 'toJSON' in value) return false;
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || !asJson((value as Record<string, unknown>)[key])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * The view after stored events that came after it (`events`: those with a higher sequence number,
 * in order), as deriving it from all events gives: a view read a moment ago is brought up to date
 * by the few events since, instead of reading and folding the whole dossier again. Like `project`,
 * it leaves `view` as it is and shares what the events do not change.
 */
export function advance(view: DossierView, events: readonly DossierEvent[]): DossierView {
  // Nothing since: the view is the fold of its events already (finish included), and a view is
  // never changed once a fold returned it (see Draft). Of a simulated complaint's folds, 4.2 were
  // of no events (termsAtStep's look at no bodies, 3.75; #19, session 18).
  if (events.length === 0) return view;
  const draft = new Draft({ ...view });
  for (const e of events) apply(draft, e);
  finish(draft.view);
  return draft.view;
}

/** The lists of a view that events add to or change items of. */
type ListKey =
  | 'deadlines'
  | 'letters'
  | 'ended'
  | 'started'
  | 'improvements'
  | 'conductNotes'
  | 'messages'
  | 'suspensions'
  | 'attachments';
/** The records of a view that events add entries to or change entries of. */
type RecordKey = 'activations' | 'reminders' | 'registration';

/**
 * Copy-on-write over the view of one fold: a list or record of the view, or an item in one, is
 * copied the first time an event of this fold changes it, and changed in place after that (it is
 * the fold's own then). What the fold does not touch stays shared with the view it started from.
 * A view is never changed once a fold has returned it: every change of a view goes through here
 * (#19: project() deep-copied the whole view, letters' text and HTML included, for every decision,
 * several times per ladder task). test/dossier-fold.test.ts holds it to the deep-copying fold.
 */
class Draft {
  private readonly owned = new Set<object>();

  /** `view`: a shallow copy of its own (its own fields may be set; nothing below them). */
  constructor(readonly view: DossierView) {}

  /** A list of the view, as this fold's own. */
  list<K extends ListKey>(key: K): NonNullable<DossierView[K]> {
    const current = this.view[key] as NonNullable<DossierView[K]> | undefined;
    if (current && this.owned.has(current)) return current;
    const copy = (current ? [...current] : []) as NonNullable<DossierView[K]>;
    this.owned.add(copy);
    this.view[key] = copy;
    return copy;
  }

  /** A record of the view, as this fold's own. */
  record<K extends RecordKey>(key: K): DossierView[K] {
    const current = this.view[key];
    if (this.owned.has(current)) return current;
    const copy = { ...current };
    this.owned.add(copy);
    this.view[key] = copy;
    return copy;
  }

  /** The item at `index` of one of this fold's own lists or records, as this fold's own. */
  item<T extends object>(container: T[] | Record<string, T>, index: number | string): T {
    const at = container as Record<number | string, T>;
    const current = at[index] as T;
    if (this.owned.has(current)) return current;
    const copy = { ...current };
    this.owned.add(copy);
    at[index] = copy;
    return copy;
  }

  /** A new item made by this fold: its own from the start. */
  own<T extends object>(item: T): T {
    this.owned.add(item);
    return item;
  }

  /**
   * The position of the first item of a list of the view whose `field` is `value`, or -1. A loop,
   * not a predicate: a closure made per event was a good part of a fold's time.
   */
  find<K extends ListKey>(key: K, field: keyof NonNullable<DossierView[K]>[number], value: unknown): number {
    const list = this.view[key] as NonNullable<DossierView[K]>[number][] | undefined;
    if (!list) return -1;
    for (let i = 0; i < list.length; i++)
      if ((list[i] as NonNullable<DossierView[K]>[number])[field] === value) return i;
    return -1;
  }

  /** The first item of a list of the view whose `field` is `value`, as this fold's own to change; undefined when none. */
  change<K extends ListKey>(
    key: K,
    field: keyof NonNullable<DossierView[K]>[number],
    value: unknown,
  ): NonNullable<DossierView[K]>[number] | undefined {
    const i = this.find(key, field, value);
    if (i < 0) return undefined;
    return this.item(this.list(key) as NonNullable<DossierView[K]>[number][], i);
  }
}

function finish(view: DossierView) {
  // Closed: nothing is due, late, new or undelivered any more.
  if (view.status !== 'open') {
    view.lateSince = undefined;
    view.nextDueAt = undefined;
    view.newMessageAt = undefined;
    view.undeliveredSince = undefined;
    view.undeliveredTo = undefined;
    return;
  }
  // One pass over the deadlines, not filters, maps and sorts: this runs at the end of every fold,
  // some sixty per complaint (#19, session 10; test/dossier-fold.test.ts holds it to the fold as
  // it was). A deadline whose clock stands still is neither due nor late (opschorting). A breached
  // term stays on the record after the step is done late; it is late *now* only while its own step
  // is still under way. The complainant's own term is never the organisation's late. A term for
  // the whole handling (Awb 9:11, Wkkgz art. 17) is late until the dossier closes.
  let open: string | undefined;
  let late: string | undefined;
  let done: Set<string> | undefined;
  for (const d of view.deadlines) {
    if (d.suspended) continue;
    if (d.status === 'open') {
      if (open === undefined || d.dueAt < open) open = d.dueAt;
    } else if (d.status === 'breached' && d.kind !== 'complainant') {
      done ??= new Set(view.ended.map((e) => deadlineId(e.stepId, e.activation)));
      if (!done.has(d.deadlineId) && (late === undefined || d.dueAt < late)) late = d.dueAt;
    }
  }
  view.lateSince = late;
  view.nextDueAt = late ?? open;
  const since = view.lastOfficerAt ?? '';
  let message: string | undefined;
  for (const m of view.messages)
    if (m.from === 'complainant' && m.at > since) {
      message = m.at;
      break;
    }
  view.newMessageAt = message;
  let undelivered: NonNullable<DossierView['letters'][number]['delivery']>[] | undefined;
  for (const l of view.letters) {
    if (!l.delivery || l.delivery.problem === 'delay' || !(l.delivery.at > since)) continue;
    undelivered ??= [];
    undelivered.push(l.delivery);
  }
  undelivered?.sort((a, b) => a.at.localeCompare(b.at));
  view.undeliveredSince = undelivered?.[0]?.at;
  view.undeliveredTo = undelivered ? [...new Set(undelivered.flatMap((u) => u.addresses))] : undefined;
}

/** Events made by a person of the organisation (not klachtflow itself, not the complainant). */
function byOfficer(e: DossierEvent): boolean {
  return e.by !== 'complainant' && !e.by.startsWith('klachtflow') && e.type !== 'received';
}

/** Folds events into the dossier's view. */
export function deriveView(id: string, events: readonly DossierEvent[]): DossierView {
  const first = events[0];
  if (first?.type !== 'received') throw new Error(`Dossier ${id} does not start with "received".`);
  const draft = new Draft({
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
  });
  for (const e of events) apply(draft, e);
  finish(draft.view);
  return draft.view;
}

/** What one event does to the view (through the fold's draft: nothing shared is changed). */
function apply(draft: Draft, e: DossierEvent) {
  const view = draft.view;
  view.version = e.seq;
  if (byOfficer(e)) view.lastOfficerAt = e.at;
  switch (e.type) {
    case 'received':
      return;
    case 'execution.started':
      view.executionArn = e.data.executionArn;
      view.executionStartedAt = e.at;
      return;
    case 'deadline.set': {
      const existing = draft.change('deadlines', 'deadlineId', e.data.deadlineId);
      if (existing) Object.assign(existing, e.data);
      else draft.list('deadlines').push(draft.own({ ...e.data, status: 'open', extended: false }));
      return;
    }
    case 'deadline.extended': {
      const d = draft.change('deadlines', 'deadlineId', e.data.deadlineId);
      if (d) Object.assign(d, e.data, { extended: true, status: 'open' });
      return;
    }
    case 'deadline.suspended': {
      const { suspensionId: _s, ...data } = e.data;
      const d = draft.change('deadlines', 'deadlineId', e.data.deadlineId);
      if (d) Object.assign(d, data, { suspended: true });
      return;
    }
    case 'deadline.resumed': {
      const { suspensionId: _s, ...data } = e.data;
      const d = draft.change('deadlines', 'deadlineId', e.data.deadlineId);
      if (d) Object.assign(d, data, { suspended: false });
      return;
    }
    case 'suspension.started': {
      const s: SuspensionView = { ...e.data, from: e.at, by: e.by };
      view.suspension = s;
      draft.list('suspensions').push(draft.own({ ...s }));
      return;
    }
    case 'suspension.ended': {
      const s = draft.change('suspensions', 'suspensionId', e.data.suspensionId);
      if (s) Object.assign(s, { endedAt: e.at, endedWhy: e.data.why });
      if (view.suspension?.suspensionId === e.data.suspensionId) view.suspension = undefined;
      return;
    }
    case 'deadline.met':
    case 'deadline.breached':
    case 'deadline.cancelled': {
      const i = draft.find('deadlines', 'deadlineId', e.data.deadlineId);
      const found = view.deadlines[i];
      // A breached deadline stays breached when the step is done late: the record must show it.
      if (found && !(found.status === 'breached' && e.type === 'deadline.met')) {
        draft.item(draft.list('deadlines'), i).status =
          e.type === 'deadline.met' ? 'met' : e.type === 'deadline.breached' ? 'breached' : 'cancelled';
      }
      return;
    }
    case 'step.started':
      draft.record('activations')[e.data.stepId] = e.data.activation;
      if (view.rungId !== e.data.rungId) view.rungEnteredAt = e.at;
      view.rungId = e.data.rungId;
      view.current = { ...e.data, startedAt: e.at };
      draft.list('started').push({ stepId: e.data.stepId, activation: e.data.activation, seq: e.seq });
      return;
    case 'step.awaiting':
      if (view.current?.stepId === e.data.stepId) view.current = { ...view.current, token: e.data.token };
      return;
    case 'step.ended':
      draft.list('ended').push({
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
      if (view.current?.stepId === e.data.stepId) view.current = { ...view.current, assignee: e.data.to };
      return;
    case 'letter.queued':
      draft.list('letters').push(draft.own({ ...e.data, status: 'queued', queuedAt: e.at }));
      return;
    case 'letter.sent': {
      const l = draft.change('letters', 'letterId', e.data.letterId);
      if (l) Object.assign(l, { status: 'sent', sentAt: e.at, messageId: e.data.messageId });
      return;
    }
    case 'letter.failed': {
      const i = draft.find('letters', 'letterId', e.data.letterId);
      if (view.letters[i]?.status === 'queued')
        Object.assign(draft.item(draft.list('letters'), i), {
          status: 'failed',
          failedAt: e.at,
          failure: e.data.reason,
        });
      return;
    }
    case 'letter.bounced':
    case 'letter.delayed': {
      const i = draft.find('letters', 'letterId', e.data.letterId);
      const l = view.letters[i];
      // A delay never hides a bounce or complaint already reported for the letter.
      if (l && !(e.type === 'letter.delayed' && l.delivery && l.delivery.problem !== 'delay'))
        draft.item(draft.list('letters'), i).delivery = {
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
      draft.record('reminders')[e.data.name] = draft.own({
        at: e.data.at,
        stepId: e.data.stepId,
        active: true,
        decidedAt: e.at,
      });
      return;
    case 'reminder.cancelled': {
      if (view.reminders[e.data.name]) draft.item(draft.record('reminders'), e.data.name).active = false;
      return;
    }
    case 'message':
      draft.list('messages').push({
        from: e.data.from,
        text: e.data.text,
        at: e.at,
        ...(e.data.via ? { via: e.data.via } : {}),
      });
      return;
    case 'attachment.added': {
      const { from, via, ...meta } = e.data;
      draft.list('attachments').push({ ...meta, at: e.at, from, via });
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
      draft.list('improvements').push(draft.own({ ...e.data }));
      return;
    case 'improvement.updated': {
      const i = draft.change('improvements', 'improvementId', e.data.improvementId);
      if (i) Object.assign(i, { status: e.data.status, ...(e.data.note ? { note: e.data.note } : {}) });
      return;
    }
    case 'registration.answered':
      Object.assign(draft.record('registration'), e.data.answers);
      return;
    case 'conduct.noted':
      draft.list('conductNotes').push({ ...e.data, at: e.at, by: e.by });
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
      const under = view.suspension?.suspensionId;
      const i = draft.find('suspensions', 'suspensionId', under);
      if (i >= 0 && !view.suspensions?.[i]?.endedAt)
        Object.assign(draft.item(draft.list('suspensions'), i), { endedAt: e.at, endedWhy: 'closed' });
      view.suspension = undefined;
      view.status = 'closed';
      view.closed = { at: e.at, ...e.data };
      view.current = undefined;
      return;
    }
  }
}

/** The id of a deadline of one activation of a step. */
export function deadlineId(stepId: string, activation: number): string {
  return `${stepId}#${activation}`;
}

/** The instant a step last ended, for terms counted from the end of a step. */
export function lastEnded(view: DossierView, stepId: string): string | undefined {
  return view.ended.filter((x) => x.stepId === stepId).at(-1)?.at;
}

export const ERASED = '[verwijderd]';

/**
 * The event with the personal data of complainant and respondent removed (retention erasure): what
 * the reports need stays (dates, steps, outcomes, municipality, deadlines and their explanation).
 */
export function redactEvent(e: DossierEvent): DossierEvent {
  switch (e.type) {
    case 'received': {
      const { respondent: _r, onBehalfOf: _o, incidentDate: _i, lastContactDate: _l, transcript: _t, ...rest } = e.data;
      const city = e.data.complainant.address?.city;
      return {
        ...e,
        data: { ...rest, complainant: { name: ERASED, ...(city ? { address: { city } } : {}) }, description: ERASED },
      };
    }
    case 'letter.queued':
      return { ...e, data: { ...e.data, to: [], text: ERASED, html: ERASED } };
    case 'letter.bounced':
    case 'letter.delayed': {
      const { detail: _d, ...data } = e.data;
      return { ...e, data: { ...data, addresses: [] } } as DossierEvent;
    }
    case 'contact.corrected':
      // Both the new address and the old one.
      return { ...e, data: { email: ERASED, letterId: e.data.letterId } };
    case 'step.ended': {
      const { note: _n, contents: _c, ...data } = e.data;
      return { ...e, data };
    }
    case 'message':
      return { ...e, data: { ...e.data, text: ERASED } };
    case 'attachment.added':
      // The file name may name people; size, type and hash stay (the bytes go with retention).
      return { ...e, data: { ...e.data, filename: ERASED } };
    case 'intake.completed':
      return { ...e, data: { complainant: {} } };
    case 'registration.answered':
      // Free-text answers may name people; choices and yes/no stay for the figures.
      return {
        ...e,
        data: {
          answers: Object.fromEntries(Object.entries(e.data.answers).map(([k, v]) => [k, v.length > 40 ? ERASED : v])),
        },
      };
    case 'withdrawn':
      return { ...e, data: {} };
    case 'handover':
      return { ...e, data: { ...e.data, reason: ERASED } };
    case 'conduct.noted':
      return { ...e, data: { ...e.data, text: ERASED } };
    case 'satisfaction.answered':
      // The yes or no stays for the figures; the remark is free text and may name people.
      return { ...e, data: { satisfied: e.data.satisfied, ...(e.data.remark ? { remark: ERASED } : {}) } };
    default:
      return e;
  }
}
