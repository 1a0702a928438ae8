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
  schedule(name: string, at: Date, payload: ReminderPayload): Promise<void>;
  cancel(name: string): Promise<void>;
}

/** What a one-time schedule carries: a reminder before a deadline, or the erasure at the end of retention. */
export type ReminderPayload =
  | { kind?: 'reminder'; dossierId: string; stepId: string; deadlineId: string; name: string }
  | { kind: 'erase'; dossierId: string; name: string };

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

export interface DossierStore {
  nextReference(regulationId: string, year: number): Promise<string>;
  putReference(reference: string, regulationId: string, id: string): Promise<void>;
  idByReference(reference: string, regulationId: string): Promise<string | undefined>;
  load(id: string): Promise<DossierView | undefined>;
  /** `base`: the view at `expectedVersion` the events were decided on (saves reading the dossier back). */
  append(
    id: string,
    expectedVersion: number,
    bodies: EventBody[],
    by: string,
    at: string,
    base?: DossierView,
  ): Promise<DossierView>;
  worklist(q: {
    regulationId: string;
    role?: string;
    rung?: string;
    limit?: number;
    cursor?: string;
  }): Promise<WorklistPage>;
  receivedBetween(regulationId: string, from: string, to: string): Promise<string[]>;
  /** The improvement register over all dossiers of a regulation, by due date (a projection, not a scan). */
  improvements(regulationId: string, q?: { status?: Improvement['status']; limit?: number }): Promise<ImprovementRow[]>;
  /** Brings the register's projection of one dossier up to date (after a crash between the two writes). */
  projectImprovements?(view: DossierView): Promise<void>;
  recordRead(id: string, read: { by: string; at: string; what: string }): Promise<void>;
  reads(id: string): Promise<{ by: string; at: string; what: string }[]>;
  /** Takes a lease of `seconds` on a one-time action: false while someone else holds it. */
  lease(id: string, key: string, now: Date, seconds: number): Promise<boolean>;
  /** Rewrites the stored events with personal data removed: the one change history allows (GDPR). */
  redact(id: string, redactEvent: (e: DossierEvent) => DossierEvent): Promise<void>;
  getIdempotent(
    key: string,
  ): Promise<{ status: 'pending' | 'done'; response?: unknown; fingerprint: string } | undefined>;
  beginIdempotent(key: string, fingerprint: string, at: string): Promise<boolean>;
  finishIdempotent(key: string, response: unknown): Promise<void>;
  releaseIdempotent(key: string): Promise<void>;
  /** Counts an attempt in a fixed window; false once more than `limit` were counted in it. */
  withinLimit(key: string, now: Date, windowSeconds: number, limit: number): Promise<boolean>;
}
