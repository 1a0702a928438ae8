import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadline, dossier, mailsOf } from './support/ladder.js';
import { klachtflowCli } from './support/process.js';
import { formToken, officerCookie, smtpRuntime, type TestRuntime, testRuntime } from './support/runtime.js';

// Complaints by e-mail through the real local SMTP server (SWT Dordrecht, variant 3:
// "Wilt u uw klacht liever per e-mail melden ... klacht@swtdordrecht.nl", name, address and
// description required).
let rt: TestRuntime;
let transport: Transporter;
let stop: () => Promise<void>;
const TO = 'klacht@swtdordrecht.nl';
const manager = () => rt.officers.manager ?? '';

beforeAll(async () => {
  ({ rt, transport, stop } = await smtpRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00'));
});
afterAll(async () => stop?.());

/** Sends one mail; resolves to the server's answer line. */
async function send(mail: SendMailOptions): Promise<string> {
  const info = await transport.sendMail({ to: TO, ...mail });
  await rt.advance('PT0S');
  return info.response ?? '';
}

/** The files a complainant sent, without the original mails klachtflow lists beside them. */
const sentFiles = (d: any) => d.attachments.filter((a: any) => a.contentType !== 'message/rfc822');

const referenceIn = (response: string) => /kenmerk (KL-\d{4}-\d{4})/.exec(response)?.[1];

async function idOf(reference: string): Promise<string> {
  const r = await rt.call('GET', '/dossiers?limit=200', { token: manager() });
  const item = r.json.items.find((i: any) => i.reference === reference);
  expect(item, `dossier ${reference} in the worklist`).toMatchObject({ reference, id: expect.any(String) });
  return item.id;
}

/** Raw SMTP, for what a well-behaved client would never send. */
async function rawSmtp(lines: string[]): Promise<string[]> {
  const port = rt.smtp?.port ?? 0;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const replies: string[] = [];
    let buffer = '';
    let i = 0;
    socket.setTimeout(10_000, () => reject(new Error(`smtp timeout after ${replies.join(' | ')}`)));
    socket.on('data', (d) => {
      buffer += d.toString();
      // One reply per complete final line ("250 ..." not "250-...").
      const done = buffer.split('\r\n').filter((l) => /^\d{3} /.test(l));
      if (done.length === 0) return;
      buffer = '';
      replies.push(...done);
      if (i < lines.length) socket.write(`${lines[i++]}\r\n`);
      else socket.end();
    });
    socket.on('end', () => resolve(replies));
    socket.on('error', reject);
  });
}

