/**
 * Complaints by e-mail: one raw RFC 822 message in, a dossier, a message in a dossier, or an item
 * in the postvak out. The local SMTP server (runtime/smtp.ts) and the SES receiving handler
 * (lambdas/inbound-mail-handler.ts) both call `InboundMail.receive`, so the two cannot differ.
 *
 * What the law counts is receipt: a complaint that came in by e-mail is received when it reached
 * the organisation's mail server (SES's timestamp, the SMTP server's clock), not at the Date the
 * sender's program wrote. A written complaint names the complainant, their address and what
 * happened (Awb 9:4 lid 2; SWT variant 3 asks exactly that); one that lacks a field is registered
 * all the same (its terms run) and the officer asks for the rest with a letter (Awb 4:5 by
 * analogy: first a chance to complete, never a silent refusal).
 *
 * Mail that cannot be trusted or read is held for an officer, never lost and never silently a
 * dossier: spam or virus verdicts, a forged sender, automatic replies (no mail loops with our own
 * acknowledgements), empty or oversized messages, no usable sender, and replies from an address
 * that is not the complainant's. The raw message is always kept first.
 *
 * Personal data is never logged: only ids and reasons.
 */
import { createHash } from 'node:crypto';
import type { Regulation } from '../../statemachines/model.js';
import { addressed } from './address.js';
import type { DossierView } from './dossier.js';
import { ConflictError, DomainError, NotFoundError, UnprocessableError } from './errors.js';
import { dayOf, letterHtml } from './letters.js';
import type {
  AttachmentMeta,
  AttachmentStore,
  Clock,
  DossierStore,
  HeldMail,
  HeldMailStore,
  HoldReason,
  Mailer,
} from './ports.js';
import { type Caller, type ComplaintInput, messageIdReference, type Procedure } from './procedure.js';
import { normalizeText, stripBidiControls, truncateText } from './text.js';

/** Above this a message is held for an officer (SES sends at most 10 MB; most mailboxes take 25). */

/**
 * How long one delivery of a message holds it: longer than the receiving function's timeout
 * (120 s, lib/inbound-mail.ts), so a lease outlives only a handler that is gone.
 */
export const INBOUND_LEASE_SECONDS = 150;
export const HOLD_ABOVE_BYTES = 10 * 1024 * 1024;
/**
 * The most the SMTP server accepts (SES's S3 action stores up to 40 MB): between the two a
 * message is kept and held; above it the sending server gets a 552 and tells its sender, so
 * nothing disappears unseen.
 */
export const REFUSE_ABOVE_BYTES = 40 * 1024 * 1024;
/**
 * More files than this in one mail are not unpacked into a dossier: each is an event in the one
 * item a commit is (DynamoDB: at most 400 KB), and 900 of them made every retry fail after a
 * reference number was taken. An officer looks at such a mail in the postvak (the raw mail has
 * them all); 100 is an assumption well inside the item limit (about 1 KB an attachment at most).
 */
export const MAX_ATTACHMENTS = 100;
/** The API takes complaints of at most 50 000 characters; a longer mail keeps its raw original. */
const MAX_TEXT = 50_000;

/** The dossier reference as `DynamoDossierStore.nextReference` makes it (KL-2026-0001). */
const REFERENCE = /\bKL-(\d{4})-(\d{4,})\b/i;

export const HOLD_REASONS_NL: Record<HoldReason, string> = {
  spam: 'De mail lijkt spam (markering van de mailserver).',
  virus: 'De mailserver vond mogelijk een virus. Open geen bijlagen.',
  spoofed: 'De afzender is niet te controleren (SPF, DKIM of DMARC mislukt): de mail kan vervalst zijn.',
  automatic: 'Een automatisch bericht (afwezigheidsmelding, bounce of een mail van ons eigen adres).',
  empty: 'De mail heeft geen tekst.',
  oversized: `De mail is groter dan ${HOLD_ABOVE_BYTES / 1024 / 1024} MB.`,
  unreadable: 'De mail is niet te lezen (geen geldig e-mailbericht).',
  'no-sender': 'De mail heeft geen bruikbaar afzenderadres.',
  'no-email-intake': 'De regeling noemt e-mail niet als manier om een klacht in te dienen.',
  'reply-sender-mismatch':
    'Een antwoord op een dossier, maar niet zeker van de klager: een ander adres (als afzender of in de envelop), of meer dan één afzender.',
  'dossier-closed': 'Een antwoord op een dossier dat al is afgesloten.',
  'not-accepted': 'klachtflow kon de klacht niet vastleggen; een medewerker moet kijken.',
  'too-many-attachments': `De mail heeft meer dan ${MAX_ATTACHMENTS} bijlagen. Bekijk de oorspronkelijke mail.`,
};

