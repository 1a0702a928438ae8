/**
 * Intake: a complaint is checked against the regulation's variant, registered with the deadlines
 * known at once, and its ladder started; an incomplete one is completed later (Awb 9:4 lid 2).
 */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { intakeDimensions } from '../../../statemachines/vocabulary.js';
import { computeDeadline, localDate } from '../calendar/deadline.js';
import { toSecond } from '../calendar/instant.js';
import { describeTerm, parseTerm } from '../calendar/term.js';
import { type DossierView, type EventBody, project, type ReceivedData } from '../dossier.js';
import { ConflictError, ForbiddenError, UnprocessableError } from '../errors.js';
import { COMPLAINANT_ROLE_NL, FIELD_NAMES_NL } from '../letters.js';
import { pooledRandom } from '../pooled-random.js';
import type { AttachmentMeta, LadderInput, NewDossierRecords } from '../ports.js';
import { hashToken } from './access.js';
import type { Core } from './core.js';
import { deadlineFor } from './deadlines.js';
import { lettersOf, termsAtReceipt } from './handling-terms.js';
import { startLadder } from './ladder-tasks.js';
import { lostSchedules } from './recovery.js';
import { decideSuspend, missingInformationGround, resumeOnInformation, resumesWhen, wakeStep } from './suspension.js';
import type { Caller, ComplaintInput } from './types.js';

/**
 * Registers a complaint, lists the deadlines known at once, and starts its ladder. A complaint an
 * officer records (phone, letter, in person) may have been received earlier: its terms count
 * from `receivedAt`, as the law counts them from receipt.
 */
export async function register(
  core: Core,
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
    /**
     * The request's Idempotency-Key: its record is marked done with the answer in the same
     * write that stores the complaint, so a retry after a crash finds either both or neither.
     */
    idempotency?: (view: DossierView, accessToken: string) => { key: string; response: unknown };
    /**
     * Limits on taking in complaints (the API's), counted in the same write that stores the
     * complaint (#19: one round trip less); a limit reached stores nothing: LimitReachedError.
     */
    limits?: NewDossierRecords['limits'];
  } = {},
): Promise<{ view: DossierView; accessToken: string }> {
  const reg = core.reg;
  const variant = input.variant ? reg.intake.variants.find((v) => v.id === input.variant) : reg.intake.variants[0];
  if (!variant) {
    throw new UnprocessableError(`Kies een van deze manieren: ${reg.intake.variants.map((v) => v.id).join(', ')}.`, [
      'variant',
    ]);
  }
  const missing = opts.allowIncomplete ? missingFields(input, variant.requiredFields).map((m) => m[0]) : [];
  checkEligibility(
    core,
    input,
    variant.requiredFields.filter((f) => !missing.includes(f)),
  );
  const answers = checkAnswers(core, input.answers);
  const now = core.now();
  if (receivedAt !== undefined) {
    if (Number.isNaN(Date.parse(receivedAt)))
      throw new UnprocessableError('Vul een tijdstip in (ISO 8601).', ['receivedAt']);
    if (Date.parse(receivedAt) > Date.parse(now))
      throw new UnprocessableError('Vul het moment in waarop de klacht binnenkwam: nu of eerder.', ['receivedAt']);
    if (Date.parse(now) - Date.parse(receivedAt) > 366 * 86_400_000) {
      throw new UnprocessableError(
        'Een klacht van meer dan een jaar geleden legt u vast met de datum van vandaag en een toelichting.',
        ['receivedAt'],
      );
    }
  }
  const receipt = receivedAt ? toSecond(Date.parse(receivedAt)) : now;
  const id = ulid(core.deps.clock.now().getTime(), pooledRandom).toLowerCase();
  const accessToken = randomBytes(16).toString('base64url');
  const reference = await core.deps.store.nextReference(reg.id, localDate(receipt).year);
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
    accessTokenHash: hashToken(accessToken),
    window: checkWindow(core, input, receipt),
  };
  // The deadlines counted from receipt are known now: list them so people see what is coming.
  const rung = reg.ladder.rungs.find((r) => r.id === variant.startsAt);
  const planned: EventBody[] = (rung?.steps ?? [])
    .filter((s) => s.deadline?.from === 'receipt')
    .map((s) => ({ type: 'deadline.set', data: deadlineFor(core.reg, s, 1, receipt) }) as EventBody);
  // Terms for the whole handling that start with the complaint (Awb 9:11, Wkkgz art. 17).
  planned.push(...termsAtReceipt(reg, variant.startsAt, receipt));
  const extra: EventBody[] = [
    ...(missing.length ? [{ type: 'intake.incomplete', data: { missing } } as EventBody] : []),
    ...(opts.attachments ?? []).map(
      (a) => ({ type: 'attachment.added', data: { ...a, from: 'complainant', via: 'email' } }) as EventBody,
    ),
  ];
  // One write for the dossier, its reference and the request's key; then the ladder. Nothing is
  // read back: the view is the fold of what was written. The execution records itself in the
  // dossier with its first task (ladder-tasks.ts beginStep): an append from here would race that
  // task on the same dossier (#19: 35 of 40 intakes collided).
  const { idempotency, limits } = opts;
  const view = await core.deps.store.create(id, [{ type: 'received', data: received }, ...planned, ...extra], by, now, {
    reference,
    regulationId: reg.id,
    ...(idempotency ? { idempotency: (v: DossierView) => idempotency(v, accessToken) } : {}),
    ...(limits ? { limits } : {}),
  });
  await startLadder(core, view, variant.startsAt);
  return { view, accessToken };
}