describe('complaints by e-mail: SWT variant 3 through the local SMTP server', () => {
  let reference = '';
  let id = '';

  it('a complaint by e-mail becomes a dossier: channel email, received at arrival, acknowledged', async () => {
    const response = await send({
      from: '"Jan Jansen" <jan@example.nl>',
      subject: 'Klacht over mijn begeleider',
      text: 'Naam: Jan Jansen\nAdres: Voorstraat 12, 3311 AB Dordrecht\n\nMijn begeleider kwam drie keer niet opdagen.',
      html: '<p>Naam: Jan Jansen</p><p>Adres: Voorstraat 12, 3311 AB Dordrecht</p><p>Mijn begeleider kwam <b>drie keer</b> niet opdagen.<script>alert(1)</script></p>',
    });
    reference = referenceIn(response) ?? '';
    expect(reference, response).toMatch(/^KL-2026-/);
    id = await idOf(reference);
    const d = await dossier(rt, id);
    expect(d.received).toMatchObject({
      channel: 'email',
      variant: 'email',
      receivedAt: '2026-09-03T07:00:00Z',
      complainant: {
        name: 'Jan Jansen',
        email: 'jan@example.nl',
        address: { street: 'Voorstraat 12', postcode: '3311 AB', city: 'Dordrecht' },
      },
    });
    expect(d.received.description).toContain('drie keer niet opdagen');
    expect(d.received.description).not.toMatch(/<|script/);
    expect(d.incomplete).toEqual([]);
    // Variant 3 starts with the manager: the same step and Awb terms as a complaint by phone.
    expect(d.currentStep).toMatchObject({ id: 'intake', assignee: 'manager' });
    expect(deadline(d, 'afhandeling')).toMatchObject({ lastDay: '2026-10-15', statute: 'Awb 9:11 lid 1' });
    expect(deadline(d, 'intake').lastDay).toBe('2026-10-01');
    const mails = await mailsOf(rt, reference);
    expect(mails.some((m) => m.to.includes('jan@example.nl') && m.subject.includes('ontvangen'))).toBe(true);
    const link = mails.find((m) => m.subject.includes('persoonlijke link'));
    const [, linkId, token] = /\/klacht\/([0-9a-z]{26})\/(\S+)/.exec(link?.text ?? '') ?? [];
    expect(linkId).toBe(id);
    expect((await rt.call('GET', `/complaints/${id}`, { token })).status).toBe(200);
  });

  it('ends in the same ladder with the same deadlines as the same complaint by phone', async () => {
    const phone = await rt.call('POST', '/dossiers', {
      token: manager(),
      body: {
        complainant: { name: 'Jan Jansen', email: 'jan2@example.nl' },
        role: 'client',
        description: 'Mijn begeleider kwam drie keer niet opdagen.',
        variant: 'manager',
        consent: true,
        channel: 'phone',
        receivedAt: '2026-09-03T09:00:00+02:00',
      },
    });
    expect(phone.status, phone.text).toBe(201);
    await rt.advance('PT0S');
    const byPhone = await dossier(rt, phone.json.id);
    const byMail = await dossier(rt, id);
    expect(byMail.currentStep.id).toBe(byPhone.currentStep.id);
    const days = (d: any) => d.deadlines.map((x: any) => [x.step, x.lastDay, x.dueAt]);
    expect(days(byMail)).toEqual(days(byPhone));
  });

  it('a reply with the reference and an attachment is a message in that dossier, not a new complaint', async () => {
    const before = (await rt.call('GET', '/dossiers?limit=200', { token: manager() })).json.items.length;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(4096)]);
    const response = await send({
      from: '"Jan Jansen" <JAN@example.nl>',
      subject: `Re: [${reference}] Wij hebben uw klacht ontvangen`,
      text: 'Hierbij de brief die ik kreeg.\n\nOp 3 sep. 2026 schreef Sociaal Wijkteam Dordrecht:\n> Wij hebben uw klacht ontvangen',
      attachments: [{ filename: 'brief van de gemeente.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    expect(referenceIn(response)).toBe(reference);
    expect((await rt.call('GET', '/dossiers?limit=200', { token: manager() })).json.items.length).toBe(before);
    const d = await dossier(rt, id);
    // Besides the original mails (listed so they can be read and erased), the one file sent.
    expect(sentFiles(d)).toHaveLength(1);
    expect(d.attachments.filter((x: any) => x.filename === 'oorspronkelijke-mail.eml')).toHaveLength(2);
    const a = sentFiles(d)[0];
    expect(a).toMatchObject({
      filename: 'brief van de gemeente.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
    });
    const download = await fetch(`${rt.url}/dossiers/${id}/attachments/${a.sha256}`, {
      headers: { authorization: `Bearer ${manager()}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    // Who opened the file is recorded on the dossier, like every officer read.
    expect((await dossier(rt, id)).reads).toContainEqual({
      by: 'manager@local',
      at: '2026-09-03T07:00:00.000Z',
      what: `bijlage ${a.sha256}`,
    });
    // The manager is told, with the complainant's own words and not the quoted letter.
    const notice = (await mailsOf(rt, reference)).find((m) => m.text.includes('Hierbij de brief die ik kreeg.'));
    expect(notice?.text).not.toContain('> Wij hebben');
    // Another dossier's hash does not open this file.
    expect((await rt.call('GET', `/dossiers/${id}/attachments/${'0'.repeat(64)}`, { token: manager() })).status).toBe(
      404,
    );
  });

  it('a reply without the reference finds its dossier by the letter it answers (In-Reply-To)', async () => {
    const ack = (await dossier(rt, id)).letters.find((l: any) => l.kind === 'acknowledgement');
    // The SES message id of the acknowledgement, as the local SES endpoint gave it.
    expect(ack?.messageId).toMatch(/^[A-Za-z0-9-]{8,}$/);
    const response = await send({
      from: 'jan@example.nl',
      subject: 'Re: Wij hebben uw klacht ontvangen',
      text: 'Ik ben vanaf maandag weer bereikbaar.',
      inReplyTo: `<${ack.messageId}@eu-west-1.amazonses.com>`,
      references: [`<${ack.messageId}@eu-west-1.amazonses.com>`],
    });
    expect(referenceIn(response)).toBe(reference);
    const notice = (await mailsOf(rt, reference)).find((m) => m.text.includes('Ik ben vanaf maandag weer bereikbaar.'));
    // The handler is told: the reply reaches the officer, not the complainant.
    expect(notice?.to.length).toBeGreaterThan(0);
    expect(notice?.to).not.toContain('jan@example.nl');
  });

  it('a reply with the reference from another address is held, not added', async () => {
    const response = await send({
      from: 'iemand@example.org',
      subject: `Re: [${reference}] Wij hebben uw klacht ontvangen`,
      text: 'Ik wil ook iets zeggen.',
    });
    expect(response).toContain('medewerker bekijkt');
    const held = (await rt.call('GET', '/inbound-mail?status=held', { token: manager() })).json.items;
    const item = held.find((h: any) => h.text === 'Ik wil ook iets zeggen.');
    expect(item).toMatchObject({ reasons: ['reply-sender-mismatch'], dossierId: id });
    expect(sentFiles(await dossier(rt, id))).toHaveLength(1);
    // The officer knows the writer (a relative, say) and adds it to the dossier after all.
    const unknown = await rt.call('POST', `/inbound-mail/${item.id}/attach`, {
      token: manager(),
      body: { reference: 'KL-2026-9999' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.issues[0].path).toBe('reference');
    const attached = await rt.call('POST', `/inbound-mail/${item.id}/attach`, {
      token: manager(),
      body: { reference },
    });
    expect(attached.status, attached.text).toBe(200);
    await rt.advance('PT0S');
    expect((await mailsOf(rt, reference)).some((m) => m.text.includes('Ik wil ook iets zeggen.'))).toBe(true);
    const decided = (await rt.call('GET', `/inbound-mail/${item.id}`, { token: manager() })).json;
    expect(decided).toMatchObject({ status: 'attached', decision: { dossierId: id, by: 'manager@local' } });
    // The content now lives in the dossier: the postvak keeps only the record of the decision.
    expect(decided.text).toBeUndefined();
    expect(decided.from).toBeUndefined();
    const again = await rt.call('POST', `/inbound-mail/${item.id}/attach`, { token: manager(), body: { reference } });
    expect(again.status).toBe(409);
  });

  it('a mail without an address is registered (terms run) and the officer asks for it with a letter', async () => {
    const response = await send({
      from: '"Els de Boer" <els@example.nl>',
      subject: 'Klacht',
      text: 'Niemand belde mij terug over mijn aanvraag.',
    });
    const ref = referenceIn(response) ?? '';
    const elsId = await idOf(ref);
    let d = await dossier(rt, elsId);
    expect(d.incomplete).toEqual(['address']);
    expect(d.received.receivedAt).toBe('2026-09-03T07:00:00Z');
    expect(deadline(d, 'afhandeling').lastDay).toBe('2026-10-15');
    const asked = await rt.call('POST', `/dossiers/${elsId}/missing-information`, { token: manager(), body: {} });
    expect(asked.status, asked.text).toBe(200);
    await rt.advance('PT0S');
    const letter = (await mailsOf(rt, ref)).find((m) => m.subject.includes('Wij missen nog gegevens'));
    expect(letter?.to).toEqual(['els@example.nl']);
    expect(letter?.text).toContain('uw adres (straat en huisnummer, postcode en plaats)');
    expect(letter?.text).toContain('uiterlijk donderdag 17 september 2026');
    const bad = await rt.call('POST', `/dossiers/${elsId}/intake`, {
      token: manager(),
      body: { complainant: { address: { street: 'Singel 3' } } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe('complainant.address');
    const done = await rt.call('POST', `/dossiers/${elsId}/intake`, {
      token: manager(),
      body: { complainant: { address: { street: 'Singel 3', postcode: '3311 CD', city: 'Dordrecht' } } },
    });
    expect(done.status, done.text).toBe(200);
    d = await dossier(rt, elsId);
    expect(d.incomplete).toEqual([]);
    expect(d.received.complainant.address.city).toBe('Dordrecht');
    const again = await rt.call('POST', `/dossiers/${elsId}/missing-information`, { token: manager(), body: {} });
    expect(again.status).toBe(422);
  });

  it('malformed, empty and spam-flagged mail is held with the raw message; the officer registers or discards it', async () => {
    const count = async () => (await rt.call('GET', '/dossiers?limit=200', { token: manager() })).json.items.length;
    const before = await count();
    const garbage = 'dit is geen e-mail\r\nmaar wel tekst';
    const replies = await rawSmtp([
      'HELO test',
      'MAIL FROM:<x@example.nl>',
      `RCPT TO:<${TO}>`,
      'DATA',
      `${garbage}\r\n.`,
      'QUIT',
    ]);
    expect(replies.at(-2)).toMatch(/^250 .*medewerker/);
    await send({ from: 'leeg@example.nl', subject: '', text: '' });
    await send({
      from: '"Piet Spam" <piet@example.nl>',
      subject: 'Goedkope pillen',
      text: 'Naam: Piet\nAdres: Kerkstraat 1, 1234 AB Ergens\n\nMijn klacht staat hier toch echt.',
      headers: { 'X-Spam-Flag': 'YES' },
    });
    await rt.advance('PT0S');
    expect(await count()).toBe(before);

    const held = (await rt.call('GET', '/inbound-mail?status=held', { token: manager() })).json.items;
    const malformed = held.find((h: any) => h.reasons.includes('unreadable'));
    const empty = held.find((h: any) => h.from?.address === 'leeg@example.nl');
    const spam = held.find((h: any) => h.from?.address === 'piet@example.nl');
    expect(malformed).toMatchObject({ status: 'held', reasons: expect.arrayContaining(['unreadable']) });
    expect(empty.reasons).toContain('empty');
    expect(spam.reasons).toEqual(['spam']);
    expect(spam.reasonsText[0]).toContain('spam');
    // Nothing lost: the raw message is kept byte for byte.
    const raw = await fetch(`${rt.url}/inbound-mail/${malformed.id}/raw`, {
      headers: { authorization: `Bearer ${manager()}` },
    });
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect((await raw.text()).trim()).toBe(garbage);
    expect((await rt.call('GET', '/inbound-mail', {})).status).toBe(401);

    // The spam flag was wrong: the officer registers it, received when the mail came in.
    await rt.advance('P1D');
    const reg = await rt.call('POST', `/inbound-mail/${spam.id}/register`, { token: manager(), body: {} });
    expect(reg.status, reg.text).toBe(201);
    await rt.advance('PT0S');
    const d = await dossier(rt, reg.json.dossierId);
    expect(d.received).toMatchObject({ channel: 'email', receivedAt: spam.receivedAt });
    expect(d.received.complainant.address.city).toBe('Ergens');
    expect(deadline(d, 'afhandeling').lastDay).toBe('2026-10-15');
    const twice = await rt.call('POST', `/inbound-mail/${spam.id}/register`, { token: manager(), body: {} });
    expect(twice.status).toBe(409);

    // The empty one is registered only with a description the officer fills in.
    const noText = await rt.call('POST', `/inbound-mail/${empty.id}/register`, { token: manager(), body: {} });
    expect(noText.status).toBe(422);
    expect(noText.json.error.issues[0].path).toBe('description');

    const noReason = await rt.call('POST', `/inbound-mail/${malformed.id}/discard`, {
      token: manager(),
      body: { reason: ' ' },
    });
    expect(noReason.status).toBe(400);
    const discarded = await rt.call('POST', `/inbound-mail/${malformed.id}/discard`, {
      token: manager(),
      body: { reason: 'Geen klacht: onleesbaar bericht.' },
    });
    expect(discarded.status, discarded.text).toBe(200);
    expect(discarded.json).toMatchObject({
      status: 'discarded',
      decision: { reason: 'Geen klacht: onleesbaar bericht.' },
    });
    const list = (await rt.call('GET', '/inbound-mail', { token: manager() })).json.items;
    expect(list.find((h: any) => h.id === malformed.id).status).toBe('discarded');
    expect((await rt.call('GET', `/inbound-mail/${malformed.id}/raw`, { token: manager() })).status).toBe(200);
  });

  it('officer pages: the postvak with its decisions, and the dossier listing its attachments', async () => {
    const cookie = { cookie: `kf_officer=${manager()}` };
    await send({
      from: 'vraag@example.nl',
      subject: 'Out of office',
      text: 'Ik ben afwezig.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const page = await fetch(`${rt.url}/medewerkers/postvak`, { headers: cookie });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('Out of office');
    expect(body).toContain('Een automatisch bericht');
    expect(body).toContain('Leg vast als klacht');
    const held = (await rt.call('GET', '/inbound-mail?status=held', { token: manager() })).json.items;
    const auto = held.find((h: any) => h.subject === 'Out of office');
    const discard = await fetch(`${rt.url}/medewerkers/postvak/${auto.id}/terzijde`, {
      method: 'POST',
      headers: { ...cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        reason: 'Afwezigheidsmelding',
        _csrf: await formToken(rt, cookie.cookie),
      }).toString(),
      redirect: 'manual',
    });
    expect(discard.status).toBe(303);
    expect((await rt.call('GET', `/inbound-mail/${auto.id}`, { token: manager() })).json.status).toBe('discarded');
    const dossierPage = await (await fetch(`${rt.url}/medewerkers/dossiers/${id}`, { headers: cookie })).text();
    const pdfSha = sentFiles(await dossier(rt, id))[0].sha256;
    const link = new RegExp(`href="(/medewerkers/dossiers/[^"]+/bijlagen/${pdfSha})"`).exec(dossierPage)?.[1];
    expect(dossierPage).toContain('brief van de gemeente.pdf');
    const file = await fetch(`${rt.url}${link}`, { headers: cookie });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('attachment');
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 8)
        .toString(),
    ).toBe('%PDF-1.4');
  });

  it('refuses mail to an address that takes no complaints with 550', async () => {
    const err = await transport
      .sendMail({ from: 'jan@example.nl', to: 'iemand@swtdordrecht.nl', subject: 'x', text: 'x' })
      .then(
        () => undefined,
        (e) => e,
      );
    expect(err?.responseCode).toBe(550);
    expect(err?.response).toContain('klacht@swtdordrecht.nl');
  });
});

describe('complaints by e-mail: officers are told that mail waits in the postvak', () => {
  // Its own runtime and mailbox, so every notice in it is one this test caused.
  let r: TestRuntime;
  let smtp: Transporter;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ rt: r, transport: smtp, stop } = await smtpRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00'));
  });
  afterAll(async () => stop?.());
  const spam = async (n: number) => {
    await smtp.sendMail({
      to: TO,
      from: `"Piet Spam" <piet${n}@example.nl>`,
      subject: `Goedkope pillen ${n}`,
      text: 'Koop nu.',
      headers: { 'X-Spam-Flag': 'YES' },
    });
    await r.advance('PT0S');
  };
  const notices = async () => (await r.mail()).filter((m) => m.subject.startsWith('Postvak:'));

  it('one notice an hour with the count, the oldest day and the link; no sender, subject or text; none for automatic mail', async () => {
    await spam(1);
    await spam(2);
    let sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toBe('Postvak: 1 e-mail wacht op een beslissing');
    // The handler of the rung SWT's e-mail variant starts at: the manager.
    expect(sent[0]?.to).toEqual(['klacht+manager@swtdordrecht.nl']);
    expect(sent[0]?.text).toContain('De oudste is ontvangen op donderdag 3 september 2026.');
    expect(sent[0]?.text).toContain('Dan tellen de termijnen vanaf de ontvangst van de e-mail');
    expect(sent[0]?.text).toContain(`Open het postvak: ${r.url}/medewerkers/postvak`);
    for (const m of sent)
      for (const secret of ['piet1', 'Goedkope pillen', 'Koop nu']) expect(m.text).not.toContain(secret);

    // An hour later an out-of-office reply is held, but tells nobody; the next suspect mail does.
    await r.advance('PT1H');
    await smtp.sendMail({
      to: TO,
      from: 'afwezig@example.nl',
      subject: 'Afwezig',
      text: 'Ik ben er niet.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await r.advance('PT0S');
    expect(await notices()).toHaveLength(1);
    await spam(3);
    sent = await notices();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.subject).toBe('Postvak: 4 e-mails wachten op een beslissing');

    // The worklist says it too, beside the link to the postvak.
    const cookie = await officerCookie(r, 'manager');
    const page = await (await fetch(`${r.url}/medewerkers/werklijst`, { headers: { cookie } })).text();
    // The worklist's sentence, read as text (the count is a link to the postvak).
    expect(page.replace(/<[^>]+>/g, '')).toContain(
      '4 e-mails wachten in het postvak, de oudste sinds donderdag 3 september 2026.',
    );
  });
});

