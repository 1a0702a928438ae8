/**
 * The postvak without a MIME parser (#19). In AWS the API's postvak routes decide on held mail and
 * the SES-receiving function reads it; the parser (mailparser with iconv-lite's code pages, about
 * 1 MiB) is only in the latter. So what a decision needs is read when the mail is held: sender,
 * subject, text, and the attachments kept as files. Here the mail comes in through the runtime
 * (with the parser), and an InboundMail built as the API builds it (no parser) registers it.
 */

import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore } from '../lambdas/adapters/dynamodb-store.js';
import { InboundMail } from '../lambdas/domain/inbound-mail.js';
import type { Mail } from '../lambdas/domain/ports.js';
import { FileAttachmentStore } from '../runtime/file-attachments.js';
import { dossier } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
let api: InboundMail;
let files: FileAttachmentStore;
const sent: Mail[] = [];

beforeAll(async () => {
  rt = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00');
  const { dynamodb, region, tableName } = rt.endpoints;
  const client = new DynamoDBClient({
    endpoint: dynamodb,
    region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  files = new FileAttachmentStore(join(rt.dataDir, 'files'));
  // What lambdas/aws-inbound.ts builds for the API: no `parse`.
  api = new InboundMail({
    regulation: rt.regulation,
    procedure: rt.procedure,
    store: new DynamoDossierStore(client, tableName),
    attachments: files,
    mailer: {
      send: async (m) => {
        sent.push(m);
        return { messageId: `m${sent.length}` };
      },
    },
    clock: rt.clock,
    statusUrl: (id, token) => `https://klachten.example.nl/klacht/${id}/${token}`,
    postvakUrl: 'https://klachten.example.nl/medewerkers/postvak',
  });
});
afterAll(async () => rt?.stop());

const PDF = Buffer.from('%PDF-1.4 verslag van het gesprek\n');
const raw = (id: string, spam: boolean) =>
  new TextEncoder().encode(
    [
      'From: Jan de Wit <jan@example.nl>',
      `To: klacht@swtdordrecht.nl`,
      `Subject: Klacht over mijn begeleider ${id}`,
      `Message-ID: <${id}@example.nl>`,
      ...(spam ? ['X-Spam-Flag: YES'] : []),
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="grens"',
      '',
      '--grens',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Mijn begeleider kwam twee keer niet. Ik ben er ontevreden over, dat is =E9=E9n ding.',
      '--grens',
      'Content-Type: application/pdf; name="verslag.pdf"',
      'Content-Disposition: attachment; filename="verslag.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      PDF.toString('base64'),
      '--grens--',
      '',
    ].join('\r\n'),
  );
const receipt = (id: string) => ({
  receiptId: id,
  receivedAt: '2026-09-03T07:00:00Z',
  recipients: ['klacht@swtdordrecht.nl'],
  envelopeFrom: 'jan@example.nl',
});
const officer = () => ({ kind: 'officer' as const, sub: 'manager@local', roles: ['manager'] });

describe('postvak: decisions without the MIME parser', () => {
  it('cannot read mail itself: only the receiving function can', async () => {
    await expect(api.receive(raw('zonder', false), receipt('zonder'))).rejects.toThrow(/MIME parser/);
  });

  it('registers a held mail with its text (a code page decoded when it came) and its attachment', async () => {
    const held = await rt.inbound.receive(raw('spam-1', true), receipt('spam-1'));
    expect(held.kind).toBe('held');
    if (held.kind !== 'held') return;
    const out = await api.registerHeld(held.heldId, officer(), { name: 'Jan de Wit' });
    const d = await dossier(rt, out.dossierId);
    expect(d.channel ?? d.received?.channel ?? 'email').toBe('email');
    expect(JSON.stringify(d)).toContain('dat is één ding');
    const pdf = d.attachments.find((a: { filename: string }) => a.filename === 'verslag.pdf');
    expect(pdf).toMatchObject({ contentType: 'application/pdf', size: PDF.byteLength });
    expect(Buffer.from((await files.get(pdf.key)) ?? new Uint8Array()).equals(PDF)).toBe(true);
    expect(d.attachments.some((a: { contentType: string }) => a.contentType === 'message/rfc822')).toBe(true);
  });

  it('a discarded held mail: ninety days on, its raw message and its kept attachments are erased', async () => {
    const held = await rt.inbound.receive(raw('spam-2', true), receipt('spam-2'));
    if (held.kind !== 'held') throw new Error('not held');
    const item = await api.get(held.heldId);
    const keys = (item.files ?? []).map((f) => f.key);
    expect(keys.length).toBe(2);
    for (const k of keys) expect(await files.get(k)).toBeDefined();
    await api.discardHeld(held.heldId, officer(), 'Reclame.');
    await rt.advance('P91D');
    for (const k of keys) expect(await files.get(k)).toBeUndefined();
    const after = await api.get(held.heldId);
    expect(after.files).toBeUndefined();
    expect(after.erasedAt).toBeDefined();
  });
});