/** What the receiving side knows besides the bytes. */
export interface InboundReceipt {
  /** Unique per received message (SES messageId; the SMTP session's id locally). */
  receiptId: string;
  /** When the organisation's mail server received it (ISO 8601): terms count from here. */
  receivedAt: string;
  /** The envelope recipients (RCPT TO). */
  recipients: string[];
  /** The envelope sender (MAIL FROM); empty for bounces and other automatic mail. */
  envelopeFrom?: string;
  /** SES verdicts (AWS only): PASS, FAIL, GRAY, PROCESSING_FAILED, DISABLED. */
  verdicts?: { spam?: string; virus?: string; spf?: string; dkim?: string; dmarc?: string };
  /** Where the raw message already is (SES's S3 action); else it is stored under `inbound/`. */
  rawKey?: string;
}

export type InboundOutcome =
  | { kind: 'registered'; dossierId: string; reference: string; incomplete: string[] }
  | { kind: 'message'; dossierId: string; reference: string }
  | { kind: 'held'; heldId: string; reasons: HoldReason[] };

/** Reads a raw message; undefined when it is no e-mail at all. */
export type MailParser = (raw: Uint8Array) => Promise<Parsed | undefined>;

export interface InboundMailDeps {
  /**
   * The MIME parser (./mime.ts), for the functions that receive mail (SES receiving, the local
   * SMTP server). The API's postvak routes have none: what they need of a held mail was read
   * when it came in and is kept with it (#19: the parser and its code pages were half the API).
   */
  parse?: MailParser;
  regulation: Regulation;
  procedure: Procedure;
  store: HeldMailStore &
    Pick<
      DossierStore,
      'idByReference' | 'load' | 'getIdempotent' | 'beginIdempotent' | 'finishIdempotent' | 'lease' | 'withinLimit'
    >;
  attachments: AttachmentStore;
  mailer: Mailer;
  clock: Clock;
  /** The complainant's private link (the same as the web form's confirmation gives). */
  statusUrl(id: string, token: string): string;
  /** The officers' postvak page, for the notice that mail waits there. */
  postvakUrl: string;
}

/** Fields an officer may fill in when registering a held mail as a complaint. */
export interface HeldRegistration {
  name?: string;
  email?: string;
  phone?: string;
  address?: { street?: string; postcode?: string; city?: string };
  description?: string;
  role?: string;
  variant?: string;
}

const lower = (s: string) => s.trim().toLowerCase();

/**
 * The addresses that take complaints by e-mail: those of the intake variants that accept e-mail
 * (falling back to the organisation's contact address), and the address letters come from, since
 * complainants answer our letters there. A regulation whose variants do not name e-mail still
 * receives replies to its letters; new complaints to it are held (see `emailVariant`).
 */
export function intakeAddresses(reg: Regulation): string[] {
  const org = reg.organisation.contact.email;
  const fromVariants = reg.intake.variants
    .filter((v) => v.channels.includes('email'))
    .map((v) => v.contact?.email ?? org ?? reg.organisation.senderAddress);
  return [...new Set([...fromVariants, ...(org ? [org] : []), reg.organisation.senderAddress].map(lower))];
}

/**
 * The intake variant an e-mail starts: the e-mail variant whose own address it was sent to, else
 * the first variant that accepts e-mail (SWT: variant 3, to the manager; SO!: mail to the
 * office manager is the formal complaint, to the general address the client signal).
 */
export function emailVariant(reg: Regulation, recipients: readonly string[]) {
  const to = new Set(recipients.map(lower));
  const email = reg.intake.variants.filter((v) => v.channels.includes('email'));
  return email.find((v) => v.contact?.email && to.has(lower(v.contact.email))) ?? email[0];
}

/** The sender's own lines of a reply: quoted text and the quoted header block are left out. */
export function stripQuoted(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*(Op|On)\b.{0,200}\b(schreef|wrote)\b.*:\s*$/i.test(line)) break;
    if (/^\s*-{2,}\s*(Oorspronkelijk bericht|Original Message)/i.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    out.push(line);
  }
  return out.join('\n').trim();
}

