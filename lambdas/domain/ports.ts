/**
 * Ports: what the domain needs from the world. Adapters implement them for AWS (lambdas/adapters)
 * with their SDK client injected; the local runtime hands in clients pointed at local endpoints.
 */
import type { DossierEvent, DossierView, EventBody, Improvement } from './dossier.js';

export interface Clock {
  now(): Date;
}

export interface Mail {
  /** The letter's own key: a receiving end that knows it can tell a resend from a new letter. */
  key?: string;
  /** The dossier the letter belongs to: the mail service's reports about it (bounces) name it. */
  dossierId?: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<{ messageId: string }>;
}

/** One-time reminders (EventBridge Scheduler `at()` schedules). */
export interface Reminders {
  /** Makes a one-time schedule: true when made now, false when one of that name was there already. */
  schedule(name: string, at: Date, payload: ReminderPayload): Promise<boolean>;
  cancel(name: string): Promise<void>;
}

/** What a one-time schedule carries: a reminder before a deadline, or the erasure at the end of retention. */
export type ReminderPayload =
  | { kind?: 'reminder'; dossierId: string; stepId: string; deadlineId: string; name: string }
  /** A term for the handling as a whole: the reminder before its end, or its end (breach and alarm). */
  | { kind: 'term-reminder' | 'term-end'; dossierId: string; stepId: string; deadlineId: string; name: string }
  /** A suspension's own term passed (Awb 4:15: the term to complete): the clock runs again; `deadlineId` is the suspension's id. */
  | { kind: 'suspension-end'; dossierId: string; stepId: string; deadlineId: string; name: string }
  | { kind: 'erase'; dossierId: string; name: string }
  | { kind: 'erase-held'; heldId: string; name: string };

/** The escalation ladder's executions (Step Functions). */
export interface Workflow {
  start(input: LadderInput, name: string): Promise<string>;
  succeed(token: string, output: unknown): Promise<void>;
  stop(executionArn: string, cause: string): Promise<void>;
}

/** The input of a ladder execution: small, the dossier id and where to start. */
export interface LadderInput {
  dossierId: string;
  regulationId: string;
  startRung: string | null;
  resumeAt: string | null;
  result: unknown;
  cursor: unknown;
}

export interface WorklistPage {
  items: Record<string, unknown>[];
  next: string | null;
}

/** One line of the improvement register: an action with the dossier it came from. */
export interface ImprovementRow extends Improvement {
  dossierId: string;
  reference: string;
}

/** What a new dossier is stored with besides its events (`DossierStore.create`). */
export interface NewDossierRecords {
  /** Its reference (`KL-2026-0001`): unique, a taken one refuses the whole write. */
  reference: string;
  regulationId: string;
  /** For a request with an Idempotency-Key: the key and the answer derived from the new view. */
  idempotency?: (view: DossierView) => { key: string; response: unknown };
  /**
   * Limits the complaint counts against, in the same write: all count and the
   * dossier is stored, or a limit reached refuses the whole (LimitReachedError) and none counts.
   */
  limits?: { checks: LimitCheck[]; now: Date };
}

/** One limit: at most `limit` attempts per `key` in a fixed window of `windowSeconds`. */
export interface LimitCheck {
  key: string;
  windowSeconds: number;
  limit: number;
}

