/**
 * E-mail intake as an attacker and an unlucky sender use it (issue 14): forged replies, a mail
 * with 900 attachments, bidirectional controls in file names, and a message far over the limit
 * (memory of the runtime process measured before and after). Through the real local SMTP server.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dossier } from './support/ladder.js';
import { startProcess } from './support/process.js';
import { smtpRuntime, type TestRuntime } from './support/runtime.js';

let rt: TestRuntime;
let transport: Transporter;
let stop: () => Promise<void>;
const TO = 'klacht@swtdordrecht.nl';
const manager = () => rt.officers.manager ?? '';

beforeAll(async () => {
  ({ rt, transport, stop } = await smtpRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00'));
});
afterAll(async () => stop?.());

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function send(mail: SendMailOptions): Promise<string> {
  const info = await transport.sendMail({ to: TO, ...mail });
  await rt.advance('PT0S');
  return info.response ?? '';
}

const referenceIn = (response: string) => /kenmerk (KL-\d{4}-\d{4})/.exec(response)?.[1] ?? '';

async function idOf(reference: string): Promise<string> {
  const r = await rt.call('GET', '/dossiers?limit=200', { token: manager() });
  return r.json.items.find((i: { reference: string }) => i.reference === reference)?.id;
}

async function held(text: string) {
  const items = (await rt.call('GET', '/inbound-mail?status=held', { token: manager() })).json.items;
  return items.find((h: { text?: string }) => h.text === text);
}

const COMPLAINT = {
  from: '"Jan Jansen" <jan@example.nl>',
  subject: 'Klacht over mijn begeleider',
  text: 'Naam: Jan Jansen\nAdres: Voorstraat 12, 3311 AB Dordrecht\n\nMijn begeleider kwam drie keer niet.',
};

describe('e-mail: a reply counts as the complainant only when envelope and a single From say so', () => {
  let reference = '';
  let id = '';
  beforeAll(async () => {
    reference = referenceIn(await send(COMPLAINT));
    id = await idOf(reference);
  });

  it.each([
    ['envelope sender another address, From the complainant', { envelope: { from: 'boef@example.com', to: TO } }, 'a'],
    ['two addresses in From', { from: '"Jan Jansen" <jan@example.nl>, boef@example.com' }, 'b'],
    ['two From headers', { raw: true }, 'c'],
  ])('%s: held in the postvak, not in the dossier', async (_, forged, tag) => {
    const text = `Ik trek mijn klacht in (${tag}).`;
    const subject = `Re: [${reference}] Uw klacht`;
    // A second From header only a hand-written message has (nodemailer writes one).
    const mail: SendMailOptions =
      'raw' in forged
        ? {
            envelope: { from: 'jan@example.nl', to: TO },
            raw: [
              'From: "Jan Jansen" <jan@example.nl>',
              'From: boef@example.com',
              `To: ${TO}`,
              `Subject: ${subject}`,
              `Message-ID: <twee-afzenders-${tag}@example.com>`,
              'Content-Type: text/plain; charset=utf-8',
              '',
              text,
            ].join('\r\n'),
          }
        : { from: COMPLAINT.from, subject, text, ...forged };
    const response = await send(mail);
    expect(response).toContain('medewerker bekijkt');
    expect(await held(text)).toMatchObject({ reasons: ['reply-sender-mismatch'], dossierId: id });
    const d = await dossier(rt, id);
    expect(JSON.stringify(d.history)).not.toContain(text);
  });

  it('the genuine reply (envelope and From the complainant) lands in the dossier', async () => {
    const text = 'Nog een aanvulling van mij.';
    const response = await send({ from: COMPLAINT.from, subject: `Re: [${reference}] Uw klacht`, text });
    expect(response).toContain(reference);
    const d = await dossier(rt, id);
    expect(JSON.stringify(d.history)).toContain(text);
  });
});

describe('e-mail: attachments', () => {
  it('a mail with 900 attachments is held for an officer, on every retry the same, and takes no reference', async () => {
    const attachments = Array.from({ length: 900 }, (_, i) => ({
      filename: `bijlage-${i}-${'x'.repeat(180)}.txt`,
      content: `bestand ${i}`,
    }));
    const text = 'Naam: Piet Veel\n\nZie de bijlagen.';
    const before = (await rt.call('GET', '/dossiers?limit=200', { token: manager() })).json.items.length;
    const answers: string[] = [];
    for (let i = 0; i < 2; i++)
      answers.push(await send({ ...COMPLAINT, text, attachments, messageId: '<veel-bijlagen@example.nl>' }));
    expect(answers.every((a) => /^250 .*medewerker bekijkt/.test(a))).toBe(true);
    expect(await held(text)).toMatchObject({ reasons: ['too-many-attachments'] });
    expect((await rt.call('GET', '/dossiers?limit=200', { token: manager() })).json.items.length).toBe(before);
    // The next complaint takes the next number: none was used up by the refused attempts.
    const next = referenceIn(await send({ ...COMPLAINT, from: 'anna@example.nl' }));
    const all = (await rt.call('GET', '/dossiers?limit=200', { token: manager() })).json.items.map(
      (x: { reference: string }) => Number(x.reference.slice(-4)),
    );
    expect(Number(next.slice(-4))).toBe(Math.max(...all.filter((n: number) => n !== Number(next.slice(-4))), 0) + 1);
  });

  it('file names lose bidirectional controls ("gnp.exe" shown as "exe.png")', async () => {
    const response = await send({
      ...COMPLAINT,
      from: 'karin@example.nl',
      attachments: [
        { filename: 'foto\u202Egnp.exe', content: 'MZ' },
        { filename: 'brief\u2067.pdf\u2069', content: '%PDF' },
      ],
    });
    const d = await dossier(rt, await idOf(referenceIn(response)));
    const names = d.attachments.filter(
      (a: { via?: string; contentType: string }) => a.contentType !== 'message/rfc822',
    );
    expect(names.map((a: { filename: string }) => a.filename).sort()).toEqual(['brief.pdf', 'fotognp.exe']);
  });
});

/** Peak resident memory of a process so far (Linux /proc: VmHWM, in MB). */
function peakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

