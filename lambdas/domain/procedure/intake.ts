/**
 * Intake: a complaint is checked against the regulation's variant, registered with the deadlines
 * known at once, and its ladder started; an incomplete one is completed later (Awb 9:4 lid 2).
 */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { intakeDimensions } from '../../../statemachines/vocabulary.js';
import { computeDeadline, localDate } from '../calendar/deadline.js';
import { describeTerm, parseTerm } from '../calendar/term.js';
import { type DossierView, type EventBody, project, type ReceivedData } from '../dossier.js';
import { ConflictError, ForbiddenError, UnprocessableError } from '../errors.js';
import { COMPLAINANT_ROLE_NL } from '../letters.js';
import type { AttachmentMeta } from '../ports.js';
import { hashToken } from './access.js';
import type { Core } from './core.js';
import { deadlineFor } from './deadlines.js';
import { termsAtReceipt } from './handling-terms.js';
import { startLadder } from './ladder-tasks.js';
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
      throw new UnprocessableError('Dit tijdstip ligt in de toekomst.', ['receivedAt']);
    if (Date.parse(now) - Date.parse(receivedAt) > 366 * 86_400_000) {
      throw new UnprocessableError(
        'Een klacht van meer dan een jaar geleden legt u vast met de datum van vandaag en een toelichting.',
        ['receivedAt'],
      );
    }
  }
  const receipt = receivedAt ? new Date(receivedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') : now;
  const id = ulid(core.deps.clock.now().getTime()).toLowerCase();
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
  const view = await core.deps.store.append(
    id,
    0,
    [{ type: 'received', data: received }, ...planned, ...extra],
    by,
    now,
  );
  await core.deps.store.putReference(reference, reg.id, id);
  await startLadder(core, view, variant.startsAt);
  return { view: (await core.deps.store.load(id)) ?? view, accessToken };
}

/**
 * Starts the ladder of every open dossier that has none: a crash between storing a complaint
 * and starting its execution must not leave it waiting forever. The execution is named after
 * the dossier, so a start that did happen is not repeated.
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
    if (view.letters.some((l) => l.status === 'queued'))
      await core
        .deliver(view, [], true)
        .catch((e) =>
          console.error(`klachtflow: letters of dossier ${id} not sent now, again later:`, (e as Error).name),
        );
    // The improvement register's projection is written after the event: a crash in between
    // left it behind, and it is brought up to date here (a current one is left as it is).
    if (view.improvements.length) await core.deps.store.projectImprovements?.(view);
    // A complaint stored just before a crash, whose ladder never started, starts now.
    if (view.status === 'open' && !view.executionArn) {
      try {
        await startLadder(core, view, view.received.startRung);
        started++;
      } catch (e) {
        console.error(`klachtflow: ladder of dossier ${view.id} could not be started:`, (e as Error).name);
      }
    }
  }
  return started;
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
  if (first) throw new UnprocessableError(missing.map((m) => m[2]).join(' '), first[1]);
  const c = input.complainant;
  const today = localDate(core.now()).toString();
  for (const field of ['incidentDate', 'lastContactDate'] as const) {
    const v = input[field];
    if (v && v > today) throw new UnprocessableError('Deze datum ligt in de toekomst.', [field]);
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
  return core.mutate(id, caller.sub, (v, now) => {
    if (v.status === 'closed') throw new ConflictError('Dit dossier is gesloten.');
    const missing = v.incomplete ?? [];
    if (missing.length === 0) throw new UnprocessableError('Er ontbreken geen gegevens bij deze klacht.', ['missing']);
    const replyBy = computeDeadline({
      anchor: { event: 'het verzoek om aanvulling', at: now },
      term: '2 weken',
      atw: true,
      source: 'Awb 4:5 (naar analogie): gelegenheid tot aanvulling',
      closingDays: core.reg.organisation.closingDays,
    }).dueAt;
    const bodies: EventBody[] = [{ type: 'intake.asked', data: { missing, replyBy } }];
    const after = project(v, bodies, now, caller.sub);
    return [
      ...bodies,
      ...core.letter(after, 'missing-information', ['complainant'], `missing${v.version}`, {
        missing,
        dueAt: replyBy,
        ...(note ? { note } : {}),
      }),
    ];
  });
}

/** The officer records the missing fields once they came (by e-mail, phone or letter). */
export async function completeIntake(
  core: Core,
  id: string,
  caller: Caller,
  data: { complainant: Partial<Omit<ComplaintInput['complainant'], 'birthDate'>>; description?: string },
): Promise<DossierView> {
  if (caller.kind !== 'officer') throw new ForbiddenError('Alleen een medewerker kan dit vastleggen.');
  return core.mutate(id, caller.sub, (v) => {
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
    return [
      { type: 'intake.completed', data: { ...data, ...(data.description ? { description: data.description } : {}) } },
    ];
  });
}