/**
 * What the local runtime finishes at start-up after a crash: letters decided but not sent, the
 * improvement register's projection, and the ladder of every open dossier that has none recorded
 * (a crash between storing a complaint and starting its execution must not leave it waiting
 * forever; see startWaitingLadder, which the scheduled recovery in AWS calls too).
 */
export async function recoverIntake(core: Core): Promise<number> {
  // What may need finishing: the open dossiers (the worklist), and those no longer open with a
  // letter or the register still pending (their own index). Never every dossier ever received:
  // this ran at every start and read them all, closed ones included (issue 19).
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await core.deps.store.worklist({
      regulationId: core.reg.id,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const item of page.items) ids.add(String(item.id));
    cursor = page.next ?? undefined;
  } while (cursor);
  for (const id of await core.deps.store.pending(core.reg.id)) ids.add(id);
  let started = 0;
  for (const id of ids) {
    const view = await core.deps.store.load(id);
    if (!view) continue;
    // Letters decided but not recorded as sent (a crash in between) go out now. The local
    // runtime is one process, so no lease it finds can belong to a live sender. One dossier whose
    // letters cannot go now must not keep the others (or the service) down.
    // Schedules decided but perhaps never made: a crash between the commit and CreateSchedule
    // left a step's reminder or the end of a term for the whole handling without its schedule, and
    // that term then never ran out (the crash test found one). Made again; one that exists answers
    // ConflictException, which the adapter takes as made. Only those still to come, or whose
    // deadline is still open: a fired reminder is not cancelled, and must not fire twice.
    // Every decision, not only those at or before now: nothing is on its way at start-up, and the
    // local manual clock may read back a time before the last commits (a clock move fires what is
    // due on the way, each commit dated at its own instant, and saves the new time after the last:
    // a kill in between left decisions dated after the restarted clock). The crash test's term that
    // never ran out; test/restart-clock-recovery.test.ts.
    const now = core.deps.clock.now().toISOString();
    const rescheduled = lostSchedules(view, await core.deps.store.events(view.id), now);
    if (rescheduled.length || view.letters.some((l) => l.status === 'queued'))
      await core
        .deliver(view, rescheduled, true)
        .catch((e) =>
          console.error(`klachtflow: letters of dossier ${id} not sent now, again later:`, (e as Error).name),
        );
    // The improvement register's projection is written after the event: a crash in between
    // left it behind, and it is brought up to date here (a current one is left as it is).
    if (view.improvements.length) await core.deps.store.projectImprovements?.(view);
    // A complaint stored just before a crash, whose ladder never started, starts now (the same
    // decision and start as the scheduled recovery in AWS: startWaitingLadder).
    try {
      if (await startWaitingLadder(core, view)) started++;
    } catch (e) {
      console.error(`klachtflow: ladder of dossier ${view.id} could not be started:`, (e as Error).name);
    }
  }
  if (started) core.deps.observer?.intakeRecovered?.({ regulationId: core.reg.id, started });
  return started;
}