describe('e-mail: a message over the limit', () => {
  it('is refused (552) without being held in memory: the process peak grows by far less than the message', {
    timeout: 180_000,
  }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'kf-smtp-big-'));
    const p = await startProcess(['--regulation', 'swt-dordrecht', '--data', data, '--smtp-port', '0'], children);
    const port = Number(/smtp:\/\/127\.0\.0\.1:(\d+)/.exec(p.log())?.[1]);
    const pid = p.child.pid ?? 0;
    const before = peakMb(pid);
    const MB = 200; // 5 times the 40 MB limit
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      // One command per final reply line: greeting, EHLO, MAIL, RCPT, then DATA's 354 and the end.
      const script = ['EHLO test', 'MAIL FROM:<jan@example.nl>', `RCPT TO:<${TO}>`, 'DATA'];
      let buffer = '';
      let replies = 0;
      socket.setTimeout(120_000, () => reject(new Error(`smtp timeout: ${buffer.slice(-500)}`)));
      socket.on('error', reject);
      // The body streamed in 1 MB chunks with back-pressure: nothing large is held here either.
      const chunk = Buffer.from(`${'x'.repeat(1000)}\r\n`.repeat(1024));
      const body = async () => {
        socket.write('From: jan@example.nl\r\nSubject: groot\r\n\r\n');
        for (let i = 0; i < MB; i++) if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
        socket.write('.\r\n');
      };
      socket.on('data', (d) => {
        buffer += d.toString();
        const lines = buffer.split('\r\n');
        buffer = lines.pop() ?? '';
        for (const line of lines.filter((l) => /^\d{3} /.test(l))) {
          replies++;
          if (replies <= script.length) socket.write(`${script[replies - 1]}\r\n`);
          else if (replies === script.length + 1) void body();
          else {
            resolve(line);
            socket.end();
          }
        }
      });
    });
    const after = peakMb(pid);
    console.info(`smtp ${MB} MB message: peak RSS ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB after`);
    expect(reply).toMatch(/^552 /);
    // Up to the limit (40 MB) is kept while it comes in, and the rest is garbage not yet collected;
    // holding the whole message would add at least its 200 MB.
    expect(after - before).toBeLessThan(120);
  });
});
