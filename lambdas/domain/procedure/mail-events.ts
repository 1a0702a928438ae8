/**
 * A letter that did not arrive: what the mail service reported after it accepted a letter (SES
 * event publishing: a bounce, a spam complaint, a rejection for its content, a delay) recorded in
 * the dossier of that letter, so the officer sees it and can phone or ask for another address. A
 * statutory letter (Awb 9:6 acknowledgement, 9:12 findings, Wkkgz art. 17 decision) that bounced
 * was not given to the complainant; the dossier must not say it was.
 */
import { findStep } from '../../../statemachines/ladder.js';
import type { DossierView, EventBody, QueuedLetter } from '../dossier.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.js';
import { isRespondent } from './access.js';
import { type Core, letterKey } from './core.js';
import { mayAct } from './officer-actions.js';
import { type Caller, messageIdReference } from './types.js';

/** One report of the mail service about one message, as the edge parsed it. */
export interface MailEventReport {
  problem: 'bounce' | 'complaint' | 'reject' | 'delay';
  /** The message id SES gave when it accepted the letter. */
  messageId: string;
  /** The message's tags as sent (`klachtflow-dossier`, `klachtflow-letter`), each SES tag's first value. */
  tags: Record<string, string | undefined>;
  /** The addresses the report is about (all the letter's addresses when the report names none). */
  addresses: string[];
  detail?: string;
}

/** What became of a report: recorded in a dossier, or not ours / already known. */
export interface MailEventResult {
  recorded: boolean;
  dossierId?: string;
  letterId?: string;
}

/** The dossier the message belongs to: its tag, else the reference kept for replies to complainant letters. */
async function dossierOf(core: Core, report: MailEventReport): Promise<DossierView | undefined> {
  const tagged = report.tags['klachtflow-dossier'];
  const id = tagged ?? (await core.deps.store.idByReference(messageIdReference(report.messageId), core.reg.id));
  return id ? core.deps.store.load(id) : undefined;
}

/**
 * Records a report in the dossier of its letter, once: SES and EventBridge deliver at least once,
 * and a report that changes nothing is not appended again. The letter is found by the message id
 * its `letter.sent` recorded, or by its key (the report can come before `letter.sent` is written).
 */
export async function recordMailEvent(core: Core, report: MailEventReport): Promise<MailEventResult> {
  const view = await dossierOf(core, report);
  if (!view || view.regulationId !== core.reg.id) return { recorded: false };
  const key = report.tags['klachtflow-letter'];
  const letter =
    view.letters.find((l) => l.messageId === report.messageId) ??
    (key ? view.letters.find((l) => letterKey(view.id, l.letterId) === key) : undefined);
  if (!letter) return { recorded: false, dossierId: view.id };
  const addresses = report.addresses.length ? report.addresses : letter.to;
  const data = {
    letterId: letter.letterId,
    messageId: report.messageId,
    addresses,
    ...(report.detail ? { detail: report.detail.slice(0, 500) } : {}),
  };
  const body: EventBody =
    report.problem === 'delay'
      ? { type: 'letter.delayed', data }
      : { type: 'letter.bounced', data: { ...data, problem: report.problem } };
  let recorded = true;
  await core.appendLatest(view.id, [body], (v) => {
    const l = v.letters.find((x) => x.letterId === letter.letterId);
    const d = l?.delivery;
    // Known already: the same problem for the same addresses, or a delay after a worse report.
    const known =
      !!d &&
      (d.problem === report.problem || (report.problem === 'delay' && d.problem !== 'delay')) &&
      addresses.every((a) => d.addresses.includes(a));
    if (known) recorded = false;
    return known;
  });
  if (recorded && report.problem !== 'delay')
    core.deps.observer?.letterBounced?.({
      regulationId: core.reg.id,
      dossierId: view.id,
      letterId: letter.letterId,
      problem: report.problem,
    });
  return { recorded, dossierId: view.id, letterId: letter.letterId };
}

/**
 * Who may correct the complainant's address and send a bounced letter again: whoever may act on
 * the step the dossier stands at (officer-actions.ts `mayAct`); between steps and after closure,
 * the complaints officer and their deputies, who keep the contact with the complainant (Wkkgz
 * art. 15; the presets' klachtenfunctionaris). Never the person the complaint is about.
 */
export function mayResend(core: Core, caller: Caller, view: DossierView): boolean {
  if (caller.kind !== 'officer' || view.erasedAt) return false;
  if (isRespondent(core.reg, view.received.aboutRole, caller.roles)) return false;
  const at = view.status === 'open' && view.current ? findStep(core.reg, view.current.stepId) : undefined;
  if (at) return mayAct(core, caller, view, at.step);
  const keepers = core.reg.roles.filter((r) => r.kind === 'complaints-officer').flatMap((r) => [r.id, ...r.deputies]);
  return caller.roles.some((r) => keepers.includes(r));
}

/**
 * A letter to the complainant did not arrive (bounced, refused, or marked as spam): the officer
 * asked for another address, records it, and the same letter goes once more, to that address only
 * (through the outbox, so once). The old address stays in the dossier's history; erasure removes
 * both. Later letters go to the new address. Refusals change nothing: 403 for a role that may not
 * act, 404 for an unknown letter, 409 for a letter that arrived or went again to that address
 * already, 422 for the address it bounced from or a letter not to the complainant.
 */
export async function resendLetter(
  core: Core,
  id: string,
  caller: Caller,
  input: { letterId: string; email: string },
): Promise<DossierView> {
  if (caller.kind !== 'officer') throw new ForbiddenError('Alleen medewerkers versturen een brief opnieuw.');
  const email = input.email.trim();
  const same = (a: string | undefined) => !!a && a.toLowerCase() === email.toLowerCase();
  return core.mutate(id, caller.sub, (v) => {
    if (!mayResend(core, caller, v))
      throw new ForbiddenError('U mag in dit dossier geen brief opnieuw versturen. Vraag het wie nu aan zet is.');
    const letter = v.letters.find((l) => l.letterId === input.letterId);
    if (!letter) throw new NotFoundError('Deze brief staat niet in het dossier.');
    if (letter.audience !== 'complainant')
      throw new UnprocessableError('Alleen een brief aan de klager kan opnieuw naar een verbeterd adres.', [
        'letterId',
      ]);
    if (!letter.delivery || letter.delivery.problem === 'delay')
      throw new ConflictError('Deze brief is niet teruggekomen. Hij hoeft niet opnieuw.');
    if (letter.delivery.addresses.some(same) || letter.to.some(same))
      throw new UnprocessableError(
        'Op dit adres kwam de brief niet aan. Vul een ander e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.',
        ['email'],
      );
    const again = v.letters.filter((l) => l.resendOf === letter.letterId);
    if (again.some((l) => l.to.some(same)))
      throw new ConflictError('Deze brief is al opnieuw verstuurd naar dit adres.');
    const { letterId, kind, audience, recipients, from, subject, text, html } = letter;
    const resent: QueuedLetter = {
      letterId: `${letterId}:opnieuw${again.length + 1}`,
      kind,
      audience,
      recipients,
      to: [email],
      from,
      subject,
      text,
      html,
      undeliverable: [],
      resendOf: letterId,
    };
    const previous = v.received.complainant.email;
    return [
      ...(same(previous)
        ? []
        : [
            {
              type: 'contact.corrected' as const,
              data: { email, ...(previous ? { previous } : {}), letterId },
            },
          ]),
      { type: 'letter.queued', data: resent },
    ];
  });
}
