/**
 * A letter that did not arrive: what the mail service reported after it accepted a letter (SES
 * event publishing: a bounce, a spam complaint, a rejection for its content, a delay) recorded in
 * the dossier of that letter, so the officer sees it and can phone or ask for another address. A
 * statutory letter (Awb 9:6 acknowledgement, 9:12 findings, Wkkgz art. 17 decision) that bounced
 * was not given to the complainant; the dossier must not say it was.
 */
import type { DossierView, EventBody } from '../dossier.js';
import { type Core, letterKey } from './core.js';
import { messageIdReference } from './types.js';

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