/**
 * How long a new complaint may stand without its ladder recording itself before the recovery
 * starts it: the API calls StartExecution right after the commit (its timeout is 29 s) and the
 * first task records the execution within seconds. Starting earlier does no harm (the start is
 * idempotent); it only spares the call.
 */
export const INTAKE_RECOVERY_GRACE_SECONDS = 120;

/**
 * The intake recovery (#19): every open dossier received more than `graceSeconds` ago whose ladder
 * has not recorded its execution gets it started. A crash between the commit and StartExecution
 * (the API function's container ended, a throttled call) would otherwise leave a complaint that
 * nobody acknowledges and no deadline watches. In AWS a schedule runs it every few minutes
 * (lambdas/recover-intake.ts); the local runtime runs the same function at start-up. Found through
 * the index of such dossiers (`STARTING#`), so each run reads what may need a start, not history.
 */
export async function recoverStarts(
  core: Core,
  graceSeconds = INTAKE_RECOVERY_GRACE_SECONDS,
): Promise<{ checked: number; started: number; failed: number }> {
  const before = new Date(core.deps.clock.now().getTime() - graceSeconds * 1000).toISOString();
  const ids = await core.deps.store.starting(core.reg.id, before);
  let started = 0;
  let failed = 0;
  for (const id of ids) {
    try {
      const view = await core.deps.store.load(id);
      if (view && (await startWaitingLadder(core, view))) started++;
    } catch (e) {
      // One dossier that cannot start must not keep the others waiting; the count fails the run.
      failed++;
      console.error(`klachtflow: ladder of dossier ${id} could not be started:`, (e as Error).name);
    }
  }
  if (started) core.deps.observer?.intakeRecovered?.({ regulationId: core.reg.id, started });
  return { checked: ids.length, started, failed };
}

/**
 * Starts the ladder of an open dossier that has none recorded; false when it has one. The
 * execution is named after the dossier and its input is the same each time, so a start that did
 * happen (its first task not yet run) is the same execution again: StartExecution answers a
 * running execution with the same name and input as the first time, never a second ladder.
 */
export async function startWaitingLadder(core: Core, view: DossierView): Promise<boolean> {
  if (view.status !== 'open' || view.executionArn) return false;
  await startLadder(core, view, view.received.startRung);
  return true;
}

/**
 * Whether an execution is a complaint's first ladder, which the recovery above starts again from
 * its dossier while the dossier records no execution: named after the dossier, from its first
 * rung (startLadder without `resumeAt`). Its first task records it in the dossier, so until that
 * task ran a lost start is started again (recoverStarts, and at the local runtime's start-up),
 * and the local Step Functions may write its record with its first segment instead of before
 * StartExecution answers (runtime/stepfunctions.ts `restartedByCaller`; #19). A continuation
 * (`resumeAt`) is recorded in the dossier as soon as it is started: not this.
 */
export function restartedFromDossier(start: { name: string; input: unknown }): boolean {
  const input = start.input as Partial<LadderInput> | null;
  return typeof input === 'object' && input !== null && input.resumeAt === null && input.dossierId === start.name;
}

