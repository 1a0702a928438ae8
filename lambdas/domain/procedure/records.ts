/**
 * The records an officer keeps beside the ladder: the registration form, the improvement register,
 * and notes on blameworthy conduct (read by their readers only).
 */
import { type DossierView, type EventBody, project } from '../dossier.js';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../errors.js';
import type { Core } from './core.js';
import type { Caller } from './types.js';

/** The registration form with every answer: derived from the dossier where the ladder knows it. */
export function registrationOf(core: Core, view: DossierView) {
  const form = core.reg.registration;
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
    const dim = core.reg.reporting.dimensions.find(
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
export async function answerRegistration(
  core: Core,
  id: string,
  caller: Caller,
  answers: Record<string, string>,
): Promise<DossierView> {
  const form = core.reg.registration;
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
  return core.mutate(id, caller.sub, () => [{ type: 'registration.answered', data: { answers } }]);
}

/** Adds an improvement action to the register (ONS: "verbeteracties ... via het verbeterregister"). */
export async function addImprovement(
  core: Core,
  id: string,
  caller: Caller,
  input: { action: string; owner: string; due: string },
): Promise<DossierView> {
  if (caller.kind !== 'officer') throw new ForbiddenError('Alleen medewerkers houden het verbeterregister bij.');
  if (!core.reg.roles.some((r) => r.id === input.owner))
    throw new UnprocessableError(`Rol "${input.owner}" bestaat niet.`, ['owner']);
  return core.mutate(id, caller.sub, (v) => [
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
export async function updateImprovement(
  core: Core,
  id: string,
  caller: Caller,
  improvementId: string,
  status: 'open' | 'in-progress' | 'done',
  note?: string,
): Promise<DossierView> {
  if (caller.kind !== 'officer') throw new ForbiddenError('Alleen medewerkers houden het verbeterregister bij.');
  return core.mutate(id, caller.sub, (v) => {
    if (!v.improvements.some((i) => i.improvementId === improvementId))
      throw new NotFoundError('Deze verbeteractie bestaat niet.');
    return [{ type: 'improvement.updated', data: { improvementId, status, ...(note ? { note } : {}) } }];
  });
}

/**
 * The roles that may read a note on blameworthy conduct: the regulation's `conductNote.readers`,
 * or else its managers and directors (ONS: "besproken met de manager van de medewerker").
 */
export function conductReaders(core: Core): string[] {
  if (core.reg.conductNote) return core.reg.conductNote.readers;
  // Whoever leads the organisation reads them: its managers and directors, or the administrative
  // body, or the practitioner who works alone.
  const leads = ['manager', 'director', 'administrative-body', 'sole-practitioner'];
  return core.reg.roles.filter((r) => leads.includes(r.kind)).map((r) => r.id);
}

export function mayReadConduct(core: Core, caller: Caller): boolean {
  const readers = conductReaders(core);
  return caller.kind === 'officer' && caller.roles.some((r) => readers.includes(r));
}

/**
 * An officer records blameworthy conduct of an employee. The note is for the readers only; they
 * get a notice that says a note is there, with a link, but not what it says (a mailbox is read
 * by more people and kept longer than the dossier).
 */
export async function noteConduct(core: Core, id: string, caller: Caller, text: string): Promise<{ noteId: string }> {
  if (caller.kind !== 'officer') throw new ForbiddenError('Alleen medewerkers leggen dit vast.');
  const readers = conductReaders(core);
  if (readers.length === 0)
    throw new UnprocessableError('Deze regeling noemt niemand die zo’n aantekening mag lezen.', ['text']);
  let noteId = '';
  await core.mutate(id, caller.sub, (v, now) => {
    noteId = `a${v.conductNotes.length + 1}`;
    const bodies: EventBody[] = [{ type: 'conduct.noted', data: { noteId, text } }];
    return [
      ...bodies,
      ...core.letter(project(v, bodies, now, caller.sub), 'notice', readers, `conduct:${noteId}`, {
        note: 'Er is een aantekening over mogelijk verwijtbaar handelen van een medewerker vastgelegd. Alleen u kunt haar lezen, in het dossier (via de link hieronder). Bespreek haar met de klachtenfunctionaris.',
      }),
    ];
  });
  return { noteId };
}

/** The notes on blameworthy conduct, for their readers only. */
export function conductNotesOf(core: Core, view: DossierView, caller: Caller) {
  if (!mayReadConduct(core, caller))
    throw new ForbiddenError('Alleen de leidinggevende leest aantekeningen over verwijtbaar handelen.');
  return view.conductNotes;
}