describe('complaints by e-mail: every preset variant that names e-mail', () => {
  // "Done when each channel a seed names ends in the same ladder with correct deadlines": the
  // same complaint by e-mail and through the form, in the same variant, stand at the same step
  // with the same deadlines.
  for (const preset of ['ondersteuningsteam', 'ons-welzijn', 'swt-dordrecht', 'oco-almere', 'so-trainingsbureau']) {
    it(`${preset}: by e-mail and by form end in the same ladder with the same deadlines`, async () => {
      const r = await testRuntime(preset, '2026-09-03T09:00:00+02:00', undefined, { smtpPort: 0 });
      const t = nodemailer.createTransport({ host: '127.0.0.1', port: r.smtp?.port, secure: false, ignoreTLS: true });
      try {
        const officer = Object.values(r.officers)[0] ?? '';
        for (const variant of r.regulation.intake.variants.filter((v) => v.channels.includes('email'))) {
          const to = variant.contact?.email ?? r.regulation.organisation.contact.email ?? '';
          const info = await t.sendMail({
            from: '"Sanne de Vries" <sanne@example.nl>',
            to,
            subject: 'Klacht',
            text: 'Naam: Sanne de Vries\nAdres: Dorpsstraat 1, 1234 AB Oss\n\nMijn begeleider kwam twee afspraken niet na.',
          });
          await r.advance('PT0S');
          const reference = /kenmerk (KL-\d{4}-\d{4})/.exec(info.response ?? '')?.[1];
          expect(reference, `${preset}/${variant.id}: ${info.response}`).toMatch(/^KL-2026-\d{4}$/);
          const items = (await r.call('GET', '/dossiers?limit=200', { token: officer })).json.items;
          const byMail = (
            await r.call('GET', `/dossiers/${items.find((i: any) => i.reference === reference).id}`, {
              token: officer,
            })
          ).json;
          expect(byMail.received).toMatchObject({ channel: 'email', variant: variant.id });
          expect(byMail.incomplete).toEqual([]);
          const web = await r.call('POST', '/complaints', {
            body: {
              complainant: {
                name: 'Sanne de Vries',
                email: 'sanne@example.nl',
                address: { street: 'Dorpsstraat 1', postcode: '1234 AB', city: 'Oss' },
              },
              role: byMail.received.role,
              description: 'Mijn begeleider kwam twee afspraken niet na.',
              variant: variant.id,
              consent: true,
            },
          });
          expect(web.status, web.text).toBe(201);
          await r.advance('PT0S');
          const byForm = (await r.call('GET', `/dossiers/${web.json.id}`, { token: officer })).json;
          expect(byMail.rung, `${preset}/${variant.id}`).toBe(byForm.rung);
          expect(byMail.currentStep?.id, `${preset}/${variant.id}`).toBe(byForm.currentStep?.id);
          const days = (d: any) => d.deadlines.map((x: any) => [x.step, x.lastDay, x.status]);
          expect(days(byMail), `${preset}/${variant.id}`).toEqual(days(byForm));
          // The ladder started (an informal first rung may have no deadline at all: SO!'s mentor).
          expect(byMail.currentStep?.id, `${preset}/${variant.id} started`).toMatch(/^[a-z0-9-]+$/);
          expect(byMail.status).toBe('open');
        }
      } finally {
        t.close();
        await r.stop();
      }
    }, 60_000);
  }
});