/** HTML reduced to text when a mail had no text part mailparser could give: never stored as HTML. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, MAX_TEXT);
}

/**
 * Name and address as people write them in a complaint mail: labelled lines ("Naam: ...",
 * "Adres: ...", "Postcode: ...", "Woonplaats: ...") or a street line followed by "1234 AB Plaats".
 */
export function detailsFromText(text: string): {
  name?: string;
  address?: { street?: string; postcode?: string; city?: string };
} {
  const label = (re: RegExp) => re.exec(text)?.[1]?.trim();
  const name = label(/^[ \t]*naam[ \t]*:[ \t]*(.+)$/im);
  let street = label(/^[ \t]*(?:adres|straat(?: en huisnummer)?)[ \t]*:[ \t]*(.+)$/im);
  let postcode = label(/^[ \t]*postcode[ \t]*:[ \t]*(\d{4}[ \t]?[a-z]{2})\b/im);
  let city = label(/^[ \t]*(?:woonplaats|plaats)[ \t]*:[ \t]*(.+)$/im);
  // "Adres: Dorpsstraat 1, 3311 AB Dordrecht" on one line.
  const inline = street ? /^(.+?),?\s+(\d{4}\s?[A-Za-z]{2})\s+(.+)$/.exec(street) : null;
  if (inline) [street, postcode, city] = [inline[1]?.replace(/,$/, ''), postcode ?? inline[2], city ?? inline[3]];
  if (!postcode) {
    // A free-form address block: "Dorpsstraat 1" then "3311 AB Dordrecht".
    const lines = text.split('\n').map((l) => l.trim());
    lines.forEach((line, i) => {
      const m = /^(\d{4}\s?[A-Z]{2})\s+([A-Za-z'][A-Za-z' .-]{1,60})$/.exec(line);
      const prev = lines[i - 1];
      if (m && !postcode && prev && /^[A-Za-z'][A-Za-z'. -]{1,80}\s\d+\s?[a-zA-Z0-9-]{0,6}$/.test(prev)) {
        [street, postcode, city] = [prev, m[1], m[2]];
      }
    });
  }
  const address =
    street || postcode || city
      ? {
          ...(street ? { street } : {}),
          ...(postcode ? { postcode: postcode.toUpperCase().replace(/^(\d{4})\s?/, '$1 ') } : {}),
          ...(city ? { city } : {}),
        }
      : undefined;
  return { ...(name ? { name } : {}), ...(address ? { address } : {}) };
}

