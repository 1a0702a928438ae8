/**
 * The procedure: what happens at each moment of a complaint's ladder. The task handlers and the
 * API call it; it decides with pure functions over the dossier and acts through the ports.
 *
 * Every change is an append of events on the version read (optimistic concurrency, retried on a
 * clash), so a retried task, a withdrawal racing a deadline, or two officers clicking at once each
 * take effect once. Letters go through an outbox in the dossier: decided and stored first, sent
 * after, and sent again when a crash came in between.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ulid } from 'ulid';
import {
  anyTimeEscalations,
  CONTROL_OUTCOMES,
  choiceStepId,
  findStep,
  type LadderStep,
  resolveOutcome,
} from '../../statemachines/ladder.js';
import {
  ANCHOR_LABELS,
  intakeDimensions,
  type LetterKind,
  type Regulation,
  type Rung,
  type Step,
} from '../../statemachines/model.js';
import { computeDeadline, DeadlineError, localDate, reminderInstant } from './calendar/deadline.js';
import { describeTerm, parseTerm } from './calendar/term.js';
import {
  type DeadlineData,
  type DeadlineView,
  type DossierView,
  deadlineId,
  type EventBody,
  lastEnded,
  project,
  type QueuedLetter,
  type ReceivedData,
  redactEvent,
} from './dossier.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from './errors.js';
import { NO_ANSWER_NOTE, renderLetter } from './letters.js';
import type {
  AttachmentMeta,
  AttachmentStore,
  Clock,
  DossierStore,
  HeldMailStore,
  LadderInput,
  Mailer,
  Reminders,
  Workflow,
} from './ports.js';

/** The reference key under which a sent letter's message id names its dossier (replies by e-mail). */
export const messageIdReference = (messageId: string) => `MSGID:${messageId.toLowerCase()}`;

/** How long a discarded e-mail is kept before its content is erased (an assumption; see eraseHeld). */
export const DISCARDED_MAIL_DAYS = 90;

/** Standard executions live a year; go on in a new one with margin to spare. */
export const EXECUTION_LIFETIME_SECONDS = 360 * 24 * 3600;

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
  urls: { status(id: string, token: string): string; dossier(id: string): string };
  /** Told when a deadline is breached (in AWS: the metric the breach alarm watches). */
  observer?: {
    deadlineBreached(info: { regulationId: string; dossierId: string; stepId: string; kind: string }): void;
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
  to?: string;
}

export type Action =
  | { type: 'outcome'; stepId: string; outcome: string; note?: string }
  | { type: 'extend'; stepId: string; term: string; reason: string; consent?: boolean }
  | { type: 'handover'; stepId: string; to: string; reason: string };

