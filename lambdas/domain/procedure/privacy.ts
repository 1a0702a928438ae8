/**
 * Privacy and retention: the erasure a closed dossier gets at the end of the regulation's retention
 * period, and the erasure of e-mail an officer discarded from the postvak (AVG art. 5 lid 1 c, e).
 */
import { createHash } from 'node:crypto';
import { computeDeadline } from '../calendar/deadline.js';
import { toSecond } from '../calendar/instant.js';
import { describeTerm } from '../calendar/term.js';
import { type DossierView, type EventBody, redactEvent } from '../dossier.js';
import type { Core } from './core.js';

/** How long a discarded e-mail is kept before its content is erased (an assumption; see eraseHeld). */
export const DISCARDED_MAIL_DAYS = 90;

/** The erasure at the end of the regulation's retention period after closure. */
export function retention(core: Core, view: DossierView, now: string): EventBody {
  const until = computeDeadline({
    anchor: { event: 'de afsluiting', at: now },
    term: core.reg.retention.term,
    atw: false,
  });
  const { term, atLeast } = core.reg.retention;
  return {
    type: 'retention.scheduled',
    data: {
      name: `kf-${view.id}-erase`,
      at: until.dueAt,
      term: typeof term === 'string' ? term : describeTerm(term),
      ...(atLeast ? { atLeast: true } : {}),
    },
  };
}

/**
 * The erasure of a dossier closed before klachtflow decided one at closure (retention came after
 * the project's first day, 2e87558): the regulation's term counted from the day it closed, as it
 * would have been then; a day already past is a minute from now. AVG art. 5 lid 1 onder e: kept no
 * longer than the retention period the regulation names, whenever the dossier was closed.
 */
export function retentionSinceClosure(
  core: Core,
  view: DossierView,
  now: string,
): Extract<EventBody, { type: 'retention.scheduled' }> | undefined {
  if (view.status !== 'closed' || view.erasedAt || view.retentionUntil || !view.closed) return undefined;
  const body = retention(core, view, view.closed.at);
  if (body.type !== 'retention.scheduled') return undefined;
  const soon = toSecond(Date.parse(now) + 60_000);
  return Date.parse(body.data.at) > Date.parse(now) ? body : { ...body, data: { ...body.data, at: soon } };
}

/** The retention period ended: the personal data goes, the figures stay, the erasure is logged. */
export async function erase(core: Core, dossierId: string): Promise<void> {
  const view = await core.mutate(dossierId, 'klachtflow', (v) => {
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
  for (const a of view.attachments ?? []) await core.deps.attachments?.delete(a.key);
  await core.deps.store.redact(dossierId, redactEvent);
  // Run: the mark of an erasure not known to be scheduled goes too, where a crash left one
  // (procedure/recovery.ts recoverErasures).
  await core.deps.store.confirmErasure(dossierId);
}

/**
 * A mail an officer discarded (spam, say) is kept a while, so the decision can be looked at
 * again, and then its content and file are erased (AVG art. 5 lid 1 onder c and e: no more and
 * no longer than needed). The period is klachtflow's assumption: none of the regulations names one.
 */
export async function scheduleHeldErasure(core: Core, heldId: string): Promise<void> {
  const at = new Date(core.deps.clock.now().getTime() + DISCARDED_MAIL_DAYS * 86_400_000);
  const name = `erase-held-${createHash('sha256').update(heldId).digest('hex').slice(0, 40)}`;
  await core.deps.reminders.schedule(name, at, { kind: 'erase-held', heldId, name });
}

export async function eraseHeld(core: Core, heldId: string): Promise<void> {
  const item = await core.deps.held?.getHeld(core.reg.id, heldId);
  if (item?.status !== 'discarded' || item.erasedAt) return;
  await core.deps.attachments?.delete(item.rawKey);
  // The attachments kept when it came in (under this mail's own folder, shared with nothing else).
  for (const f of item.files ?? []) if (f.key !== item.rawKey) await core.deps.attachments?.delete(f.key);
  await core.deps.held?.forgetHeld(core.reg.id, heldId, core.now());
}
