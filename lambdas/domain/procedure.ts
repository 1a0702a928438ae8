/**
 * The procedure: what happens at each moment of a complaint's ladder. The task handlers and the
 * API call this class; it only composes the modules in `procedure/`, one per responsibility:
 *
 * - `procedure/core.ts`: the one way to decide-and-append (mutate, appendLatest) and the outbox
 *   of letters (letter, deliver);
 * - `procedure/deadlines.ts`: a step's deadline, assignee, alarm roles, reminder, wait (pure);
 * - `procedure/intake.ts`: register, check, recover, ask for and complete missing data;
 * - `procedure/ladder-tasks.ts`: begin a step, await an action, remind, close, continue;
 * - `procedure/deadline-passed.ts`: a waiting step's deadline passed: proceed, or breach and alarm;
 * - `procedure/handling-terms.ts`: terms for the whole handling (Awb 9:11, Wkkgz art. 17): set,
 *   watched across steps, reminded, breached and alarmed where the dossier stands, put off;
 * - `procedure/suspension.ts`: stopping the clock (opschorting) on a ground of the regulation, and
 *   starting it again: every deadline it stopped recomputed, rewatched, the waiting step woken;
 * - `procedure/officer-actions.ts`: who may act, the actions a step allows, taking one;
 * - `procedure/complainant-actions.ts`: withdraw, ask for the next rung, add information, say whether
 *   they are satisfied after closure;
 * - `procedure/records.ts`: registration form, improvement register, conduct notes;
 * - `procedure/privacy.ts`: retention and erasure;
 * - `procedure/access.ts`: the complainant's private link;
 * - `procedure/mail-events.ts`: a letter that bounced or was marked as spam, in its dossier.
 */
import type { DossierView } from './dossier.js';
import type { AttachmentMeta } from './ports.js';
import { authoriseComplainant, renewAccess, sendAccessLink } from './procedure/access.js';
import { addMessage, answerSatisfaction, escalate, withdraw } from './procedure/complainant-actions.js';
import { Core } from './procedure/core.js';
import { deadlinePassed } from './procedure/deadline-passed.js';
import { deadlinesOf } from './procedure/deadlines.js';
import { termFired } from './procedure/handling-terms.js';
import { askForMissing, completeIntake, recoverIntake, recoverStarts, register } from './procedure/intake.js';
import { awaitAction, beginStep, close, continueExecution, remind } from './procedure/ladder-tasks.js';
import { recordMailEvent } from './procedure/mail-events.js';
import { act, availableActions } from './procedure/officer-actions.js';
import { erase, eraseHeld, scheduleHeldErasure } from './procedure/privacy.js';
import {
  addImprovement,
  answerRegistration,
  conductNotesOf,
  conductReaders,
  mayReadConduct,
  noteConduct,
  registrationOf,
  updateImprovement,
} from './procedure/records.js';
import { suspensionEnded } from './procedure/suspension.js';
import type { Action, Caller, ComplaintInput, ProcedureDeps } from './procedure/types.js';

export { EXECUTION_LIFETIME_SECONDS } from './procedure/deadlines.js';
export { INTAKE_RECOVERY_GRACE_SECONDS } from './procedure/intake.js';
export type { MailEventReport, MailEventResult } from './procedure/mail-events.js';
export { DISCARDED_MAIL_DAYS } from './procedure/privacy.js';
export * from './procedure/types.js';

type Rest<F> = F extends (core: Core, ...rest: infer R) => unknown ? R : never;

/** The procedure of one regulation, as its callers (API, task handlers, runtime) use it. */
export class Procedure {
  private readonly core: Core;

  constructor(readonly deps: ProcedureDeps) {
    this.core = new Core(deps);
  }

  /** Deadlines as the API shows them: every one the dossier knows, with its explanation. */
  static deadlinesOf = deadlinesOf;

  roleAddresses(roleId: string): string[] {
    return this.core.roleAddresses(roleId);
  }

