/**
 * A letter to the complainant that did not arrive (mail-events.ts records it), sent again to an
 * address the officer corrected. Only the API calls this (through `Procedure.with`), so the task
 * functions, which carry the whole procedure, do not carry it (their bundles have a size limit).
 */
import { findStep } from '../../../statemachines/ladder.js';
import type { DossierView, QueuedLetter } from '../dossier.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.js';
import { isRespondent } from './access.js';
import type { Core } from './core.js';
import { mayAct } from './officer-actions.js';
import type { Caller } from './types.js';

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