describe('complaints by e-mail: what SES tells the handler', () => {
  // The AWS handler calls the same InboundMail.receive with SES's verdicts and message id; here
  // it is called directly on the local runtime's instance.
  let r: TestRuntime;
  beforeAll(async () => {
    r = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => r?.stop());
  const mail = (extra = '') =>
    Buffer.from(
      [
        'From: Jan Jansen <jan@example.nl>',
        'To: klacht@swtdordrecht.nl',
        'Subject: Klacht',
        'MIME-Version: 1.0',
        'Content-Type: text/html; charset=utf-8',
        '',
        `<p>Naam: Jan Jansen<br>Adres: Voorstraat 12, 3311 AB Dordrecht</p><p>Mijn begeleider &amp; ik hadden ruzie.</p>${extra}`,
      ].join('\r\n'),
    );
  const receipt = (id: string, verdicts = {}) => ({
    receiptId: id,
    receivedAt: '2026-09-03T06:59:58.123Z',
    recipients: ['klacht@swtdordrecht.nl'],
    envelopeFrom: 'jan@example.nl',
    verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', ...verdicts },
  });

  it('a retried delivery of the same message makes one dossier; HTML-only mail is read as text', async () => {
    const first = await r.inbound.receive(mail(), receipt('ses-msg-1'));
    const again = await r.inbound.receive(mail(), receipt('ses-msg-1'));
    expect(first.kind).toBe('registered');
    expect(again).toEqual(first);
    await r.advance('PT0S');
    const token = r.officers.manager ?? '';
    const items = (await r.call('GET', '/dossiers?limit=200', { token })).json.items;
    expect(items).toHaveLength(1);
    const d = (await r.call('GET', `/dossiers/${items[0].id}`, { token })).json;
    expect(d.received.receivedAt).toBe('2026-09-03T06:59:58Z');
    expect(d.received.description).toContain('Mijn begeleider & ik hadden ruzie.');
    expect(d.received.description).not.toContain('<');
  });

  it('the same message delivered twice at the same moment makes one dossier', async () => {
    const token = r.officers.manager ?? '';
    const before = (await r.call('GET', '/dossiers?limit=200', { token })).json.items.length;
    const [a, b] = await Promise.all([
      r.inbound.receive(mail(), receipt('ses-msg-twice')),
      r.inbound.receive(mail(), receipt('ses-msg-twice')),
    ]);
    expect(a.kind).toBe('registered');
    expect(b).toEqual(a);
    await r.advance('PT0S');
    expect((await r.call('GET', '/dossiers?limit=200', { token })).json.items).toHaveLength(before + 1);
  });

  it('virus, forged sender and oversized messages are held, never registered', async () => {
    const virus = await r.inbound.receive(mail(), receipt('ses-msg-2', { virus: 'FAIL' }));
    const forged = await r.inbound.receive(mail(), receipt('ses-msg-3', { dmarc: 'FAIL' }));
    const big = await r.inbound.receive(mail('x'.repeat(10 * 1024 * 1024 + 1)), receipt('ses-msg-4'));
    expect(virus).toMatchObject({ kind: 'held', reasons: ['virus'] });
    expect(forged).toMatchObject({ kind: 'held', reasons: ['spoofed'] });
    expect(big).toMatchObject({ kind: 'held', reasons: ['oversized'] });
    const held = (await r.call('GET', '/inbound-mail', { token: r.officers.manager })).json.items;
    expect(held.map((h: any) => h.reasons[0]).sort()).toEqual(['oversized', 'spoofed', 'virus']);
    expect(held.find((h: any) => h.reasons[0] === 'oversized').size).toBeGreaterThan(10 * 1024 * 1024);
  });
});

describe('complaints by e-mail: the SES receiving handler', () => {
  // lambdas/inbound-mail-handler.ts over a fake S3 holding the message and the local runtime's
  // InboundMail: the SES event's message id, receipt time, recipients and verdicts reach the domain.
  let r: TestRuntime;
  beforeAll(async () => {
    r = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => r?.stop());

  it('reads the message SES stored under inbound/<messageId> and registers it, received at SES receipt', async () => {
    const raw = Buffer.from(
      'From: Jan Jansen <jan@example.nl>\r\nTo: klacht@swtdordrecht.nl\r\nSubject: Klacht\r\n\r\nNaam: Jan Jansen\r\nAdres: Voorstraat 12, 3311 AB Dordrecht\r\n\r\nNiemand belde terug.\r\n',
    );
    const asked: string[] = [];
    const s3 = {
      send: async (command: any) => {
        asked.push(`${command.input.Bucket}/${command.input.Key}`);
        return { Body: { transformToByteArray: async () => new Uint8Array(raw) } };
      },
    };
    const { inboundMailHandler } = await import('../lambdas/inbound-mail-handler.js');
    const handle = inboundMailHandler(() => ({ s3: s3 as never, inbound: r.inbound, bucket: 'b', prefix: 'inbound/' }));
    const record = (messageId: string, spam: string) => ({
      ses: {
        mail: { messageId, timestamp: '2026-09-03T06:58:00.000Z', source: 'jan@example.nl' },
        receipt: {
          timestamp: '2026-09-03T06:58:01.000Z',
          recipients: ['klacht@swtdordrecht.nl'],
          spamVerdict: { status: spam },
          virusVerdict: { status: 'PASS' },
          dmarcVerdict: { status: 'PASS' },
        },
      },
    });
    await handle({ Records: [record('abc123', 'PASS'), record('def456', 'FAIL')] });
    await r.advance('PT0S');
    expect(asked).toEqual(['b/inbound/abc123', 'b/inbound/def456']);
    const token = r.officers.manager ?? '';
    const items = (await r.call('GET', '/dossiers?limit=200', { token })).json.items;
    expect(items).toHaveLength(1);
    expect(items[0].receivedAt).toBe('2026-09-03T06:58:01Z');
    const held = (await r.call('GET', '/inbound-mail', { token })).json.items;
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ reasons: ['spam'], rawKey: 'inbound/def456' });
  });
});