/** A file name safe to show and to offer for download. */
export function safeName(name: string | undefined): string {
  const n = truncateText(
    stripBidiControls(normalizeText(name ?? ''))
      .replace(/[\\/"]/g, '_')
      // Control characters (no regular expression: the linter rightly distrusts those in one).
      .split('')
      .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? '_' : ch))
      .join('')
      .trim(),
    200,
  );
  return n || 'bijlage';
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A mail as klachtflow reads it (lambdas/domain/mime.ts makes it from the raw message). */
export interface Parsed {
  from?: { name?: string; address?: string };
  /** How many addresses the From header(s) name: a reply is trusted only with exactly one. */
  fromCount: number;
  subject: string;
  text: string;
  attachments: { content: Buffer; filename: string; contentType: string }[];
  headers: Map<string, unknown>;
  /** Message ids this mail answers (In-Reply-To, then References, newest first), local parts only. */
  repliesTo: string[];
}

/** Reasons to distrust a message, from the server's verdicts and the message's own headers. */
function distrust(parsed: Parsed | undefined, receipt: InboundReceipt, ours: readonly string[]): HoldReason[] {
  const reasons = new Set<HoldReason>();
  const v = receipt.verdicts ?? {};
  if (v.spam === 'FAIL') reasons.add('spam');
  if (v.virus === 'FAIL') reasons.add('virus');
  // DMARC failing means the From domain did not send it; SPF and DKIM both failing, the same.
  if (v.dmarc === 'FAIL' || (v.spf === 'FAIL' && v.dkim === 'FAIL')) reasons.add('spoofed');
  if (receipt.envelopeFrom === '') reasons.add('automatic'); // null sender: bounces, notifications
  if (!parsed) return [...reasons];
  const h = (name: string) => {
    const x = parsed.headers.get(name);
    return typeof x === 'string' ? x : x && typeof x === 'object' && 'value' in x ? String(x.value) : '';
  };
  if (/^\s*yes/i.test(h('x-spam-flag')) || /^\s*yes\b/i.test(h('x-spam-status'))) reasons.add('spam');
  // RFC 3834: anything but "no" is an automatic message; answering it makes mail loops.
  const auto = h('auto-submitted');
  if ((auto && !/^\s*no\b/i.test(auto)) || /^(bulk|junk|list|auto_reply)$/i.test(h('precedence').trim()))
    reasons.add('automatic');
  const from = parsed.from?.address ? lower(parsed.from.address) : undefined;
  if (from && ours.includes(from)) reasons.add('automatic');
  if (from && /^(mailer-daemon|postmaster)@/i.test(from)) reasons.add('automatic');
  return [...reasons];
}

export class InboundMail {
  constructor(private readonly deps: InboundMailDeps) {}

  private get reg() {
    return this.deps.regulation;
  }

  /** Takes one received message: stores the raw bytes first, then decides what it is. */
  async receive(raw: Uint8Array, receipt: InboundReceipt): Promise<InboundOutcome> {
    const rawKey = receipt.rawKey ?? `inbound/${receipt.receiptId.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
    if (!receipt.rawKey) await this.deps.attachments.put(rawKey, raw, { contentType: 'message/rfc822' });

    // SES retries an invocation that failed: a message already handled gives the same answer.
    const key = `inbound-mail#${this.reg.id}#${receipt.receiptId}`;
    const done = async () => {
      const rec = await this.deps.store.getIdempotent(key, this.deps.clock.now());
      return rec?.status === 'done' ? (rec.response as InboundOutcome) : undefined;
    };
    const answered = await done();
    if (answered) return answered;
    // SES delivers at least once, so the same message may arrive twice at the same moment: only
    // the holder of the lease decides, the other waits for its answer. The lease outlasts the
    // function's timeout, so a handler that crashed midway frees it for SES's next try.
    if (
      !(await this.deps.store.lease(
        `inbound-${this.reg.id}`,
        receipt.receiptId,
        this.deps.clock.now(),
        INBOUND_LEASE_SECONDS,
      ))
    ) {
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const other = await done();
        if (other) return other;
      }
      // Failing makes SES (Lambda's asynchronous retry) deliver it again later; nothing is lost.
      throw new Error(`Message ${receipt.receiptId} is being handled by another delivery; try again later.`);
    }
    const meanwhile = await done();
    if (meanwhile) return meanwhile;
    // A pending record is a handler that crashed midway: go on (a duplicate beats a lost complaint).
    await this.deps.store.beginIdempotent(key, sha256(raw), this.deps.clock.now().toISOString());
    const outcome = await this.decide(raw, receipt, rawKey);
    await this.deps.store.finishIdempotent(key, outcome);
    // Automatic mail (bounces, out-of-office, our own letters coming back) never needs a person at
    // once, and telling about it could make a loop with the notice itself.
    if (outcome.kind === 'held' && outcome.reasons.some((r) => r !== 'automatic')) {
      // The mail is kept whatever happens to the notice: a failed notice must not fail the delivery.
      await this.tellOfficers(receipt).catch((e) =>
        console.error('klachtflow inbound-mail: postvak notice failed:', e),
      );
    }
    console.info(
      `klachtflow inbound-mail: ${receipt.receiptId} → ${outcome.kind}${outcome.kind === 'held' ? ` (${outcome.reasons.join(', ')})` : ` ${outcome.dossierId}`}`,
    );
    return outcome;
  }

  private async decide(raw: Uint8Array, receipt: InboundReceipt, rawKey: string): Promise<InboundOutcome> {
    const base = { raw, receipt, rawKey };
    if (raw.byteLength > HOLD_ABOVE_BYTES) return this.hold(base, undefined, ['oversized']);
    if (!this.deps.parse) throw new Error('InboundMail.receive needs the MIME parser (deps.parse)');
    const parsed = await this.deps.parse(raw);
    const reasons = distrust(parsed, receipt, intakeAddresses(this.reg));
    if (!parsed) return this.hold(base, undefined, ['unreadable', ...reasons]);
    if (parsed.attachments.length > MAX_ATTACHMENTS) reasons.push('too-many-attachments');
    if (!parsed.from?.address) reasons.push('no-sender');

    // A reply to one of our letters: the reference in the subject names its dossier, or else the
    // message id of the letter it answers (In-Reply-To/References), as klachtflow recorded it.
    const ref = REFERENCE.exec(parsed.subject)?.[0]?.toUpperCase();
    let dossierId = ref ? await this.deps.store.idByReference(ref, this.reg.id) : undefined;
    for (const id of dossierId ? [] : parsed.repliesTo.slice(0, 20)) {
      dossierId = await this.deps.store.idByReference(messageIdReference(id), this.reg.id);
      if (dossierId) break;
    }
    const view = dossierId ? await this.deps.store.load(dossierId) : undefined;
    if (view) {
      if (!parsed.text && parsed.attachments.length === 0) reasons.push('empty');
      // Only the complainant's own address may add to their dossier; anyone could write the reference.
      // The From header is the sender's to write: the envelope sender (what the sending server
      // gave) must say the same, and From must name one address only, or a forger writes the
      // complainant's address beside their own.
      const complainant = view.received.complainant.email;
      const isComplainant = (a: string | undefined) => !!a && !!complainant && lower(a) === lower(complainant);
      if (
        parsed.from?.address &&
        (!isComplainant(parsed.from.address) ||
          (receipt.envelopeFrom !== undefined && !isComplainant(receipt.envelopeFrom)) ||
          parsed.fromCount !== 1)
      )
        reasons.push('reply-sender-mismatch');
      if (view.status === 'closed') reasons.push('dossier-closed');
      if (reasons.length) return this.hold(base, parsed, reasons, view.id);
      const attachments = await this.keep(parsed, { key: rawKey, bytes: raw });
      try {
        await this.deps.procedure.addMessage(
          view.id,
          stripQuoted(parsed.text) || parsed.text || '(Geen tekst; zie de bijlagen.)',
          { via: 'email', attachments },
        );
      } catch (e) {
        if (e instanceof ConflictError) return this.hold(base, parsed, ['dossier-closed'], view.id);
        throw e;
      }
      return { kind: 'message', dossierId: view.id, reference: view.reference };
    }

    if (!parsed.text) reasons.push('empty');
    const variant = emailVariant(this.reg, receipt.recipients);
    if (!variant) reasons.push('no-email-intake');
    if (reasons.length || !variant || !parsed.from?.address) return this.hold(base, parsed, reasons);
    const attachments = await this.keep(parsed, { key: rawKey, bytes: raw });
    try {
      return await this.registerFrom(parsed, receipt.receivedAt, 'email', { variant: variant.id }, attachments);
    } catch (e) {
      // A rule of the regulation refused it (a field it cannot do without): an officer decides.
      if (e instanceof DomainError) return this.hold(base, parsed, ['not-accepted']);
      throw e;
    }
  }

  /** The complaint in the mail, registered with channel `email` and the receipt time. */
  private async registerFrom(
    parsed: Parsed,
    receivedAt: string,
    by: string,
    fields: HeldRegistration,
    attachments: AttachmentMeta[],
  ): Promise<InboundOutcome & { kind: 'registered' }> {
    const found = detailsFromText(parsed.text);
    const address = { ...found.address, ...fields.address };
    if (address.street) address.street = truncateText(address.street, 200);
    if (address.city) address.city = truncateText(address.city, 100);
    const email = fields.email ?? parsed.from?.address;
    const phone = fields.phone;
    // The e-mail gives no role: a complaint by mail is taken as the client's own unless the
    // officer says otherwise (the regulation's roles decide which exist).
    const roles = this.reg.eligibility.roles.map((r) => r.role as string);
    const role = fields.role ?? (roles.includes('client') ? 'client' : (roles[0] ?? 'client'));
    const input: ComplaintInput = {
      complainant: {
        // As long as the form allows (api.ts): a display name or a line can be any length.
        name: truncateText((fields.name ?? found.name ?? parsed.from?.name ?? '').trim(), 200),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
        ...(Object.keys(address).length ? { address } : {}),
      },
      role,
      description: fields.description ?? parsed.text,
      ...(fields.variant ? { variant: fields.variant } : {}),
      // Sending a complaint is the consent the web form asks for: the data serve its handling
      // (GDPR art. 6(1)(c) and (e)), as for a complaint by post.
      consent: true,
    };
    const { view, accessToken } = await this.deps.procedure.register(input, 'email', by, receivedAt, {
      allowIncomplete: true,
      attachments,
    });
    await this.sendLink(view, accessToken);
    return { kind: 'registered', dossierId: view.id, reference: view.reference, incomplete: view.incomplete ?? [] };
  }

  /**
   * Tells the officers that mail waits in the postvak. A held mail may be a complaint whose terms
   * already run from its receipt (Awb 9:6, Wkkgz art. 17: counted from receipt), so nobody may
   * have to remember to look. At most one notice an hour per regulation: a wave of spam gives one
   * mail with the count, not hundreds. It names no sender, subject or text: the officer reads
   * those in the postvak, and spam is not passed on.
   */
  private async tellOfficers(receipt: InboundReceipt): Promise<void> {
    const now = this.deps.clock.now();
    if (!(await this.deps.store.withinLimit(`postvak-notice#${this.reg.id}`, now, 3600, 1))) return;
    const waiting = await this.deps.store.listHeld(this.reg.id, 'held');
    if (waiting.length === 0) return;
    const oldest = waiting.map((h) => h.receivedAt).sort()[0] ?? receipt.receivedAt;
    const startsAt = emailVariant(this.reg, receipt.recipients)?.startsAt;
    const rung = this.reg.ladder.rungs.find((r) => r.id === startsAt) ?? this.reg.ladder.rungs[0];
    const role = rung?.handlerRole ?? this.reg.roles[0]?.id ?? '';
    const to = this.deps.procedure.roleAddresses(role);
    if (to.length === 0) return;
    const n = waiting.length;
    // A held reply to a dossier whose clock stands still may be the information it waits for: the
    // clock starts again only when an officer adds the mail to the dossier (or resumes it), so say
    // which dossiers (their reference only: no sender, no content). At most 20 are looked up.
    const stood: string[] = [];
    for (const dossierId of [...new Set(waiting.flatMap((h) => (h.dossierId ? [h.dossierId] : [])))].slice(0, 20)) {
      const view = await this.deps.store.load(dossierId);
      if (view?.suspension && view.status === 'open') stood.push(view.reference);
    }
    const subject = `Postvak: ${n === 1 ? '1 e-mail wacht' : `${n} e-mails wachten`} op een beslissing`;
    const text = [
      `${n === 1 ? 'Er wacht 1 e-mail' : `Er wachten ${n} e-mails`} in het postvak van ${this.reg.organisation.name} op een beslissing: is het een klacht, een bericht bij een dossier, of geen van beide?`,
      '',
      `De oudste is ontvangen op ${dayOf(oldest)}.`,
      'Is het een klacht? Dan tellen de termijnen vanaf de ontvangst van de e-mail, niet vanaf uw beslissing.',
      ...stood.map(
        (ref) =>
          `Er wacht een antwoord bij dossier ${ref}, en de termijn van dossier ${ref} staat stil. Is dit de informatie waarop u wacht? Voeg de mail dan toe aan het dossier: dan loopt de termijn weer.`,
      ),
      '',
      `Open het postvak: ${this.deps.postvakUrl}`,
    ].join('\n');
    await this.deps.mailer.send({
      key: `postvak-${this.reg.id}-${Math.floor(now.getTime() / 3_600_000)}`,
      from: this.reg.organisation.senderAddress,
      to,
      subject,
      text,
      html: letterHtml(this.reg, subject, text),
    });
  }

  /**
   * The private link to follow the complaint. The web form shows it at once; an e-mail
   * complainant gets it by mail (the acknowledgement cannot carry it: the token is stored hashed).
   */
  private async sendLink(view: DossierView, token: string): Promise<void> {
    const to = view.received.complainant.email;
    if (!to) return;
    const link = this.deps.statusUrl(view.id, token);
    const name = this.reg.organisation.name;
    // Said as the regulation addresses the complainant ("je": address.ts); their name as written.
    const say = (t: string) => addressed(this.reg.address, t, [view.received.complainant.name]);
    await this.deps.mailer.send({
      key: createHash('sha256').update(`${view.id}/status-link`).digest('hex').slice(0, 40),
      from: this.reg.organisation.senderAddress,
      to: [to],
      subject: say(`[${view.reference}] Uw persoonlijke link naar uw klacht`),
      text: say(
        [
          `Beste ${view.received.complainant.name || 'klager'},`,
          '',
          `Wij hebben uw klacht per e-mail ontvangen. Uw kenmerk is ${view.reference}.`,
          'Met deze persoonlijke link ziet u hoe het met uw klacht gaat. U kunt er ook informatie toevoegen of uw klacht intrekken:',
          link,
          '',
          'Deel deze link niet met anderen. U kunt ook antwoorden op onze e-mails; laat dan het kenmerk in het onderwerp staan.',
          '',
          'Met vriendelijke groet,',
          name,
        ].join('\n'),
      ),
      html: say(
        `<!doctype html><html lang="nl"><body><p>Wij hebben uw klacht per e-mail ontvangen. Uw kenmerk is ${view.reference}.</p><p>Met deze persoonlijke link ziet u hoe het met uw klacht gaat:<br><a href="${link}">${link}</a></p><p>Deel deze link niet met anderen.</p><p>Met vriendelijke groet,<br>${name.replace(/[&<>"']/g, '')}</p></body></html>`,
      ),
    });
  }

  /**
   * Stores the attachments' bytes under the mail they came with, and lists the original message
   * too: officers can open it as it arrived, and erasing the dossier at the end of its retention
   * removes every file it lists (no other dossier shares a key, so nothing else goes with it).
   */
  private async keep(
    parsed: Pick<Parsed, 'attachments'>,
    raw: { key: string; bytes: Uint8Array },
    withFiles = true,
  ): Promise<AttachmentMeta[]> {
    const folder = raw.key
      .replace(/^.*\//, '')
      .replace(/\.eml$/, '')
      .replace(/[^A-Za-z0-9._-]/g, '_');
    const out: AttachmentMeta[] = [
      {
        key: raw.key,
        filename: 'oorspronkelijke-mail.eml',
        contentType: 'message/rfc822',
        size: raw.bytes.byteLength,
        sha256: sha256(raw.bytes),
      },
    ];
    if (!withFiles) return out;
    for (const a of parsed.attachments) {
      const bytes = new Uint8Array(a.content);
      const hash = sha256(bytes);
      const key = `attachments/${folder}/${hash}`;
      await this.deps.attachments.put(key, bytes, { contentType: a.contentType, filename: a.filename });
      out.push({ key, filename: a.filename, contentType: a.contentType, size: bytes.byteLength, sha256: hash });
    }
    return out;
  }

  private async hold(
    base: { raw: Uint8Array; receipt: InboundReceipt; rawKey: string },
    parsed: Parsed | undefined,
    reasons: HoldReason[],
    dossierId?: string,
  ): Promise<InboundOutcome> {
    const { receipt } = base;
    // Sortable by receipt and the same for a retried delivery of the same message.
    const id = `${Date.parse(receipt.receivedAt).toString(36)}-${receipt.receiptId
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 40)
      .toLowerCase()}`;
    // The files are kept now, while the message is read: the officer's decision later (in the API,
    // which has no MIME parser) lists them from here. A virus keeps its files out; the raw mail
    // stays listed. Too many to list: the raw mail holds them.
    const raw = { key: base.rawKey, bytes: base.raw };
    const files = await this.keep(
      parsed ?? { attachments: [] },
      raw,
      !!parsed && !reasons.includes('virus') && parsed.attachments.length <= MAX_ATTACHMENTS,
    );
    const item: HeldMail = {
      id,
      regulationId: this.reg.id,
      receivedAt: receipt.receivedAt,
      reasons: [...new Set(reasons)],
      rawKey: base.rawKey,
      size: base.raw.byteLength,
      recipients: receipt.recipients,
      ...(parsed?.from ? { from: parsed.from } : {}),
      ...(parsed ? { subject: parsed.subject, text: parsed.text } : {}),
      ...(dossierId ? { dossierId } : {}),
      // The list as far as it fits an item; the raw mail holds every file.
      attachments: (parsed?.attachments ?? []).slice(0, MAX_ATTACHMENTS).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.content.byteLength,
      })),
      files,
      status: 'held',
    };
    await this.deps.store.putHeld(item);
    return { kind: 'held', heldId: id, reasons: item.reasons };
  }

  // --- the officer's side of the postvak ------------------------------------------------------

  async list(status?: HeldMail['status']): Promise<HeldMail[]> {
    return this.deps.store.listHeld(this.reg.id, status);
  }

  async get(id: string): Promise<HeldMail> {
    const item = await this.deps.store.getHeld(this.reg.id, id);
    if (!item) throw new NotFoundError('Deze mail staat niet in het postvak.');
    return item;
  }

  /** The raw message as it came in (for the officer to inspect; mind the virus verdict). */
  async raw(id: string): Promise<Uint8Array> {
    const item = await this.get(id);
    const bytes = await this.deps.attachments.get(item.rawKey);
    if (!bytes) throw new NotFoundError('De oorspronkelijke mail is niet meer bewaard.');
    return bytes;
  }

  /**
   * A held mail an officer decides on, as it was read when it came in: sender, subject, text, and
   * the files kept then. Mail held before the files were kept with it lists the raw mail only
   * (its attachments are inside it).
   */
  private async open(id: string): Promise<{ item: HeldMail; parsed: Parsed; files: AttachmentMeta[] }> {
    const item = await this.get(id);
    if (item.status !== 'held') throw new ConflictError('Over deze mail is al beslist.');
    const parsed: Parsed = {
      ...(item.from ? { from: item.from } : {}),
      fromCount: item.from ? 1 : 0,
      subject: item.subject ?? '',
      text: item.text ?? '',
      attachments: [],
      headers: new Map(),
      repliesTo: [],
    };
    let files = item.files;
    if (!files) {
      const bytes = (await this.deps.attachments.get(item.rawKey)) ?? new Uint8Array();
      files = await this.keep(parsed, { key: item.rawKey, bytes }, false);
    }
    return { item, parsed, files };
  }

  private async decided(
    item: HeldMail,
    caller: Caller & { kind: 'officer' },
    status: 'registered' | 'attached' | 'discarded',
    extra: { reason?: string; dossierId?: string },
  ): Promise<void> {
    // Registered or added: the mail's content now lives in a dossier (and is erased with it), so
    // the postvak keeps only the record of the decision. Discarded mail keeps it as the reason's context.
    const ok = await this.deps.store.decideHeld(
      this.reg.id,
      item.id,
      status,
      { by: caller.sub, at: this.deps.clock.now().toISOString(), ...extra },
      status !== 'discarded',
    );
    if (!ok) throw new ConflictError('Een collega heeft intussen over deze mail beslist.');
  }

  /** The officer registers a held mail as a complaint: received when the mail arrived. */
  async registerHeld(
    id: string,
    caller: Caller & { kind: 'officer' },
    fields: HeldRegistration,
  ): Promise<InboundOutcome & { kind: 'registered' }> {
    const { item, parsed, files } = await this.open(id);
    if (!fields.description && !parsed.text)
      throw new UnprocessableError('Vul de omschrijving van de klacht in: de mail heeft geen tekst.', ['description']);
    const variant = fields.variant ?? emailVariant(this.reg, item.recipients ?? [])?.id;
    // Two officers clicking at once must not make two dossiers: a short lease on the decision, then
    // the decision itself recorded once the dossier exists (a refused registration leaves it held).
    if (!(await this.deps.store.lease(`held-${this.reg.id}`, item.id, new Date(), 30)))
      throw new ConflictError('Een collega is net met deze mail bezig; vernieuw de pagina over een halve minuut.');
    // A message with a virus kept its files out when it was held (the original stays listed, to erase).
    const outcome = await this.registerFrom(
      parsed,
      item.receivedAt,
      caller.sub,
      { ...fields, ...(variant ? { variant } : {}) },
      files,
    );
    await this.decided(item, caller, 'registered', { dossierId: outcome.dossierId });
    return outcome;
  }

  /** The officer adds a held mail to a dossier as a message from the complainant. */
  async attachHeld(id: string, caller: Caller & { kind: 'officer' }, reference: string): Promise<DossierView> {
    const { item, parsed, files } = await this.open(id);
    const dossierId = await this.deps.store.idByReference(reference.trim().toUpperCase(), this.reg.id);
    if (!dossierId) throw new UnprocessableError(`Er is geen dossier met kenmerk ${reference}.`, ['reference']);
    const view = await this.deps.store.load(dossierId);
    if (!view || view.status === 'closed') throw new ConflictError('Dit dossier is gesloten.', ['reference']);
    await this.decided(item, caller, 'attached', { dossierId });
    return this.deps.procedure.addMessage(
      dossierId,
      stripQuoted(parsed.text) || parsed.text || '(Geen tekst; zie de bijlagen.)',
      { via: 'email', attachments: files },
    );
  }

  /** The officer discards a held mail, with a reason: the record stays, the raw mail until retention. */
  async discardHeld(id: string, caller: Caller & { kind: 'officer' }, reason: string): Promise<HeldMail> {
    const item = await this.get(id);
    if (item.status !== 'held') throw new ConflictError('Over deze mail is al beslist.');
    await this.decided(item, caller, 'discarded', { reason });
    await this.deps.procedure.scheduleHeldErasure(item.id);
    return this.get(id);
  }
}