export function checkEligibility(core: Core, input: ComplaintInput, required: readonly string[]) {
  const reg = core.reg;
  if (!reg.eligibility.roles.some((r) => r.role === input.role)) {
    throw new UnprocessableError(
      `Volgens de klachtenregeling van ${reg.organisation.name} kan een klacht worden ingediend door: ${reg.eligibility.roles.map((r) => COMPLAINANT_ROLE_NL[r.role] ?? r.role).join(', ')}.`,
      ['role'],
    );
  }
  const missing = missingFields(input, required);
  const first = missing[0];
  // Each missing field with its own message, so a form shows each beside its field and links
  // each from its error summary (a variant may require several: SWT's e-mail variant name,
  // address and description).
  if (first)
    throw new UnprocessableError(
      missing.map((m) => m[2]).join(' '),
      first[1],
      missing.map((m) => ({ path: m[1], message: m[2] })),
    );
  const c = input.complainant;
  const day = localDate(core.now());
  const today = day.toString();
  for (const field of ['incidentDate', 'lastContactDate'] as const) {
    const v = input[field];
    // What to do, with today as the example in the form's way of writing a date (PEOPLE.md).
    if (v && v > today)
      throw new UnprocessableError(
        `Vul een datum in van vandaag of eerder, bijvoorbeeld ${day.day} ${day.month} ${day.year}.`,
        [field],
      );
  }
  const min = reg.eligibility.minimumAgeAlone?.age;
  if (min && input.role === 'child' && c.birthDate) {
    const age = localDate(c.birthDate).until(localDate(core.now()), { largestUnit: 'years' }).years;
    if (age < min) {
      throw new UnprocessableError(
        `Kinderen vanaf ${min} jaar kunnen zelf een klacht indienen. Ben je jonger, dan doet een ouder of voogd het voor je.`,
        ['complainant', 'birthDate'],
      );
    }
  }
}

