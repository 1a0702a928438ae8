/** The procedure's vocabulary: its dependencies, who calls, and what they hand in and get back. */
import type { Regulation } from '../../../statemachines/model.js';
import type { AttachmentStore, Clock, DossierStore, HeldMailStore, Mailer, Reminders, Workflow } from '../ports.js';

export const messageIdReference = (messageId: string) => `MSGID:${messageId.toLowerCase()}`;

export interface ProcedureDeps {
  regulation: Regulation;
  store: DossierStore;
  /** Files of dossiers (e-mail attachments, the original mails): removed when a dossier is erased. */
  attachments?: AttachmentStore;
  /** The postvak (held e-mail), where e-mail intake is on: discarded mail is erased after a while. */
  held?: HeldMailStore;
  mailer: Mailer;
  reminders: Reminders;
  workflow: Workflow;
  clock: Clock;
  /**
   * How a writer that lost a race waits before it decides again: a little jitter, so that many
   * writers at once do not keep colliding. Absent: that many milliseconds of wall time (AWS,
   * `npm start`). The simulation, whose writers take turns in one thread on a manual clock, only
   * lets the others go first: its wall-time pauses were most of a simulated year's idle time (#19).
   */
  pause?: (ms: number) => Promise<void>;
  urls: { status(id: string, token: string): string; dossier(id: string): string };
  /** Told when a deadline is breached (in AWS: the metric the breach alarm watches). */
  observer?: {
    deadlineBreached(info: { regulationId: string; dossierId: string; stepId: string; kind: string }): void;
    /** A letter the mail service refused for good (in AWS: the metric the letter alarm watches). */
    letterFailed?(info: { regulationId: string; dossierId: string; letterId: string; reason: string }): void;
    /** A letter the mail service accepted did not arrive, or was marked as spam (in AWS: the LetterBounced metric). */
    letterBounced?(info: { regulationId: string; dossierId: string; letterId: string; problem: string }): void;
    /** Ladders the intake recovery started (a crash came between a complaint's commit and its start). */
    intakeRecovered?(info: { regulationId: string; started: number }): void;
    /** Schedules the recovery made again (a crash came between a commit and its CreateSchedule). */
    schedulesRecovered?(info: { regulationId: string; rescheduled: number }): void;
  };
}

/** Who is calling: an officer with the roles from their sign-in, or the complainant of one dossier. */
export type Caller = { kind: 'officer'; sub: string; roles: string[] } | { kind: 'complainant'; dossierId: string };

export interface ComplaintInput {
  complainant: {
    name: string;
    email?: string;
    phone?: string;
    address?: { street?: string; postcode?: string; city?: string };
    birthDate?: string;
  };
  role: string;
  description: string;
  incidentDate?: string;
  lastContactDate?: string;
  variant?: string;
  onBehalfOf?: string;
  respondent?: { name?: string; email?: string; team?: string; managerEmail?: string };
  aboutRole?: string;
  wantsSupport?: boolean;
  /** Answers to the regulation's report questions on the form (a choice; never required). */
  answers?: Record<string, string>;
  consent: true;
}

/** What a step's begin hands the state machine. */
export interface BeginResult {
  step: string;
  outcome?: string;
  timeoutSeconds?: number;
  dueAt?: string;
}

export interface Previous {
  step?: string;
  outcome?: string;
  by?: string;
  note?: string;
  /** What the officer wrote for the items the outcome's letters must contain, by key. */
  contents?: Record<string, string>;
  to?: string;
}

export type Action =
  | { type: 'outcome'; stepId: string; outcome: string; note?: string; contents?: Record<string, string> }
  /** With `termId`: a term for the whole handling (ladder.terms) instead of the step's own. */
  | { type: 'extend'; stepId: string; termId?: string; term: string; reason: string; consent?: boolean }
  | { type: 'handover'; stepId: string; to: string; reason: string }
  /** Stop the clock on a ground of the regulation (ladder.suspension.grounds). */
  | { type: 'suspend'; stepId: string; ground?: string; reason?: string; consent?: boolean }
  /** Start the clock again. */
  | { type: 'resume'; stepId: string; reason?: string };

export interface AvailableAction {
  type: Action['type'];
  stepId: string;
  /** For putting off a term for the whole handling: which one. */
  termId?: string;
  title: string;
  /** An extension's cap, said to the officer who extends ("Alle verlengingen samen ten hoogste ..."). */
  cap?: string;
  fields: Record<
    string,
    {
      type: string;
      required: boolean;
      options?: { value: string; title: string }[];
      /** The form's label (for what a letter must contain: the regulation's words). */
      label?: string;
      /** Required only with these outcomes (a letter that must contain it goes out with them). */
      requiredFor?: string[];
    }
  >;
}