export interface DossierStore {
  nextReference(regulationId: string, year: number): Promise<string>;
  putReference(reference: string, regulationId: string, id: string): Promise<void>;
  idByReference(reference: string, regulationId: string): Promise<string | undefined>;
  /**
   * The dossier's view; undefined when there is no such dossier. With `after` (a view of it read
   * before), only the events since are read and folded onto it (a strongly consistent read all
   * the same: the result is the dossier as it is now).
   */
  load(id: string, after?: DossierView): Promise<DossierView | undefined>;
  /**
   * The latest view of an open dossier this store saw, without a read, where it keeps them for
   * that (a guess for a decision whose append is conditional: procedure/core.ts `mutateKnown`).
   */
  known?(id: string): Promise<DossierView | undefined>;
  /** The dossier's events in order (the history; `load` is their fold). */
  events(id: string): Promise<DossierEvent[]>;
  /** The dossier's view and its events, read at once; undefined when there is no such dossier. */
  history(id: string): Promise<{ view: DossierView; events: DossierEvent[] } | undefined>;
  /** `base`: the view at `expectedVersion` the events were decided on (saves reading the dossier back). */
  append(
    id: string,
    expectedVersion: number,
    bodies: EventBody[],
    by: string,
    at: string,
    base?: DossierView,
  ): Promise<DossierView>;
  /**
   * Stores a new dossier at once: its first events, its reference (unique) and, for a request
   * with an Idempotency-Key, the key's record done with the answer `idempotency` derives from
   * the view. All or nothing (one transactional write).
   */
  create(id: string, bodies: EventBody[], by: string, at: string, also: NewDossierRecords): Promise<DossierView>;
  worklist(q: {
    regulationId: string;
    role?: string;
    rung?: string;
    limit?: number;
    cursor?: string;
  }): Promise<WorklistPage>;
  receivedBetween(regulationId: string, from: string, to: string): Promise<string[]>;
  /**
   * Dossiers no longer open with work pending (a letter not sent, the register not projected):
   * what recovery after a crash reads besides the open ones, never every dossier ever received.
   */
  pending(regulationId: string): Promise<string[]>;
  /** Open dossiers received before `before` whose ladder has not recorded its execution (intake recovery). */
  starting(regulationId: string, before: string): Promise<string[]>;
  /** Open dossiers that decided a schedule in (`after`, `upTo`] (the scheduled recovery of lost schedules). */
  scheduledBetween(regulationId: string, after: string, upTo: string): Promise<string[]>;
  /**
   * Closed dossiers whose erasure at the end of retention was decided at or before `upTo` and is
   * not yet known to be scheduled (the recovery of lost erasures; never closed history).
   */
  erasuresUnconfirmed(regulationId: string, upTo: string): Promise<string[]>;
  /** The dossier's erasure is scheduled, or has run: it leaves what `erasuresUnconfirmed` reads. */
  confirmErasure(id: string): Promise<void>;
  /** The improvement register over all dossiers of a regulation, by due date (a projection, not a scan). */
  improvements(regulationId: string, q?: { status?: Improvement['status']; limit?: number }): Promise<ImprovementRow[]>;
  /** Brings the register's projection and the view of one dossier up to date (after a crash between the writes). */
  projectImprovements?(view: DossierView): Promise<void>;
  recordRead(id: string, read: { by: string; at: string; what: string }): Promise<void>;
  /** The latest reads (at most `limit`), oldest first, and whether there were more. */
  reads(id: string, limit?: number): Promise<{ items: { by: string; at: string; what: string }[]; more: boolean }>;
  /** Takes a lease of `seconds` on a one-time action: false while someone else holds it. */
  lease(id: string, key: string, now: Date, seconds: number): Promise<boolean>;
  /** Rewrites the stored events with personal data removed: the one change history allows (GDPR). */
  redact(id: string, redactEvent: (e: DossierEvent) => DossierEvent): Promise<void>;
  /** `now`: the clock's time, so a record past its expiry counts as none. */
  getIdempotent(
    key: string,
    now?: Date,
  ): Promise<{ status: 'pending' | 'done'; response?: unknown; fingerprint: string } | undefined>;
  /** `wallNow`: the wall clock, for the lease of a pending key (a dead owner's key is taken over). */
  beginIdempotent(key: string, fingerprint: string, at: string, wallNow?: Date): Promise<boolean>;
  finishIdempotent(key: string, response: unknown): Promise<void>;
  releaseIdempotent(key: string): Promise<void>;
  /** Counts an attempt in a fixed window; false once more than `limit` were counted in it. */
  withinLimit(key: string, now: Date, windowSeconds: number, limit: number): Promise<boolean>;
}

/** What klachtflow knows of a stored file (an attachment of an e-mail, or a raw message kept). */
export interface AttachmentMeta {
  /** Where the bytes are: content-addressed (`attachments/<sha256>`), so the same file is kept once. */
  key: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** Files beside the dossiers: the local data folder, or S3 in AWS. Bytes only; metadata is in the dossier. */
export interface AttachmentStore {
  put(key: string, bytes: Uint8Array, meta: { contentType: string; filename?: string }): Promise<void>;
  /** The bytes, or undefined when there is no such file. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes a file (retention); a file that is already gone is no error. */
  delete(key: string): Promise<void>;
}

/** Why an incoming e-mail waits for an officer instead of becoming a dossier (the "postvak"). */
export type HoldReason =
  | 'spam'
  | 'virus'
  | 'spoofed'
  | 'automatic'
  | 'empty'
  | 'oversized'
  | 'unreadable'
  | 'no-sender'
  | 'no-email-intake'
  | 'reply-sender-mismatch'
  | 'dossier-closed'
  | 'not-accepted'
  | 'too-many-attachments';

/** An e-mail held for an officer: never lost, never silently a dossier. */
export interface HeldMail {
  id: string;
  regulationId: string;
  receivedAt: string;
  reasons: HoldReason[];
  /** Where the raw RFC 822 message is kept (AttachmentStore key). */
  rawKey: string;
  size: number;
  /** The envelope recipients: which complaints address (and so which intake variant) it was sent to. */
  recipients?: string[];
  from?: { name?: string; address?: string };
  subject?: string;
  /** The text as klachtflow read it (HTML reduced to text), for the officer to judge. */
  text?: string;
  /** The dossier a reply named, when the reason is about that dossier. */
  dossierId?: string;
  attachments: { filename: string; contentType: string; size: number }[];
  /**
   * The files kept when it came in (the raw mail first, then its attachments unless it carried a
   * virus), listed on the dossier it is registered in or added to. Absent on mail held before.
   */
  files?: AttachmentMeta[];
  status: 'held' | 'registered' | 'attached' | 'discarded';
  decision?: { by: string; at: string; reason?: string; dossierId?: string };
  /** When a discarded mail's content and file were erased. */
  erasedAt?: string;
}

/** The postvak's items, beside the dossiers in the same table. */
export interface HeldMailStore {
  putHeld(item: HeldMail): Promise<void>;
  getHeld(regulationId: string, id: string): Promise<HeldMail | undefined>;
  listHeld(regulationId: string, status?: HeldMail['status']): Promise<HeldMail[]>;
  /**
   * Records the officer's decision once: false when someone else decided first. With `forget`,
   * the sender, subject and text are removed from the item (they now live in a dossier, and go
   * with that dossier's erasure).
   */
  decideHeld(
    regulationId: string,
    id: string,
    status: Exclude<HeldMail['status'], 'held'>,
    decision: NonNullable<HeldMail['decision']>,
    forget?: boolean,
  ): Promise<boolean>;
  /** Removes the sender, subject, text and file names of a discarded mail, and records when. */
  forgetHeld(regulationId: string, id: string, at: string): Promise<void>;
}