describe('complaints by e-mail: klachtflow start --smtp-port', () => {
  const data = () => mkdtempSync(join(tmpdir(), 'kf-smtp-cli-'));
  it('prints the SMTP address and port in the ready message', async () => {
    const child = spawn(
      process.execPath,
      [klachtflowCli(), 'start', '--regulation', 'swt-dordrecht', '--port', '0', '--data', data(), '--smtp-port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    try {
      for (let i = 0; i < 200 && !out.includes('klachten per mail'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/klachten per mail\s+smtp:\/\/127\.0\.0\.1:\d+\s+aan klacht@swtdordrecht\.nl/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 30_000);

  it('refuses a port that is no port (exit 2)', () => {
    const bad = spawnSync(process.execPath, [klachtflowCli(), 'start', '--data', data(), '--smtp-port', 'x'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--smtp-port "x" is geen poortnummer.');
  });

  it('refuses an SMTP port it was asked for that is taken (exit 1), and stops what it started', async () => {
    const blocker = createServer();
    const taken = await new Promise<number>((r) =>
      blocker.listen(0, '127.0.0.1', () => r((blocker.address() as AddressInfo).port)),
    );
    try {
      const args = [klachtflowCli(), 'start', '--port', '0', '--data', data()];
      const r = spawnSync(process.execPath, [...args, '--smtp-port', String(taken)], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`Poort ${taken} is al in gebruik; kies een andere met --smtp-port.`);
    } finally {
      blocker.close();
    }
  }, 30_000);
});