export interface AvailableAction {
  type: Action['type'];
  stepId: string;
  title: string;
  fields: Record<string, { type: string; required: boolean; options?: { value: string; title: string }[] }>;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class Procedure {
  constructor(private readonly deps: ProcedureDeps) {}

  private get reg() {
    return this.deps.regulation;
  }

  private now(): string {
    return this.deps.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  // ---------------------------------------------------------------------------------------
  // Changing a dossier

  /** Loads, decides, appends; retried when another writer got there first. */
  private async mutate(
    id: string,
    by: string,
    decide: (view: DossierView, now: string) => EventBody[],
  ): Promise<DossierView> {
    for (let attempt = 0; ; attempt++) {
      const view = await this.deps.store.load(id);
      if (!view) throw new NotFoundError();
      const now = this.now();
      const bodies = decide(view, now);
      if (bodies.length === 0) {
        await this.deliver(view, []);
        return view;
      }
      let next: DossierView;
      try {
        next = await this.deps.store.append(id, view.version, bodies, by, now, view);
      } catch (e) {
        // Another writer got there first: decide again on what it wrote (with a little jitter,
        // so that many writers at once do not keep colliding).
        if (e instanceof ConflictError && attempt < 30) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * Math.min(attempt + 1, 8)));
          continue;
        }
        throw e;
      }
      // Outside the retry: a clash while recording a letter as sent is not a clash of this decision.
      await this.deliver(next, bodies);
      return next;
    }
  }

  /** Sends what the outbox holds and creates or removes the reminders just decided. */
  private async deliver(view: DossierView, appended: EventBody[], force = false): Promise<void> {
    for (const b of appended) {
      if (b.type === 'reminder.scheduled') {
        await this.deps.reminders.schedule(b.data.name, new Date(b.data.at), {
          dossierId: view.id,
          stepId: b.data.stepId,
          deadlineId: b.data.deadlineId,
          name: b.data.name,
        });
      }
      if (b.type === 'reminder.cancelled') await this.deps.reminders.cancel(b.data.name);
      if (b.type === 'retention.scheduled') {
        await this.deps.reminders.schedule(b.data.name, new Date(b.data.at), {
          kind: 'erase',
          dossierId: view.id,
          name: b.data.name,
        });
      }
    }
    for (const letter of view.letters.filter((l) => l.status === 'queued')) {
      // A lease, not a lock: two writers never send the same letter at once, and a letter whose
      // sender crashed before recording it is sent by the next writer after the lease ran out.
      // Leases are about live processes, so they run on the wall clock, not the legal one.
      if (!(await this.deps.store.lease(view.id, `letter#${letter.letterId}`, new Date(), force ? 0 : 60)) && !force)
        continue;
      let messageId = 'niet-verzonden';
      if (letter.to.length > 0) {
        ({ messageId } = await this.deps.mailer.send({
          key: createHash('sha256').update(`${view.id}/${letter.letterId}`).digest('hex').slice(0, 40),
          from: letter.from,
          to: letter.to,
          subject: letter.subject,
          text: letter.text,
          html: letter.html,
        }));
        // A reply to a letter names it in In-Reply-To/References (SES: <messageId@region.amazonses.com>):
        // remember whose dossier it was, so a reply without the reference in its subject finds it.
        if (letter.audience === 'complainant' && messageId)
          await this.deps.store.putReference(messageIdReference(messageId), this.reg.id, view.id);
      }
      // Recorded once, however many writers delivered it.
      await this.appendLatest(view.id, [{ type: 'letter.sent', data: { letterId: letter.letterId, messageId } }], (v) =>
        v.letters.some((l) => l.letterId === letter.letterId && l.status === 'sent'),
      );
    }
  }

  /** Appends on whatever the latest version is (for facts that do not depend on the view). */
  private async appendLatest(
    id: string,
    bodies: EventBody[],
    unlessDone?: (view: DossierView) => boolean,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const view = await this.deps.store.load(id);
      if (!view) throw new NotFoundError();
      if (unlessDone?.(view)) return;
      try {
        await this.deps.store.append(id, view.version, bodies, 'klachtflow', this.now(), view);
        return;
      } catch (e) {
        if (e instanceof ConflictError && attempt < 50) {
          await new Promise((r) => setTimeout(r, 2 + Math.random() * 10));
          continue;
        }
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Letters

  /** E-mail addresses of a recipient as the regulation names it. */
  private addresses(view: DossierView, recipient: string): string[] {
    const r = view.received;
    if (recipient === 'complainant') return r.complainant.email ? [r.complainant.email] : [];
    if (recipient === 'respondent') return r.respondent?.email ? [r.respondent.email] : [];
    if (recipient === 'respondent-manager') return r.respondent?.managerEmail ? [r.respondent.managerEmail] : [];
    return this.roleAddresses(recipient);
  }

  /** E-mail addresses of a role of the organisation: its people, its own address, or the complaints mailbox. */
  roleAddresses(roleId: string): string[] {
    const role = this.reg.roles.find((x) => x.id === roleId);
    if (!role) return [];
    const people = role.people.flatMap((p) => (p.email ? [p.email] : []));
    if (people.length) return people;
    if (role.contact?.email) return [role.contact.email];
    // A role without its own address reads the organisation's complaints mailbox, tagged with the role.
    const org = this.reg.organisation.contact.email ?? this.reg.organisation.senderAddress;
    const [local, domain] = org.split('@');
    return [`${local}+${role.id}@${domain}`];
  }

  private letter(
    view: DossierView,
    kind: LetterKind | 'task' | 'reminder' | 'alarm' | 'notice' | 'missing-information',
    recipients: string[],
    key: string,
    extra: Omit<Parameters<typeof renderLetter>[0], 'reg' | 'view' | 'kind' | 'audience'> = {},
  ): EventBody[] {
    const groups: Record<'complainant' | 'respondent' | 'officer', string[]> = {
      complainant: [],
      respondent: [],
      officer: [],
    };
    for (const r of recipients) {
      if (r === 'complainant') groups.complainant.push(r);
      else if (r === 'respondent' || r === 'respondent-manager') groups.respondent.push(r);
      else groups.officer.push(r);
    }
    const out: EventBody[] = [];
    for (const audience of ['complainant', 'respondent', 'officer'] as const) {
      const who = groups[audience];
      if (who.length === 0) continue;
      const letterId = `${key}:${kind}:${audience}`;
      if (view.letters.some((l) => l.letterId === letterId)) continue; // decided before: the outbox has it
      const rendered = renderLetter({
        reg: this.reg,
        view,
        kind,
        audience,
        dossierUrl: this.deps.urls.dossier(view.id),
        // Where a complainant asks for a new private link (beside the status page, same origin).
        lostLinkUrl: this.deps.urls.status(view.id, '-').replace(/\/klacht\/.*$/, '/klacht/link-kwijt'),
        ...extra,
      });
      const to = [...new Set(who.flatMap((w) => this.addresses(view, w)))];
      const data: QueuedLetter = {
        letterId,
        kind,
        audience,
        recipients: who,
        to,
        from: this.reg.organisation.senderAddress,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        undeliverable: who.filter((w) => this.addresses(view, w).length === 0),
      };
      out.push({ type: 'letter.queued', data });
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Intake

  /** Registers a complaint, lists the deadlines known at once, and starts its ladder. */
  /**
   * Registers a complaint, lists the deadlines known at once, and starts its ladder. A complaint an
   * officer records (phone, letter, in person) may have been received earlier: its terms count
   * from `receivedAt`, as the law counts them from receipt.
   */
  async register(
    input: ComplaintInput,
    channel: string,
    by: string,
    receivedAt?: string,
    opts: {
      /** Recorded by an officer: the employee who took the complaint, and a transcript or note. */
      takenBy?: string;
      transcript?: string;
      /**
       * Register even when the variant's required fields are missing, and record which (an e-mail
       * without an address). A written complaint is received when it arrives: its terms count from
       * then, and the officer asks for what is missing (Awb 9:4 lid 2, Awb 4:5 by analogy).
       */
      allowIncomplete?: boolean;
      /** Files that came with the complaint (e-mail attachments), recorded in the first commit. */
      attachments?: AttachmentMeta[];
    } = {},
  ): Promise<{ view: DossierView; accessToken: string }> {
    const reg = this.reg;
    const variant = input.variant ? reg.intake.variants.find((v) => v.id === input.variant) : reg.intake.variants[0];
    if (!variant) {
      throw new UnprocessableError(`Kies een van deze manieren: ${reg.intake.variants.map((v) => v.id).join(', ')}.`, [
        'variant',
      ]);
    }
    const missing = opts.allowIncomplete ? this.missingFields(input, variant.requiredFields).map((m) => m[0]) : [];
    this.checkEligibility(
      input,
      variant.requiredFields.filter((f) => !missing.includes(f)),
    );
    const answers = this.checkAnswers(input.answers);
    const now = this.now();
    if (receivedAt !== undefined) {
      if (Number.isNaN(Date.parse(receivedAt)))
        throw new UnprocessableError('Vul een tijdstip in (ISO 8601).', ['receivedAt']);
      if (Date.parse(receivedAt) > Date.parse(now))
        throw new UnprocessableError('Dit tijdstip ligt in de toekomst.', ['receivedAt']);
      if (Date.parse(now) - Date.parse(receivedAt) > 366 * 86_400_000) {
        throw new UnprocessableError(
          'Een klacht van meer dan een jaar geleden legt u vast met de datum van vandaag en een toelichting.',
          ['receivedAt'],
        );
      }
    }
    const receipt = receivedAt ? new Date(receivedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') : now;
    const id = ulid(this.deps.clock.now().getTime()).toLowerCase();
    const accessToken = randomBytes(16).toString('base64url');
    const reference = await this.deps.store.nextReference(reg.id, localDate(receipt).year);
    const received: ReceivedData = {
      reference,
      regulationId: reg.id,
      variant: variant.id,
      channel,
      startRung: variant.startsAt,
      receivedAt: receipt,
      complainant: input.complainant,
      role: input.role,
      ...(input.onBehalfOf ? { onBehalfOf: input.onBehalfOf } : {}),
      description: input.description,
      ...(input.incidentDate ? { incidentDate: input.incidentDate } : {}),
      ...(input.lastContactDate ? { lastContactDate: input.lastContactDate } : {}),
      ...(input.respondent ? { respondent: input.respondent } : {}),
      ...(input.aboutRole ? { aboutRole: input.aboutRole } : {}),
      ...(input.wantsSupport !== undefined ? { wantsSupport: input.wantsSupport } : {}),
      ...(opts.takenBy ? { takenBy: opts.takenBy } : {}),
      ...(opts.transcript ? { transcript: opts.transcript } : {}),
      ...(answers ? { answers } : {}),
      accessTokenHash: hash(accessToken),
      window: this.checkWindow(input, receipt),
    };
    // The deadlines counted from receipt are known now: list them so people see what is coming.
    const rung = reg.ladder.rungs.find((r) => r.id === variant.startsAt);
    const planned: EventBody[] = (rung?.steps ?? [])
      .filter((s) => s.deadline?.from === 'receipt')
      .map((s) => ({ type: 'deadline.set', data: this.deadlineFor(s, 1, receipt) }) as EventBody);
    const extra: EventBody[] = [
      ...(missing.length ? [{ type: 'intake.incomplete', data: { missing } } as EventBody] : []),
      ...(opts.attachments ?? []).map(
        (a) => ({ type: 'attachment.added', data: { ...a, from: 'complainant', via: 'email' } }) as EventBody,
      ),
    ];
    const view = await this.deps.store.append(
      id,
      0,
      [{ type: 'received', data: received }, ...planned, ...extra],
      by,
      now,
    );
    await this.deps.store.putReference(reference, reg.id, id);
    await this.startLadder(view, variant.startsAt);
    return { view: (await this.deps.store.load(id)) ?? view, accessToken };
  }

  /**
   * Starts the ladder of every open dossier that has none: a crash between storing a complaint
   * and starting its execution must not leave it waiting forever. The execution is named after
   * the dossier, so a start that did happen is not repeated.
   */
  async recoverIntake(): Promise<number> {
    // Letters decided but not recorded as sent (a crash in between) go out now. The local
    // runtime is one process, so no lease it finds can belong to a live sender.
    for (const id of await this.deps.store.receivedBetween(this.reg.id, '0000', '9999')) {
      const view = await this.deps.store.load(id);
      if (view?.letters.some((l) => l.status === 'queued')) await this.deliver(view, [], true);
      // The improvement register's projection is written after the event: a crash in between
      // left it behind, and it is brought up to date here (a current one is left as it is).
      if (view?.improvements.length) await this.deps.store.projectImprovements?.(view);
    }
    let started = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.worklist({
        regulationId: this.reg.id,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.items) {
        const view = await this.deps.store.load(String(item.id));
        if (view && view.status === 'open' && !view.executionArn) {
          try {
            await this.startLadder(view, view.received.startRung);
            started++;
          } catch (e) {
            console.error(`klachtflow: ladder of dossier ${view.id} could not be started:`, (e as Error).name);
          }
        }
      }
      cursor = page.next ?? undefined;
    } while (cursor);
    return started;
  }

  private async startLadder(
    view: DossierView,
    startRung: string | null,
    resumeAt: string | null = null,
  ): Promise<void> {
    const input: LadderInput = {
      dossierId: view.id,
      regulationId: this.reg.id,
      startRung,
      resumeAt,
      result: null,
      cursor: null,
    };
    const name = resumeAt ? `${view.id}-${ulid().toLowerCase().slice(-8)}` : view.id;
    const executionArn = await this.deps.workflow.start(input, name);
    await this.appendLatest(view.id, [{ type: 'execution.started', data: { executionArn } }]);
  }

  private checkEligibility(input: ComplaintInput, required: readonly string[]) {
    const reg = this.reg;
    if (!reg.eligibility.roles.some((r) => r.role === input.role)) {
      throw new UnprocessableError(
        `Volgens de klachtenregeling van ${reg.organisation.name} kan een klacht worden ingediend door: ${reg.eligibility.roles.map((r) => r.role).join(', ')}.`,
        ['role'],
      );
    }
    const missing = this.missingFields(input, required);
    const first = missing[0];
    if (first) throw new UnprocessableError(missing.map((m) => m[2]).join(' '), first[1]);
    const c = input.complainant;
    const today = localDate(this.now()).toString();
    for (const field of ['incidentDate', 'lastContactDate'] as const) {
      const v = input[field];
      if (v && v > today) throw new UnprocessableError('Deze datum ligt in de toekomst.', [field]);
    }
    const min = reg.eligibility.minimumAgeAlone?.age;
    if (min && input.role === 'child' && c.birthDate) {
      const age = localDate(c.birthDate).until(localDate(this.now()), { largestUnit: 'years' }).years;
      if (age < min) {
        throw new UnprocessableError(
          `Kinderen vanaf ${min} jaar kunnen zelf een klacht indienen. Ben je jonger, dan doet een ouder of voogd het voor je.`,
          ['complainant', 'birthDate'],
        );
      }
    }
  }

  /** The variant's required fields the complaint lacks: field, path, and the message to show. */
  private missingFields(input: ComplaintInput, required: readonly string[]): [string, (string | number)[], string][] {
    const c = input.complainant;
    const missing: [string, (string | number)[], string][] = [];
    if (required.includes('description') && !input.description?.trim())
      missing.push(['description', ['description'], 'Beschrijf uw klacht: wat is er gebeurd?']);
    if (required.includes('name') && !c.name?.trim())
      missing.push(['name', ['complainant', 'name'], 'Vul uw naam in.']);
    if (required.includes('email') && !c.email)
      missing.push(['email', ['complainant', 'email'], 'Vul uw e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.']);
    if (required.includes('phone') && !c.phone)
      missing.push(['phone', ['complainant', 'phone'], 'Vul uw telefoonnummer in.']);
    if (required.includes('address') && !(c.address?.street && c.address?.postcode && c.address?.city)) {
      missing.push([
        'address',
        ['complainant', 'address'],
        'Vul uw adres in: straat en huisnummer, postcode en plaats.',
      ]);
    }
    if (required.includes('incidentDate') && !input.incidentDate)
      missing.push(['incidentDate', ['incidentDate'], 'Vul in wanneer het gebeurde.']);
    if (required.includes('respondent') && !input.respondent?.name)
      missing.push(['respondent', ['respondent', 'name'], 'Vul in over wie uw klacht gaat.']);
    return missing;
  }

  /**
   * The report questions a complainant answered on the form: only the regulation's questions, only
   * its own choices (a report groups by them, and free text could name someone).
   */
  private checkAnswers(answers: Record<string, string> | undefined): Record<string, string> | undefined {
    if (!answers) return undefined;
    const asked = intakeDimensions(this.reg);
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(answers)) {
      const dim = asked.find((d) => d.id === key);
      if (!dim) throw new UnprocessableError(`Vraag "${key}" staat niet op het klachtformulier.`, ['answers', key]);
      if (value === '') continue;
      if (!dim.values.includes(value))
        throw new UnprocessableError(`Kies een van: ${dim.values.join(', ')}.`, ['answers', key]);
      out[key] = value;
    }
    return Object.keys(out).length ? out : undefined;
  }

  /** The regulation's complaint window, checked and explained (an officer decides, never the form). */
  private checkWindow(input: ComplaintInput, now: string): ReceivedData['window'] {
    const windows = this.reg.eligibility.window.filter(
      (w) => w.roles.length === 0 || w.roles.includes(input.role as never),
    );
    for (const w of windows) {
      const anchor = w.anchor === 'last-contact' ? (input.lastContactDate ?? input.incidentDate) : input.incidentDate;
      if (!anchor) continue;
      const end = computeDeadline({
        anchor: { event: w.anchor === 'last-contact' ? 'het laatste contact' : 'de gebeurtenis', at: anchor },
        term: w.term,
        atw: false,
      });
      const outside = end.dueAt < now;
      return {
        outside,
        text: outside
          ? `De klacht is ingediend na de termijn van ${describeTerm(parseTerm(w.term))} (die liep tot ${end.lastDay}). De behandelaar beslist of de klacht toch wordt behandeld.`
          : `De klacht valt binnen de termijn van ${describeTerm(parseTerm(w.term))} (tot ${end.lastDay}).`,
      };
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------
  // Deadlines

  private deadlineFor(step: Step, activation: number, anchorAt: string): DeadlineData {
    const d = step.deadline;
    if (!d) throw new Error(`Step ${step.id} has no deadline`);
    const atw = d.kind === 'statutory' ? true : (d.atw ?? this.reg.organisation.atwForOwnTerms);
    // A person reads the explanation: an assumption (written in English, for the organisation to
    // confirm) is named as the organisation's own choice instead of quoted.
    const source =
      d.statute ??
      (d.source
        ? `${this.reg.title}: "${d.source}"`
        : `door ${this.reg.organisation.name} gekozen; de regeling noemt hier geen termijn`);
    const anchorEvent =
      d.from === 'step-end'
        ? `${ANCHOR_LABELS[d.from]} "${findStep(this.reg, d.step ?? '')?.step.title ?? d.step}"`
        : ANCHOR_LABELS[d.from];
    const term = typeof d.term === 'string' ? d.term : describeTerm(d.term);
    const computed = computeDeadline({
      anchor: { event: anchorEvent, at: anchorAt },
      term,
      atw,
      ...(source ? { source } : {}),
      closingDays: this.reg.organisation.closingDays,
    });
    return {
      deadlineId: deadlineId(step.id, activation),
      basis: { anchorEvent, anchorAt, term, atw, ...(source ? { source } : {}), extensions: [] },
      stepId: step.id,
      title: step.title,
      lastDay: computed.lastDay,
      dueAt: computed.dueAt,
      kind: d.kind,
      ...(d.statute ? { statute: d.statute } : {}),
      explanation: computed.explanation,
    };
  }

  /** The instant a step's term counts from, per its anchor. */
  private anchorOf(view: DossierView, step: Step, now: string): string | undefined {
    const d = step.deadline;
    if (!d) return undefined;
    switch (d.from) {
      case 'receipt':
        return view.received.receivedAt;
      case 'acknowledgement':
        return view.letters.find((l) => l.kind === 'acknowledgement')?.queuedAt ?? now;
      case 'rung-start':
        return view.rungEnteredAt;
      case 'step-start':
        return now;
      case 'step-end':
        return (d.step && lastEnded(view, d.step)) ?? now;
    }
  }

  private assigneeFor(view: DossierView, step: Step): string {
    if (step.actor === 'system' || step.actor === 'complainant') return step.actor;
    // Conflict of interest (OCO: a complaint about the coordinator goes to their manager).
    const route = this.reg.conflictOfInterest.find(
      (c) => c.when === 'complaint-about-role' && c.role === step.actor && view.received.aboutRole === step.actor,
    );
    return route && route.routeTo !== 'substitute' ? route.routeTo : step.actor;
  }

  private escalationRole(step: Step, assignee: string): string[] {
    const to = step.onDeadline?.escalateTo ?? this.reg.roles.find((r) => r.id === assignee)?.escalatesTo;
    return [...new Set([assignee, ...(to ? [to] : [])].filter((r) => r !== 'complainant' && r !== 'system'))];
  }

  // ---------------------------------------------------------------------------------------
  // The ladder's task handlers

  /** Ends the step the state machine just left, with its outcome: events and letters. */
  private completion(view: DossierView, previous: Previous | null | undefined, now: string): EventBody[] {
    if (!previous?.step || !previous.outcome) return [];
    const current = view.current;
    if (!current || current.stepId !== previous.step) return []; // already ended (system step, proceed)
    const at = findStep(this.reg, current.stepId);
    if (!at) return [];
    const bodies: EventBody[] = [];
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
    const after = project(view, bodies, now, 'klachtflow');
    const key = `${current.stepId}#${current.activation}`;
    const replyBy = outcome ? this.choiceReplyBy(at, outcome.id, now) : undefined;
    if (at.step.letter && at.step.letter.when === 'end' && at.step.actor !== 'system') {
      bodies.push(
        ...this.letter(after, at.step.letter.kind, at.step.letter.to, key, {
          step: at.step,
          ...(outcome ? { outcomeTitle: outcome.title } : {}),
          ...(replyBy ? { replyBy } : {}),
          ...(previous.note ? { note: previous.note } : {}),
          mustContain: at.step.letter.mustContain,
          ...(at.step.letter.referral ? { referralId: at.step.letter.referral } : {}),
        }),
      );
    }
    if (outcome?.letter) {
      bodies.push(
        ...this.letter(after, outcome.letter.kind, outcome.letter.to, `${key}:${outcome.id}`, {
          step: at.step,
          outcomeTitle: outcome.title,
          ...(replyBy ? { replyBy } : {}),
          ...(previous.note ? { note: previous.note } : {}),
          mustContain: outcome.letter.mustContain,
          ...(outcome.letter.referral ? { referralId: outcome.letter.referral } : {}),
        }),
      );
    }
    return bodies;
  }

  /**
   * When an outcome hands the dossier to the complainant's choice and the regulation gives them a
   * term for it, the moment that term ends. The choice step starts in the same change as the
   * letter that ends the rung, so this is the deadline `beginStep` sets a moment later.
   */
  private choiceReplyBy(at: LadderStep, outcomeId: string, now: string): string | undefined {
    const target = resolveOutcome(this.reg, at, outcomeId);
    if (target.kind !== 'choice' || !target.to.step.deadline) return undefined;
    return this.deadlineFor(target.to.step, 1, now).dueAt;
  }

  /**
   * The reminder before a step's deadline, for whoever must act (officer or complainant), at the
   * step's own lead time where the regulation gives one, else the regulation's.
   */
  private reminderFor(
    name: string,
    step: Step,
    deadline: Pick<DeadlineView, 'deadlineId' | 'lastDay'>,
    now: string,
  ): EventBody[] {
    const before = step.reminderBefore ?? this.reg.reminders.before;
    const at = reminderInstant(deadline.lastDay, before, this.reg.organisation.closingDays);
    if (at <= now) return [];
    return [{ type: 'reminder.scheduled', data: { name, at, stepId: step.id, deadlineId: deadline.deadlineId } }];
  }

  /** Begins a step: ends the previous one, sets the deadline and reminder, tells who must act. */
  async beginStep(p: {
    dossierId: string;
    step: string;
    previous?: Previous | null;
    executionId?: string;
    executionStartedAt?: string;
  }): Promise<BeginResult> {
    const at = findStep(this.reg, p.step);
    if (!at) throw new Error(`Unknown step ${p.step} in ${this.reg.id}`);
    let result: BeginResult = { step: p.step };
    await this.mutate(p.dossierId, 'klachtflow', (view, now) => {
      if (view.status === 'closed') {
        result = this.cursorFor(view, at, now, p.executionStartedAt);
        return [];
      }
      const bodies = this.completion(view, p.previous, now);
      let v = project(view, bodies, now, 'klachtflow');
      // A retry of this begin (Step Functions retries when an answer got lost), or the first
      // state of a continued execution: the step was already started since the previous one
      // ended. Answer as the first attempt did, and do nothing twice.
      const previousEnd = p.previous?.step
        ? (v.ended.filter((e) => e.stepId === p.previous?.step).at(-1)?.seq ?? 0)
        : 0;
      const startedSince = v.started.filter((x) => x.stepId === at.step.id && x.seq > previousEnd).at(-1);
      if (startedSince || v.current?.stepId === at.step.id) {
        if (at.step.actor === 'system') {
          const done = v.ended.find((e) => e.stepId === at.step.id && e.activation === startedSince?.activation);
          result = { step: at.step.id, outcome: done?.outcome ?? at.step.outcomes[0]?.id ?? 'done' };
        } else result = this.cursorFor(v, at, now, p.executionStartedAt);
        return bodies;
      }
      const activation = (v.activations[at.step.id] ?? 0) + 1;
      const assignee = this.assigneeFor(v, at.step);
      bodies.push({
        type: 'step.started',
        data: { stepId: at.step.id, rungId: at.rung.id, activation, actor: at.step.actor, assignee },
      });
      v = project(view, bodies, now, 'klachtflow');
      const id = deadlineId(at.step.id, activation);
      const planned = v.deadlines.find((d) => d.deadlineId === id);
      const anchorAt = this.anchorOf(v, at.step, now);
      if (at.step.deadline && anchorAt && !planned) {
        bodies.push({ type: 'deadline.set', data: this.deadlineFor(at.step, activation, anchorAt) });
      }
      v = project(view, bodies, now, 'klachtflow');
      const deadline = v.deadlines.find((d) => d.deadlineId === id);
      const key = `${at.step.id}#${activation}`;
      if (at.step.actor === 'system') {
        // klachtflow does the step itself: its letter, then the (only) outcome.
        const outcome = at.step.outcomes[0];
        if (at.step.letter) {
          bodies.push(
            ...this.letter(v, at.step.letter.kind, at.step.letter.to, key, {
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
            v = project(view, bodies, now, 'klachtflow');
            bodies.push(
              ...this.letter(v, outcome.letter.kind, outcome.letter.to, `${key}:${outcome.id}`, {
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
          ...this.letter(v, at.step.letter.kind, at.step.letter.to, key, {
            step: at.step,
            ...(deadline ? { dueAt: deadline.dueAt } : {}),
          }),
        );
      }
      if (assignee !== 'complainant') {
        bodies.push(
          ...this.letter(v, 'task', [assignee], key, { step: at.step, ...(deadline ? { dueAt: deadline.dueAt } : {}) }),
        );
      } else if (!bodies.some((b) => b.type === 'letter.queued' && b.data.audience === 'complainant')) {
        // The complainant's turn: tell them, unless the letter that ended the rung just did.
        bodies.push(
          ...this.letter(v, 'next-step-info', ['complainant'], key, {
            step: at.step,
            ...(deadline?.status === 'open' ? { replyBy: deadline.dueAt } : {}),
          }),
        );
      }
      if (deadline?.status === 'open')
        bodies.push(...this.reminderFor(`kf-${view.id}-${at.step.id}-${activation}`, at.step, deadline, now));
      result = this.cursorFor(project(view, bodies, now, 'klachtflow'), at, now, p.executionStartedAt);
      return bodies;
    });
    return result;
  }

  /** How long the callback may wait: until the deadline, capped by the execution's lifetime. */
  private cursorFor(view: DossierView, at: LadderStep, now: string, executionStartedAt?: string): BeginResult {
    const activation = view.activations[at.step.id] ?? 1;
    const deadline = view.deadlines.find((d) => d.deadlineId === deadlineId(at.step.id, activation));
    const nowMs = Date.parse(now);
    const cap = executionStartedAt
      ? Date.parse(executionStartedAt) + EXECUTION_LIFETIME_SECONDS * 1000
      : nowMs + EXECUTION_LIFETIME_SECONDS * 1000;
    const waitUntil = deadline?.status === 'open' ? Math.min(Date.parse(deadline.dueAt), cap) : cap;
    return {
      step: at.step.id,
      timeoutSeconds: Math.max(1, Math.ceil((waitUntil - nowMs) / 1000)),
      dueAt: new Date(waitUntil).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  }

  /** Records the task token of a waiting step, so an action can complete it. */
  async awaitAction(p: { dossierId: string; step: string; token: string; timeoutSeconds: number }): Promise<void> {
    const view = await this.mutate(p.dossierId, 'klachtflow', (v) => {
      if (v.status === 'closed' || v.current?.stepId !== p.step || v.current.token === p.token) return [];
      return [
        {
          type: 'step.awaiting',
          data: { stepId: p.step, activation: v.current.activation, token: p.token, timeoutSeconds: p.timeoutSeconds },
        },
      ];
    });
    // Withdrawn while this task was starting: the withdrawal may have missed the execution.
    if (view.status === 'closed' && view.executionArn)
      await this.deps.workflow.stop(view.executionArn, 'Het dossier is gesloten.');
  }

  /** A waiting step's deadline passed: proceed as the regulation says, or record the breach and alarm. */
  async deadlinePassed(p: {
    dossierId: string;
    step: string;
    previous?: { dueAt?: string | null } | null;
    executionId?: string;
    executionStartedAt?: string;
  }): Promise<Required<Omit<BeginResult, 'outcome'>> & { outcome: string }> {
    const at = findStep(this.reg, p.step);
    if (!at) throw new Error(`Unknown step ${p.step}`);
    let out = { step: p.step, outcome: CONTROL_OUTCOMES.rearm as string, timeoutSeconds: 3600, dueAt: this.now() };
    let breached: string | undefined;
    const view = await this.mutate(p.dossierId, 'klachtflow', (view, now) => {
      const current = view.current;
      if (view.status === 'closed' || !current || current.stepId !== p.step) return [];
      const id = deadlineId(current.stepId, current.activation);
      const deadline = view.deadlines.find((d) => d.deadlineId === id);
      // The timeout fired before the deadline: it was the execution's lifetime, not the term.
      if (!deadline || Date.parse(deadline.dueAt) > Date.parse(now) + 60_000) {
        out = { step: p.step, outcome: CONTROL_OUTCOMES.continue, timeoutSeconds: 1, dueAt: now };
        return [];
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
            ...bodies,
            ...this.completion(
              project(view, bodies, now, 'klachtflow'),
              { step: p.step, outcome: at.step.onDeadline.outcome, by: 'klachtflow (termijn verstreken)' },
              now,
            ),
          ];
        }
        return this.completion(
          view,
          { step: p.step, outcome: at.step.onDeadline.outcome, by: 'klachtflow (termijn verstreken)' },
          now,
        );
      }
      // Escalate: record the breach (once), alarm the escalation role (again at every re-alarm),
      // and keep waiting for the person, reminding them again after the reminder period.
      const alarmed = this.escalationRole(at.step, current.assignee);
      // One alarm per timeout that fired (a retried handler finds its letter decided already).
      const firing = p.previous?.dueAt ?? deadline.dueAt;
      const bodies: EventBody[] = [];
      if (deadline.status === 'open') bodies.push({ type: 'deadline.breached', data: { deadlineId: id, alarmed } });
      const alarms = view.letters.filter((l) => l.kind === 'alarm' && l.letterId.startsWith(`${key}:`)).length;
      bodies.push(
        ...this.letter(project(view, bodies, now, 'klachtflow'), 'alarm', alarmed, `${key}:alarm:${firing}`, {
          step: at.step,
          dueAt: deadline.dueAt,
          ...(alarms > 0 ? { note: `Dit is waarschuwing ${alarms + 1}: de stap is nog steeds niet gezet.` } : {}),
        }),
      );
      // Warn again after the reminder period, three times; after that once a week, so a dossier
      // nobody picks up keeps being reported without flooding mailboxes (or billing transitions).
      const realarm = computeDeadline({
        anchor: { event: 'de vorige waarschuwing', at: now },
        term: alarms < 3 ? this.reg.reminders.before : '1 week',
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
        dueAt: new Date(next).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      return bodies;
    });
    if (view.status === 'closed' && p.executionId)
      await this.deps.workflow.stop(p.executionId, 'Het dossier is gesloten.');
    if (breached && view.status === 'open') {
      this.deps.observer?.deadlineBreached({
        regulationId: this.reg.id,
        dossierId: p.dossierId,
        stepId: p.step,
        kind: breached,
      });
    }
    return out;
  }

  /** Closes the dossier: the last outcome, its letters, the closure or referral letter. */
  async close(p: {
    dossierId: string;
    previous?: Previous | null;
    reason: 'outcome' | 'referred';
    referral?: string;
    rung?: string;
  }): Promise<void> {
    await this.mutate(p.dossierId, 'klachtflow', (view, now) => {
      if (view.status === 'closed') return [];
      const bodies = this.completion(view, p.previous, now);
      const at = p.previous?.step ? findStep(this.reg, p.previous.step) : undefined;
      const outcome = at?.step.outcomes.find((o) => o.id === p.previous?.outcome);
      let v = project(view, bodies, now, 'klachtflow');
      for (const d of v.deadlines)
        if (d.status === 'open')
          bodies.push({ type: 'deadline.cancelled', data: { deadlineId: d.deadlineId, reason: 'dossier gesloten' } });
      for (const [name, r] of Object.entries(v.reminders))
        if (r.active) bodies.push({ type: 'reminder.cancelled', data: { name } });
      v = project(view, bodies, now, 'klachtflow');
      const key = `close`;
      if (p.reason === 'referred') {
        bodies.push(
          ...this.letter(v, 'referral', ['complainant'], key, { ...(p.referral ? { referralId: p.referral } : {}) }),
        );
      } else {
        const told = bodies.filter((b) => b.type === 'letter.queued' && b.data.audience === 'complainant');
        const closed = told.some((b) => b.type === 'letter.queued' && b.data.kind === 'closure');
        if (!closed && (told.length === 0 || this.reg.closure?.letter)) {
          bodies.push(
            ...this.letter(v, 'closure', ['complainant'], key, {
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
      bodies.push(this.retention(view, now));
      return bodies;
    });
  }

  /** The execution nears its one-year limit: a new one goes on from the step the dossier stands at. */
  async continueExecution(p: { dossierId: string; resumeAt: string }): Promise<void> {
    const view = await this.deps.store.load(p.dossierId);
    if (!view || view.status === 'closed') return;
    await this.startLadder(view, null, p.resumeAt);
  }

  /** A reminder fired: remind whoever must act, if the step still waits. */
  async remind(p: { dossierId: string; stepId: string; deadlineId: string; name: string }): Promise<void> {
    await this.mutate(p.dossierId, 'klachtflow', (view) => {
      const r = view.reminders[p.name];
      const deadline = view.deadlines.find((d) => d.deadlineId === p.deadlineId);
      if (!r?.active || view.status === 'closed' || view.current?.stepId !== p.stepId || deadline?.status !== 'open')
        return [];
      const at = findStep(this.reg, p.stepId);
      return this.letter(view, 'reminder', [view.current.assignee], `${p.name}:reminder`, {
        ...(at ? { step: at.step } : {}),
        dueAt: deadline.dueAt,
      });
    });
  }

  /** The registration form with every answer: derived from the dossier where the ladder knows it. */
  registrationOf(view: DossierView) {
    const form = this.reg.registration;
    if (!form) return undefined;
    const derive = (path: string | undefined): string | undefined => {
      const r = view.received;
      switch (path) {
        case 'id':
          return view.reference;
        case 'complainant.name':
          return r.complainant.name;
        case 'complainant.address.postcode':
          return r.complainant.address?.postcode;
        case 'complainant.address.city':
          return r.complainant.address?.city;
        case 'handler':
          return view.ended.filter((e) => e.by !== 'klachtflow' && e.by !== 'complainant').at(-1)?.by;
        case 'closedAt':
          return view.closed?.at.slice(0, 10);
        default:
          return undefined;
      }
    };
    // What the complainant chose on the form fills the matching question until an officer answers it.
    const chosen = (questionId: string) => {
      const dim = this.reg.reporting.dimensions.find(
        (d) => d.registrationQuestion === questionId && d.capturedAt.includes('intake'),
      );
      return dim ? view.received.answers?.[dim.id] : undefined;
    };
    const questions = form.questions.map((q) => {
      const derived = derive(q.derivedFrom);
      const answer = view.registration[q.id] ?? derived ?? chosen(q.id);
      return {
        id: q.id,
        text: q.text,
        type: q.type,
        options: q.options ?? [],
        other: q.other,
        required: q.required,
        derived: q.derivedFrom !== undefined,
        answer: answer ?? null,
      };
    });
    // Answers only the closure itself can give (a closing date) cannot hold the closure up.
    const missing = questions.filter((q) => q.required && q.answer === null && !(q.derived && view.status === 'open'));
    return {
      title: form.title,
      completeBeforeClosure: form.completeBeforeClosure,
      questions,
      missing: missing.map((q) => q.id),
    };
  }

  /** An officer fills in (part of) the registration form; also after closure. */
  async answerRegistration(id: string, caller: Caller, answers: Record<string, string>): Promise<DossierView> {
    const form = this.reg.registration;
    if (!form) throw new UnprocessableError('Deze regeling heeft geen registratieformulier.', ['answers']);
    if (caller.kind !== 'officer') throw new ForbiddenError('Alleen medewerkers vullen het registratieformulier in.');
    for (const [key, value] of Object.entries(answers)) {
      const q = form.questions.find((x) => x.id === key);
      if (!q) throw new UnprocessableError(`Vraag "${key}" staat niet op het formulier.`, ['answers', key]);
      if (q.type === 'yes-no' && !['ja', 'nee'].includes(value))
        throw new UnprocessableError('Antwoord met ja of nee.', ['answers', key]);
      if (q.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value))
        throw new UnprocessableError('Vul een datum in als JJJJ-MM-DD.', ['answers', key]);
      if (q.type === 'choice' && !q.other && !(q.options ?? []).includes(value)) {
        throw new UnprocessableError(`Kies een van: ${(q.options ?? []).join(', ')}.`, ['answers', key]);
      }
      if (value.length > 5000) throw new UnprocessableError('Dit antwoord is te lang.', ['answers', key]);
    }
    return this.mutate(id, caller.sub, () => [{ type: 'registration.answered', data: { answers } }]);
  }

  /** Adds an improvement action to the register (ONS: "verbeteracties ... via het verbeterregister"). */
  async addImprovement(
    id: string,
    caller: Caller,
    input: { action: string; owner: string; due: string },
  ): Promise<DossierView> {
    if (caller.kind !== 'officer') throw new ForbiddenError('Alleen medewerkers houden het verbeterregister bij.');
    if (!this.reg.roles.some((r) => r.id === input.owner))
      throw new UnprocessableError(`Rol "${input.owner}" bestaat niet.`, ['owner']);
    return this.mutate(id, caller.sub, (v) => [
      {
        type: 'improvement.added',
        data: {
          improvementId: `v${v.improvements.length + 1}`,
          action: input.action,
          owner: input.owner,
          due: input.due,
          status: 'open',
        },
      },
    ]);
  }

  /** Follows an improvement action's progress ("bewaakt en registreert de stand van zaken"). */
  async updateImprovement(
    id: string,
    caller: Caller,
    improvementId: string,
    status: 'open' | 'in-progress' | 'done',
    note?: string,
  ): Promise<DossierView> {
    if (caller.kind !== 'officer') throw new ForbiddenError('Alleen medewerkers houden het verbeterregister bij.');
    return this.mutate(id, caller.sub, (v) => {
      if (!v.improvements.some((i) => i.improvementId === improvementId))
        throw new NotFoundError('Deze verbeteractie bestaat niet.');
      return [{ type: 'improvement.updated', data: { improvementId, status, ...(note ? { note } : {}) } }];
    });
  }

  /**
   * The roles that may read a note on blameworthy conduct: the regulation's `conductNote.readers`,
   * or else its managers and directors (ONS: "besproken met de manager van de medewerker").
   */
  conductReaders(): string[] {
    if (this.reg.conductNote) return this.reg.conductNote.readers;
    return this.reg.roles.filter((r) => r.kind === 'manager' || r.kind === 'director').map((r) => r.id);
  }

  mayReadConduct(caller: Caller): boolean {
    const readers = this.conductReaders();
    return caller.kind === 'officer' && caller.roles.some((r) => readers.includes(r));
  }

  /**
   * An officer records blameworthy conduct of an employee. The note is for the readers only; they
   * get a notice that says a note is there, with a link, but not what it says (a mailbox is read
   * by more people and kept longer than the dossier).
   */
  async noteConduct(id: string, caller: Caller, text: string): Promise<{ noteId: string }> {
    if (caller.kind !== 'officer') throw new ForbiddenError('Alleen medewerkers leggen dit vast.');
    const readers = this.conductReaders();
    if (readers.length === 0)
      throw new UnprocessableError('Deze regeling noemt niemand die zo’n aantekening mag lezen.', ['text']);
    let noteId = '';
    await this.mutate(id, caller.sub, (v, now) => {
      noteId = `a${v.conductNotes.length + 1}`;
      const bodies: EventBody[] = [{ type: 'conduct.noted', data: { noteId, text } }];
      return [
        ...bodies,
        ...this.letter(project(v, bodies, now, caller.sub), 'notice', readers, `conduct:${noteId}`, {
          note: 'Er is een aantekening over mogelijk verwijtbaar handelen van een medewerker vastgelegd. Alleen u kunt haar lezen, in het dossier (via de link hieronder). Bespreek haar met de klachtenfunctionaris.',
        }),
      ];
    });
    return { noteId };
  }

  /** The notes on blameworthy conduct, for their readers only. */
  conductNotesOf(view: DossierView, caller: Caller) {
    if (!this.mayReadConduct(caller))
      throw new ForbiddenError('Alleen de leidinggevende leest aantekeningen over verwijtbaar handelen.');
    return view.conductNotes;
  }

  /** The erasure at the end of the regulation's retention period after closure. */
  private retention(view: DossierView, now: string): EventBody {
    const until = computeDeadline({
      anchor: { event: 'de afsluiting', at: now },
      term: this.reg.retention.term,
      atw: false,
    });
    return { type: 'retention.scheduled', data: { name: `kf-${view.id}-erase`, at: until.dueAt } };
  }

  /** The retention period ended: the personal data goes, the figures stay, the erasure is logged. */
  async erase(dossierId: string): Promise<void> {
    const view = await this.mutate(dossierId, 'klachtflow', (v) => {
      if (v.status !== 'closed' || v.erasedAt) return [];
      return [
        {
          type: 'erased',
          data: {
            fields: [
              'naam',
              'contactgegevens',
              'adres (behalve woonplaats)',
              'geboortedatum',
              'omschrijving',
              'beklaagde',
              'brieven (tekst en adressen)',
              'berichten',
              'toelichtingen',
              'aantekeningen over verwijtbaar handelen',
              ...((v.attachments ?? []).length ? ['bijlagen en de oorspronkelijke e-mails'] : []),
            ],
          },
        },
      ];
    });
    if (!view.erasedAt) return;
    // The files first: the events still name them until the redaction. A retried erase deletes
    // again, which is harmless.
    for (const a of view.attachments ?? []) await this.deps.attachments?.delete(a.key);
    await this.deps.store.redact(dossierId, redactEvent);
  }

  /**
   * A mail an officer discarded (spam, say) is kept a while, so the decision can be looked at
   * again, and then its content and file are erased (AVG art. 5 lid 1 onder c and e: no more and
   * no longer than needed). The period is klachtflow's assumption: none of the regulations names one.
   */
  async scheduleHeldErasure(heldId: string): Promise<void> {
    const at = new Date(this.deps.clock.now().getTime() + DISCARDED_MAIL_DAYS * 86_400_000);
    const name = `erase-held-${createHash('sha256').update(heldId).digest('hex').slice(0, 40)}`;
    await this.deps.reminders.schedule(name, at, { kind: 'erase-held', heldId, name });
  }

  async eraseHeld(heldId: string): Promise<void> {
    const item = await this.deps.held?.getHeld(this.reg.id, heldId);
    if (!item || item.status !== 'discarded' || item.erasedAt) return;
    await this.deps.attachments?.delete(item.rawKey);
    await this.deps.held?.forgetHeld(this.reg.id, heldId, this.now());
  }

  // ---------------------------------------------------------------------------------------
  // People's actions

  /**
   * "Mail me my link again": with the reference and the e-mail address of the complaint, a new
   * private link goes to that address and the old one stops working. The answer never tells
   * whether the details matched. The link is sent directly, not through the outbox: the token
   * exists only hashed in the dossier, so a crash in between means asking again.
   */
  async renewAccess(reference: string, email: string, link: (id: string, token: string) => string): Promise<void> {
    const ref = reference.trim().toUpperCase();
    const now = this.deps.clock.now();
    // At most five tries an hour per reference (guessing the address), and three links a day per
    // complaint (an inbox flooded with links helps nobody). Over the limit nothing is sent, and the
    // answer is the same as always.
    if (!(await this.deps.store.withinLimit(`link-ref#${this.reg.id}#${ref}`, now, 3600, 5))) return;
    const id = await this.deps.store.idByReference(ref, this.reg.id);
    const view = id ? await this.deps.store.load(id) : undefined;
    const known = view?.received.complainant.email?.toLowerCase();
    if (!view || !known || known !== email.trim().toLowerCase() || view.erasedAt) return;
    if (!(await this.deps.store.withinLimit(`link-sent#${view.id}`, now, 86_400, 3))) return;
    const token = randomBytes(16).toString('base64url');
    await this.appendLatest(view.id, [{ type: 'access.renewed', data: { accessTokenHash: hash(token) } }]);
    await this.mailLink(view, known, 'Uw nieuwe link naar uw klacht', link(view.id, token), [
      `U vroeg om een nieuwe link naar uw klacht ${view.reference}. Hier is hij:`,
      'De vorige link werkt niet meer. Vroeg u hier niet om? Neem dan contact met ons op.',
    ]);
  }

  /**
   * The private link for a complaint that did not come through the form (recorded by an officer,
   * received by e-mail): mailed to the complainant's address when there is one. Sent directly,
   * not through the outbox, because the token exists only hashed in the dossier. Returns whether
   * it was sent; if not, the officer hands the link over.
   */
  async sendAccessLink(
    view: DossierView,
    token: string,
    link: (id: string, token: string) => string,
  ): Promise<boolean> {
    const to = view.received.complainant.email;
    if (!to) return false;
    await this.mailLink(view, to, 'De link naar uw klacht', link(view.id, token), [
      `Wij hebben uw klacht vastgelegd onder kenmerk ${view.reference}. Met deze persoonlijke link ziet u hoe het met uw klacht gaat, wat de volgende stap is en wanneer:`,
      'Bewaar deze e-mail. Geef de link niet aan anderen: wie hem heeft, kan uw klacht zien.',
    ]);
    return true;
  }

  private async mailLink(
    view: DossierView,
    to: string,
    subject: string,
    url: string,
    [intro, outro]: [string, string],
  ): Promise<void> {
    const esc = (s: string) =>
      s.replace(
        /[&<>"']/g,
        (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
      );
    await this.deps.mailer.send({
      from: this.reg.organisation.senderAddress,
      to: [to],
      subject: `[${view.reference}] ${subject}`,
      text: [
        `Beste ${view.received.complainant.name},`,
        '',
        intro,
        url,
        '',
        outro,
        '',
        'Met vriendelijke groet,',
        this.reg.organisation.name,
      ].join('\n'),
      html: `<!doctype html><html lang="nl"><body><p>Beste ${esc(view.received.complainant.name)},</p><p>${esc(intro)}</p><p><a href="${esc(url)}">${esc(url)}</a></p><p>${esc(outro)}</p><p>Met vriendelijke groet,<br>${esc(this.reg.organisation.name)}</p></body></html>`,
    });
  }

  /** The complainant's access: the token's hash compared in constant time. */
  async authoriseComplainant(id: string, token: string | undefined): Promise<DossierView> {
    const view = token ? await this.deps.store.load(id) : undefined;
    if (!view || !token) throw new NotFoundError('Deze klacht bestaat niet, of de link klopt niet.');
    const a = Buffer.from(hash(token), 'hex');
    const b = Buffer.from(view.accessTokenHash, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b))
      throw new NotFoundError('Deze klacht bestaat niet, of de link klopt niet.');
    return view;
  }

  private mayAct(caller: Caller, view: DossierView, step: Step): boolean {
    if (caller.kind === 'complainant') return step.actor === 'complainant';
    const assignee = view.current?.assignee ?? step.actor;
    if (step.actor === 'complainant') return true; // recorded on the complainant's behalf (phone, letter)
    const role = this.reg.roles.find((r) => r.id === assignee);
    const allowed = new Set([assignee, ...(role?.deputies ?? []), ...(role?.escalatesTo ? [role.escalatesTo] : [])]);
    return caller.roles.some((r) => allowed.has(r));
  }

  /** The actions the current step allows this caller, each with the fields it takes. */
  availableActions(view: DossierView, caller: Caller): AvailableAction[] {
    const current = view.current;
    if (view.status === 'closed' || !current || !current.token) return [];
    const at = findStep(this.reg, current.stepId);
    if (!at || !this.mayAct(caller, view, at.step)) return [];
    const actions: AvailableAction[] = [
      {
        type: 'outcome',
        stepId: current.stepId,
        title: at.step.title,
        fields: {
          outcome: {
            type: 'choice',
            required: true,
            options: at.step.outcomes.filter((o) => !o.automatic).map((o) => ({ value: o.id, title: o.title })),
          },
          note: { type: 'text', required: false },
        },
      },
    ];
    if (caller.kind === 'officer' && at.step.allows.extension) {
      actions.push({
        type: 'extend',
        stepId: current.stepId,
        title: 'Termijn verlengen',
        fields: {
          term: { type: 'term', required: true },
          reason: { type: 'text', required: true },
          consent: { type: 'boolean', required: false },
        },
      });
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
            options: this.reg.roles
              .filter((r) => r.id !== current.assignee)
              .map((r) => ({ value: r.id, title: r.title })),
          },
          reason: { type: 'text', required: true },
        },
      });
    }
    return actions;
  }

  /** Takes an action on the current step. Stale or repeated: ConflictError; not allowed here: UnprocessableError. */
  async act(id: string, caller: Caller, action: Action): Promise<DossierView> {
    const view = await this.deps.store.load(id);
    if (!view) throw new NotFoundError();
    if (view.status === 'closed') throw new ConflictError('Dit dossier is gesloten.');
    const current = view.current;
    if (!current || current.stepId !== action.stepId) {
      throw new ConflictError(`Het dossier staat niet (meer) bij stap "${action.stepId}"; vernieuw de pagina.`, [
        'stepId',
      ]);
    }
    const at = findStep(this.reg, current.stepId);
    if (!at) throw new ConflictError('Onbekende stap.');
    if (!this.mayAct(caller, view, at.step)) throw new ForbiddenError('U mag deze stap niet zetten.');
    if (!current.token)
      throw new ConflictError('Deze stap wordt nog voorbereid; probeer het over enkele seconden opnieuw.');
    const by = caller.kind === 'officer' ? caller.sub : 'complainant';

    if (action.type === 'outcome') {
      const choosable = at.step.outcomes.filter((o) => !o.automatic);
      if (!choosable.some((o) => o.id === action.outcome)) {
        throw new UnprocessableError(`Kies een uitkomst van deze stap: ${choosable.map((o) => o.id).join(', ')}.`, [
          'outcome',
        ]);
      }
      // ONS: the registration form is complete before the dossier closes.
      if (
        resolveOutcome(this.reg, at, action.outcome).kind === 'close' &&
        this.reg.registration?.completeBeforeClosure
      ) {
        const missing = this.registrationOf(view)?.missing ?? [];
        if (missing.length) {
          const texts = missing.map((m) => this.reg.registration?.questions.find((q) => q.id === m)?.text ?? m);
          throw new UnprocessableError(`Vul eerst het registratieformulier in: ${texts.join('; ')}.`, [
            'registration',
            missing[0] ?? '',
          ]);
        }
      }
      await this.succeed(current.token, {
        step: current.stepId,
        outcome: action.outcome,
        by,
        ...(action.note ? { note: action.note } : {}),
      });
      return view;
    }
    if (action.type === 'handover') {
      if (!at.step.allows.handover) throw new UnprocessableError('Deze stap kan niet worden overgedragen.', ['type']);
      if (!this.reg.roles.some((r) => r.id === action.to))
        throw new UnprocessableError(`Rol "${action.to}" bestaat niet.`, ['to']);
      return this.mutate(id, by, (v, now) => {
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
          ...this.letter(after, 'task', [action.to], `${action.stepId}#${v.current.activation}:handover${v.version}`, {
            step: at.step,
            ...(deadline ? { dueAt: deadline.dueAt } : {}),
          }),
        ];
      });
    }
    // Extension: recompute the deadline within the regulation's cap, tell the complainant before
    // the old deadline passes (Wkkgz art. 17 lid 3, Awb 9:11 lid 2), and wait with the new one.
    const rule = at.step.allows.extension;
    if (!rule) throw new UnprocessableError('De regeling staat bij deze stap geen verlenging toe.', ['type']);
    let cursor: BeginResult = { step: action.stepId };
    await this.mutate(id, by, (v, now) => {
      const c = v.current;
      if (c?.stepId !== action.stepId) throw new ConflictError('Het dossier is intussen verder gegaan.');
      const d = v.deadlines.find((x) => x.deadlineId === deadlineId(c.stepId, c.activation));
      if (!d) throw new UnprocessableError('Deze stap heeft geen termijn om te verlengen.', ['type']);
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
          closingDays: this.reg.organisation.closingDays,
          extensions,
          extensionPolicy: {
            max: rule.max,
            announceBeforeExpiry: rule.announceBeforeExpiry,
            beyondMaxWithConsent: rule.beyondMaxWithConsent,
            source: rule.statute ?? this.reg.title,
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
        ...this.reminderFor(
          `kf-${v.id}-${c.stepId}-${c.activation}-x${extensions.length}`,
          at.step,
          { deadlineId: d.deadlineId, lastDay: computed.lastDay },
          now,
        ),
      );
      const after = project(v, bodies, now, by);
      bodies.push(
        ...this.letter(after, 'extension', ['complainant', 'respondent'], `${d.deadlineId}:x${extensions.length}`, {
          dueAt: computed.dueAt,
          reason: action.reason,
        }),
      );
      cursor = this.cursorFor(project(v, bodies, now, by), at, now);
      return bodies;
    });
    await this.succeed(current.token, { ...cursor, outcome: CONTROL_OUTCOMES.rearm, by });
    return (await this.deps.store.load(id)) ?? view;
  }

  private async succeed(token: string, output: unknown): Promise<void> {
    try {
      await this.deps.workflow.succeed(token, output);
    } catch (e) {
      const name = (e as Error).name;
      if (['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes(name)) {
        throw new ConflictError('Deze stap is al afgerond of de termijn is intussen verstreken; vernieuw de pagina.');
      }
      throw e;
    }
  }

  /** The complainant withdraws: the dossier closes once, with a letter, whatever the ladder was doing. */
  async withdraw(id: string, reason?: string): Promise<DossierView> {
    const view = await this.mutate(id, 'complainant', (v, now) => {
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
      if (this.reg.withdrawal.letter)
        bodies.push(...this.letter(after, 'withdrawal', ['complainant'], 'withdrawal', reason ? { reason } : {}));
      if (v.current && v.current.assignee !== 'complainant') {
        bodies.push(
          ...this.letter(after, 'notice', [v.current.assignee], 'withdrawal-notice', {
            note: 'De klager heeft de klacht ingetrokken.',
          }),
        );
      }
      bodies.push({ type: 'closed', data: { result: 'withdrawn', reason: 'withdrawn' } });
      bodies.push(this.retention(v, now));
      return bodies;
    });
    if (view.executionArn) await this.deps.workflow.stop(view.executionArn, 'Klacht ingetrokken');
    return view;
  }

  /** The complainant asks for the next rung: at the end of a rung, or at any time where the regulation allows. */
  async escalate(id: string, to?: string): Promise<void> {
    const view = await this.deps.store.load(id);
    if (!view) throw new NotFoundError();
    if (view.status === 'closed') throw new ConflictError('Deze klacht is al afgesloten.');
    const current = view.current;
    const rung = this.reg.ladder.rungs.find((r) => r.id === view.rungId) as Rung;
    if (current?.stepId === choiceStepId(rung)) {
      const options = rung.escalation.map((e) => e.to);
      const target = to ?? options[0];
      if (!target || !options.includes(target))
        throw new UnprocessableError(`Kies een van: ${options.join(', ')}.`, ['to']);
      if (!current.token) throw new ConflictError('Probeer het over enkele seconden opnieuw.');
      return this.succeed(current.token, { step: current.stepId, outcome: `escalate-${target}`, by: 'complainant' });
    }
    const anyTime = anyTimeEscalations(this.reg, rung).map((r) => r.id);
    const target = to ?? anyTime[0];
    if (!current || !target || !anyTime.includes(target)) {
      throw new UnprocessableError(
        'Dit kan nu nog niet: de huidige stap loopt nog. U krijgt bericht zodra u een volgende stap kunt kiezen.',
        ['to'],
      );
    }
    if (!current.token) throw new ConflictError('Probeer het over enkele seconden opnieuw.');
    await this.succeed(current.token, {
      step: current.stepId,
      outcome: CONTROL_OUTCOMES.escalate,
      to: target,
      by: 'complainant',
    });
  }

  /** The complainant adds information; whoever handles the step is told. */
  async addMessage(
    id: string,
    text: string,
    opts: { via?: 'email'; attachments?: AttachmentMeta[] } = {},
  ): Promise<DossierView> {
    return this.mutate(id, 'complainant', (v, now) => {
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
      const assignee = v.current?.assignee;
      if (assignee && assignee !== 'complainant') {
        bodies.push(
          ...this.letter(project(v, bodies, now, 'complainant'), 'notice', [assignee], `message${v.version}`, {
            note: `De klager heeft informatie toegevoegd:\n${text}`,
          }),
        );
      }
      return bodies;
    });
  }

  /**
   * The officer asks the complainant, with a letter, for the fields the intake variant requires
   * and the complaint lacks (SWT variant 3: name, address, description; Awb 9:4 lid 2). As in
   * Awb 4:5 the complainant gets a term to add them: two weeks, counted as a statutory term
   * (Atw). The complaint stays registered and its terms run from receipt.
   */
  async askForMissing(id: string, caller: Caller, note?: string): Promise<DossierView> {
    if (caller.kind !== 'officer') throw new ForbiddenError('Alleen een medewerker kan dit vragen.');
    return this.mutate(id, caller.sub, (v, now) => {
      if (v.status === 'closed') throw new ConflictError('Dit dossier is gesloten.');
      const missing = v.incomplete ?? [];
      if (missing.length === 0)
        throw new UnprocessableError('Er ontbreken geen gegevens bij deze klacht.', ['missing']);
      const replyBy = computeDeadline({
        anchor: { event: 'het verzoek om aanvulling', at: now },
        term: '2 weken',
        atw: true,
        source: 'Awb 4:5 (naar analogie): gelegenheid tot aanvulling',
        closingDays: this.reg.organisation.closingDays,
      }).dueAt;
      const bodies: EventBody[] = [{ type: 'intake.asked', data: { missing, replyBy } }];
      const after = project(v, bodies, now, caller.sub);
      return [
        ...bodies,
        ...this.letter(after, 'missing-information', ['complainant'], `missing${v.version}`, {
          missing,
          dueAt: replyBy,
          ...(note ? { note } : {}),
        }),
      ];
    });
  }

  /** The officer records the missing fields once they came (by e-mail, phone or letter). */
  async completeIntake(
    id: string,
    caller: Caller,
    data: { complainant: Partial<Omit<ComplaintInput['complainant'], 'birthDate'>>; description?: string },
  ): Promise<DossierView> {
    if (caller.kind !== 'officer') throw new ForbiddenError('Alleen een medewerker kan dit vastleggen.');
    return this.mutate(id, caller.sub, (v) => {
      if ((v.incomplete ?? []).length === 0)
        throw new UnprocessableError('Er ontbreken geen gegevens bij deze klacht.', ['complainant']);
      const variant = this.reg.intake.variants.find((x) => x.id === v.received.variant);
      const c = v.received.complainant;
      const merged: ComplaintInput = {
        complainant: {
          ...c,
          ...data.complainant,
          ...(data.complainant.address ? { address: { ...c.address, ...data.complainant.address } } : {}),
        },
        role: v.received.role,
        description: data.description ?? v.received.description,
        consent: true,
      };
      const still = this.missingFields(merged, variant?.requiredFields ?? []);
      const first = still[0];
      if (first) throw new UnprocessableError(still.map((m) => m[2]).join(' '), first[1]);
      return [
        { type: 'intake.completed', data: { ...data, ...(data.description ? { description: data.description } : {}) } },
      ];
    });
  }

  /** Deadlines as the API shows them: every one the dossier knows, with its explanation. */
  static deadlinesOf(view: DossierView) {
    return view.deadlines.map((d) => ({
      id: d.deadlineId,
      step: d.stepId,
      title: d.title,
      lastDay: d.lastDay,
      dueAt: d.dueAt,
      status: d.status,
      kind: d.kind,
      extended: d.extended,
      ...(d.statute ? { statute: d.statute } : {}),
      explanation: d.explanation,
    }));
  }
}