/** The variant's required fields the complaint lacks: field, path, and the message to show. */
export function missingFields(
  input: ComplaintInput,
  required: readonly string[],
): [string, (string | number)[], string][] {
  const c = input.complainant;
  const missing: [string, (string | number)[], string][] = [];
  if (required.includes('description') && !input.description?.trim())
    missing.push(['description', ['description'], 'Beschrijf uw klacht: wat is er gebeurd?']);
  if (required.includes('name') && !c.name?.trim()) missing.push(['name', ['complainant', 'name'], 'Vul uw naam in.']);
  if (required.includes('email') && !c.email)
    missing.push(['email', ['complainant', 'email'], 'Vul uw e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.']);
  if (required.includes('phone') && !c.phone)
    missing.push(['phone', ['complainant', 'phone'], 'Vul uw telefoonnummer in.']);
  if (required.includes('address') && !(c.address?.street && c.address?.postcode && c.address?.city)) {
    missing.push(['address', ['complainant', 'address'], 'Vul uw adres in: straat en huisnummer, postcode en plaats.']);
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
export function checkAnswers(
  core: Core,
  answers: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!answers) return undefined;
  const asked = intakeDimensions(core.reg);
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
export function checkWindow(core: Core, input: ComplaintInput, now: string): ReceivedData['window'] {
  const windows = core.reg.eligibility.window.filter(
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

/**
 * The officer asks the complainant, with a letter, for the fields the intake variant requires
 * and the complaint lacks (SWT variant 3: name, address, description; Awb 9:4 lid 2). As in
 * Awb 4:5 the complainant gets a term to add them: two weeks, counted as a statutory term
 * (Atw). The complaint stays registered and its terms run from receipt.
 */
export async function askForMissing(core: Core, id: string, caller: Caller, note?: string): Promise<DossierView> {
  if (caller.kind !== 'officer') throw new ForbiddenError('Alleen een medewerker kan dit vragen.');
  let wake = false;
  const view = await core.mutate(id, caller.sub, (v, now) => {
    if (v.status === 'closed') throw new ConflictError('Dit dossier is gesloten.');
    const missing = v.incomplete ?? [];
    // Fields the intake variant requires, or what the officer describes (a report, a letter).
    if (missing.length === 0 && !note?.trim())
      throw new UnprocessableError(
        'Er ontbreken geen gegevens bij deze klacht. Beschrijf in "note" welke informatie u nog nodig heeft.',
        ['note'],
      );
    // The regulation's own term to complete, where its ground names one; else two weeks (Awb 4:5).
    const ground = missingInformationGround(core.reg, v);
    const replyBy = computeDeadline({
      anchor: { event: 'het verzoek om aanvulling', at: now },
      term: ground?.max ?? '2 weken',
      atw: true,
      source: ground?.statute ?? 'Awb 4:5 (naar analogie): gelegenheid tot aanvulling',
      closingDays: core.reg.organisation.closingDays,
    }).dueAt;
    const bodies: EventBody[] = [{ type: 'intake.asked', data: { missing, replyBy } }];
    // The regulation stops the clock while it waits (Awb 4:15 lid 1 onder a): until the
    // information arrives or the term to complete passes. Not twice: a clock already still stays so.
    let stopped = false;
    if (ground && !v.suspension && v.current) {
      const what = missing.length ? missing.map((m) => FIELD_NAMES_NL[m] ?? m).join(', ') : (note?.trim() ?? '');
      try {
        const decided = decideSuspend(
          core.reg,
          lettersOf(core),
          project(v, bodies, now, caller.sub),
          { mayActOnStep: true },
          { ground: ground.id, reason: `wij wachten op ${what}`, until: replyBy, quiet: true },
          now,
          caller.sub,
        );
        bodies.push(...decided.bodies);
        wake = decided.wakeStep;
        stopped = true;
      } catch (e) {
        // No term runs at this step that the ground stops: the request goes out all the same.
        if (!(e instanceof UnprocessableError)) throw e;
      }
    }
    const after = project(v, bodies, now, caller.sub);
    return [
      ...bodies,
      ...core.letter(after, 'missing-information', ['complainant'], `missing${v.version}`, {
        missing,
        dueAt: replyBy,
        ...(note ? { note } : {}),
        ...(stopped && ground ? { suspension: { title: ground.title, resumesWhen: resumesWhen(ground) } } : {}),
      }),
    ];
  });
  if (wake) await wakeStep(core, view, caller.sub);
  return view;
}

/** The officer records the missing fields once they came (by e-mail, phone or letter). */
export async function completeIntake(
  core: Core,
  id: string,
  caller: Caller,
  data: { complainant: Partial<Omit<ComplaintInput['complainant'], 'birthDate'>>; description?: string },
): Promise<DossierView> {
  if (caller.kind !== 'officer') throw new ForbiddenError('Alleen een medewerker kan dit vastleggen.');
  let wake = false;
  const view = await core.mutate(id, caller.sub, (v, now) => {
    if ((v.incomplete ?? []).length === 0)
      throw new UnprocessableError('Er ontbreken geen gegevens bij deze klacht.', ['complainant']);
    const variant = core.reg.intake.variants.find((x) => x.id === v.received.variant);
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
    const still = missingFields(merged, variant?.requiredFields ?? []);
    const first = still[0];
    if (first) throw new UnprocessableError(still.map((m) => m[2]).join(' '), first[1]);
    const bodies: EventBody[] = [
      { type: 'intake.completed', data: { ...data, ...(data.description ? { description: data.description } : {}) } },
    ];
    // The information the clock waited for is in: it runs again.
    const resumed = resumeOnInformation(core, project(v, bodies, now, caller.sub), now, caller.sub);
    wake = resumed.wakeStep;
    return [...bodies, ...resumed.bodies];
  });
  if (wake) await wakeStep(core, view, caller.sub);
  return view;
}
