/**
 * The MIME parser (mailparser, with iconv-lite's code pages): only in the functions that read
 * mail as it arrives (SES receiving, the local SMTP server). Everything an officer's decision on
 * a held mail needs later is read here once and kept with it (#19).
 */
import { type AddressObject, simpleParser } from 'mailparser';
import { cleanText, htmlToText, type MailParser, safeName } from './inbound-mail.js';
import { normalizeText, truncateText } from './text.js';

export const parseMail: MailParser = async (raw) => {
  let m: Awaited<ReturnType<typeof simpleParser>>;
  try {
    m = await simpleParser(Buffer.from(raw), { skipImageLinks: true });
  } catch {
    return undefined;
  }
  // A message with no header at all is not an e-mail (mailparser reads anything as a body).
  if (m.headers.size === 0) return undefined;
  const first = (m.from as AddressObject | undefined)?.value?.[0];
  // Every address of every From header, groups included ("a@x, b@y", or two From lines).
  const fromHeaders = m.headerLines.filter((h) => h.key === 'from').length;
  const addresses = ((m.from as AddressObject | undefined)?.value ?? []).flatMap((a) =>
    a.group ? a.group.map((g) => g.address) : [a.address],
  );
  const fromCount = Math.max(fromHeaders, addresses.filter(Boolean).length);
  const text = m.text ?? (typeof m.html === 'string' ? htmlToText(m.html) : '');
  return {
    ...(first?.address
      ? { from: { address: first.address, ...(first.name ? { name: normalizeText(first.name) } : {}) } }
      : {}),
    // Mail is not refused for a broken character: it is repaired (U+FFFD) and normalised (NFC).
    fromCount,
    subject: truncateText(normalizeText(m.subject ?? ''), 500),
    text: normalizeText(cleanText(text)),
    attachments: m.attachments.map((a) => ({
      content: a.content,
      filename: safeName(a.filename),
      contentType: a.contentType || 'application/octet-stream',
    })),
    headers: m.headers as Map<string, unknown>,
    repliesTo: [
      ...new Set(
        [m.inReplyTo ?? '', ...[m.references ?? []].flat().reverse()]
          .flatMap((x) => String(x).match(/<[^<>]+>/g) ?? [])
          .map((id) => id.slice(1, -1).split('@')[0] ?? '')
          .filter(Boolean),
      ),
    ],
  };
};
