/**
 * The complainant's access: the private link (its token kept only hashed), mailed again on request
 * or for a complaint that did not come through the form, and checked in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Regulation } from '../../../statemachines/model.js';
import { addressed } from '../address.js';
import type { DossierView } from '../dossier.js';
import { NotFoundError } from '../errors.js';
import { withoutBidiOverrides } from '../text.js';
import type { Core } from './core.js';

/** The access token as the dossier keeps it. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * "Mail me my link again": with the reference and the e-mail address of the complaint, a new
 * private link goes to that address and the old one stops working. The answer never tells
 * whether the details matched. The link is sent directly, not through the outbox: the token
 * exists only hashed in the dossier, so a crash in between means asking again.
 */
export async function renewAccess(
  core: Core,
  reference: string,
  email: string,
  link: (id: string, token: string) => string,
): Promise<void> {
  const ref = reference.trim().toUpperCase();
  const now = core.deps.clock.now();
  // At most five tries an hour per reference (guessing the address), and three links a day per
  // complaint (an inbox flooded with links helps nobody). Over the limit nothing is sent, and the
  // answer is the same as always.
  if (!(await core.deps.store.withinLimit(`link-ref#${core.reg.id}#${ref}`, now, 3600, 5))) return;
  const id = await core.deps.store.idByReference(ref, core.reg.id);
  const view = id ? await core.deps.store.load(id) : undefined;
  const known = view?.received.complainant.email?.toLowerCase();
  if (!view || !known || known !== email.trim().toLowerCase() || view.erasedAt) return;
  if (!(await core.deps.store.withinLimit(`link-sent#${view.id}`, now, 86_400, 3))) return;
  const token = randomBytes(16).toString('base64url');
  await core.appendLatest(view.id, [{ type: 'access.renewed', data: { accessTokenHash: hashToken(token) } }]);
  await mailLink(core, view, known, 'Uw nieuwe link naar uw klacht', link(view.id, token), [
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
export async function sendAccessLink(
  core: Core,
  view: DossierView,
  token: string,
  link: (id: string, token: string) => string,
): Promise<boolean> {
  const to = view.received.complainant.email;
  if (!to) return false;
  await mailLink(core, view, to, 'De link naar uw klacht', link(view.id, token), [
    `Wij hebben uw klacht vastgelegd onder kenmerk ${view.reference}. Met deze persoonlijke link ziet u hoe het met uw klacht gaat, wat de volgende stap is en wanneer:`,
    'Bewaar deze e-mail. Geef de link niet aan anderen: wie hem heeft, kan uw klacht zien.',
  ]);
  return true;
}

export async function mailLink(
  core: Core,
  view: DossierView,
  to: string,
  subject: string,
  url: string,
  lines: [string, string],
): Promise<void> {
  // The name as typed, without the bidirectional controls that would turn it around (text.ts).
  const name = withoutBidiOverrides(view.received.complainant.name);
  // Said as the regulation addresses the complainant ("je": address.ts).
  const say = (t: string) => addressed(core.reg.address, t);
  const [intro, outro] = lines.map(say) as [string, string];
  const esc = (s: string) =>
    s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
  await core.deps.mailer.send({
    from: core.reg.organisation.senderAddress,
    to: [to],
    subject: `[${view.reference}] ${say(subject)}`,
    text: [`Beste ${name},`, '', intro, url, '', outro, '', 'Met vriendelijke groet,', core.reg.organisation.name].join(
      '\n',
    ),
    html: `<!doctype html><html lang="nl"><body><p>Beste ${esc(name)},</p><p>${esc(intro)}</p><p><a href="${esc(url)}">${esc(url)}</a></p><p>${esc(outro)}</p><p>Met vriendelijke groet,<br>${esc(core.reg.organisation.name)}</p></body></html>`,
  });
}

/** The complainant's access: the token's hash compared in constant time. */
export async function authoriseComplainant(core: Core, id: string, token: string | undefined): Promise<DossierView> {
  const view = token ? await core.deps.store.load(id) : undefined;
  if (!view || !token) throw new NotFoundError('Deze klacht bestaat niet, of de link klopt niet.');
  const a = Buffer.from(hashToken(token), 'hex');
  // The link from submitting (or the last renewal), and those the letters carried since.
  let match = false;
  for (const hash of [view.accessTokenHash, ...(view.grantedTokenHashes ?? [])]) {
    const b = Buffer.from(hash, 'hex');
    if (a.length === b.length && timingSafeEqual(a, b)) match = true;
  }
  if (!match) throw new NotFoundError('Deze klacht bestaat niet, of de link klopt niet.');
  return view;
}

/**
 * The roles a complaint is about, where the regulation routes such complaints elsewhere (OCO:
 * "Gaat een klacht over de coördinator zelf? Dan is de leidinggevende van de coördinator
 * verantwoordelijk voor de afhandeling"): the rule's role and its deputies, as OCO says
 * "Overal waar ‘de coördinator’ staat, bedoelen we in deze regeling ook de plaatsvervanger".
 */
export function rolesComplainedAbout(reg: Regulation, aboutRole: string | undefined): string[] {
  if (!aboutRole) return [];
  const rule = reg.conflictOfInterest.find((c) => c.when === 'complaint-about-role' && c.role === aboutRole);
  if (!rule) return [];
  const deputies = reg.roles.find((r) => r.id === aboutRole)?.deputies ?? [];
  return [aboutRole, ...deputies];
}

/**
 * An officer all of whose roles the complaint is about: the person complained about. They get
 * what the regulation grants a respondent ("De beklaagde heeft altijd recht op inzage in zijn/haar
 * dossier"): the inspection copy, not the handling. An officer with another role as well (a
 * manager who is also a deputy) keeps that role's access.
 */
export function isRespondent(reg: Regulation, aboutRole: string | undefined, roles: readonly string[]): boolean {
  const about = rolesComplainedAbout(reg, aboutRole);
  return about.length > 0 && roles.length > 0 && roles.every((r) => about.includes(r));
}