  // Intake
  register = (...a: Rest<typeof register>) => register(this.core, ...a);
  recoverIntake = () => recoverIntake(this.core);
  /** The intake recovery: starts the ladders a crash left unstarted (AWS: on a schedule). */
  recoverStarts = (...a: Rest<typeof recoverStarts>) => recoverStarts(this.core, ...a);
  askForMissing = (...a: Rest<typeof askForMissing>) => askForMissing(this.core, ...a);
  completeIntake = (...a: Rest<typeof completeIntake>) => completeIntake(this.core, ...a);

  // The ladder's tasks
  beginStep = (...a: Rest<typeof beginStep>) => beginStep(this.core, ...a);
  awaitAction = (...a: Rest<typeof awaitAction>) => awaitAction(this.core, ...a);
  deadlinePassed = (...a: Rest<typeof deadlinePassed>) => deadlinePassed(this.core, ...a);
  close = (...a: Rest<typeof close>) => close(this.core, ...a);
  continueExecution = (...a: Rest<typeof continueExecution>) => continueExecution(this.core, ...a);
  remind = (...a: Rest<typeof remind>) => remind(this.core, ...a);
  /** A term for the whole handling: its reminder or its end fired (procedure/handling-terms.ts). */
  termFired = (...a: Rest<typeof termFired>) => termFired(this.core, ...a);
  /** A suspension's own term passed: the clock runs again (procedure/suspension.ts). */
  suspensionEnded = (...a: Rest<typeof suspensionEnded>) => suspensionEnded(this.core, ...a);

  // Officers' and complainants' actions
  availableActions = (view: DossierView, caller: Caller) => availableActions(this.core, view, caller);
  act = (id: string, caller: Caller, action: Action) => act(this.core, id, caller, action);
  withdraw = (...a: Rest<typeof withdraw>) => withdraw(this.core, ...a);
  escalate = (...a: Rest<typeof escalate>) => escalate(this.core, ...a);
  addMessage = (id: string, text: string, opts?: { via?: 'email'; attachments?: AttachmentMeta[] }) =>
    addMessage(this.core, id, text, opts);
  answerSatisfaction = (...a: Rest<typeof answerSatisfaction>) => answerSatisfaction(this.core, ...a);

  // Records
  registrationOf = (view: DossierView) => registrationOf(this.core, view);
  answerRegistration = (...a: Rest<typeof answerRegistration>) => answerRegistration(this.core, ...a);
  addImprovement = (...a: Rest<typeof addImprovement>) => addImprovement(this.core, ...a);
  updateImprovement = (...a: Rest<typeof updateImprovement>) => updateImprovement(this.core, ...a);
  conductReaders = () => conductReaders(this.core);
  mayReadConduct = (caller: Caller) => mayReadConduct(this.core, caller);
  noteConduct = (...a: Rest<typeof noteConduct>) => noteConduct(this.core, ...a);
  conductNotesOf = (view: DossierView, caller: Caller) => conductNotesOf(this.core, view, caller);

  // Privacy and retention
  erase = (dossierId: string) => erase(this.core, dossierId);
  scheduleHeldErasure = (heldId: string) => scheduleHeldErasure(this.core, heldId);
  eraseHeld = (heldId: string) => eraseHeld(this.core, heldId);

  // What the mail service reported about a letter after it accepted it
  recordMailEvent = (...a: Rest<typeof recordMailEvent>) => recordMailEvent(this.core, ...a);
  /**
   * A procedure module the facade does not carry (so a function that never calls it does not
   * bundle it), called with this procedure's core: `procedure.with(resendLetter, id, caller, input)`.
   */
  with<A extends unknown[], R>(f: (core: Core, ...a: A) => R, ...a: A): R {
    return f(this.core, ...a);
  }

  // Access
  renewAccess = (...a: Rest<typeof renewAccess>) => renewAccess(this.core, ...a);
  sendAccessLink = (...a: Rest<typeof sendAccessLink>) => sendAccessLink(this.core, ...a);
  authoriseComplainant = (id: string, token: string | undefined) => authoriseComplainant(this.core, id, token);
}

export type { ComplaintInput };
