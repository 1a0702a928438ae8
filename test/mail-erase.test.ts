/**
 * A complaint by e-mail keeps its original mail and attachments as files beside the dossier. At the
 * end of the retention period after closure they go with the rest of the personal data (AVG art.
 * 5 lid 1 onder e: not kept longer than needed), locally as in S3.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpRuntime, type TestRuntime } from './support/runtime.js';

let rt: TestRuntime;
let transport: Transporter;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ rt, transport, stop } = await smtpRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00'));
});
afterAll(async () => stop?.());

describe('complaints by e-mail: retention', () => {
  it('erasing the dossier removes the original mail and its attachments', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% verslag van het gesprek\n');
    const info = await transport.sendMail({
      from: '"Jan Jansen" <jan@example.nl>',
      to: 'klacht@swtdordrecht.nl',
      subject: 'Klacht over mijn begeleider',
      text: 'Naam: Jan Jansen\nAdres: Voorstraat 12, 3311 AB Dordrecht\n\nMijn begeleider kwam drie keer niet.',
      attachments: [{ filename: 'verslag.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    await rt.advance('PT0S');
    const reference = /kenmerk (KL-\d{4}-\d{4})/.exec(info.response ?? '')?.[1] as string;
    expect(reference).toMatch(/^KL-2026-\d{4}$/);
    const officer = rt.officers.manager ?? '';
    const list = await rt.call('GET', '/dossiers?limit=50', { token: officer });
    const id = list.json.items.find((i: any) => i.reference === reference).id as string;
    const d = await rt.call('GET', `/dossiers/${id}`, { token: officer });
    const files = d.json.attachments as { key: string; filename: string; sha256: string }[];
    expect(files.map((f) => f.filename).sort()).toEqual(['oorspronkelijke-mail.eml', 'verslag.pdf']);
    for (const f of files) expect(existsSync(join(rt.dataDir, 'files', f.key)), f.key).toBe(true);
    const eml = files.find((f) => f.filename.endsWith('.eml'));
    const original = await rt.call('GET', `/dossiers/${id}/attachments/${eml?.sha256}`, { token: officer });
    expect(original.status).toBe(200);
    expect(original.text).toContain('Mijn begeleider kwam drie keer niet.');

    // The complainant withdraws with the link mailed to them; two years later the data goes.
    const linkMail = (await rt.mail()).find((m) => m.subject.startsWith(`[${reference}]`) && /link/i.test(m.subject));
    const token = new RegExp(`/klacht/${id}/([A-Za-z0-9_-]+)`).exec(linkMail?.text ?? '')?.[1];
    const withdrawn = await rt.call('POST', `/complaints/${id}/withdraw`, { token, body: { reason: 'Opgelost.' } });
    expect(withdrawn.status).toBe(200);
    await rt.advance('P1D');
    for (const f of files) expect(existsSync(join(rt.dataDir, 'files', f.key)), f.key).toBe(true);
    await rt.advance('P2Y1M');
    const after = await rt.call('GET', `/dossiers/${id}`, { token: officer });
    // Erased at the end of the retention period, which the dossier named in advance.
    expect(Date.parse(after.json.erasedAt)).toBeGreaterThanOrEqual(Date.parse(after.json.retentionUntil));
    for (const f of files) expect(existsSync(join(rt.dataDir, 'files', f.key)), f.key).toBe(false);
    const gone = await rt.call('GET', `/dossiers/${id}/attachments/${eml?.sha256}`, { token: officer });
    expect(gone.status).toBe(404);
  });

  it('a discarded mail is kept ninety days, then its content and file are erased; the decision stays', async () => {
    const officer = rt.officers.manager ?? '';
    await transport.sendMail({
      from: '"Prijzen" <winnaar@example.com>',
      to: 'klacht@swtdordrecht.nl',
      subject: 'U heeft gewonnen',
      text: 'Klik hier om uw prijs op te halen.',
      headers: { 'X-Spam-Flag': 'YES' },
    });
    await rt.advance('PT0S');
    const held = (await rt.call('GET', '/inbound-mail?status=held', { token: officer })).json.items;
    const spam = held.find((h: any) => h.subject === 'U heeft gewonnen');
    expect(spam).toMatchObject({ status: 'held', reasons: ['spam'] });
    const discarded = await rt.call('POST', `/inbound-mail/${spam.id}/discard`, {
      token: officer,
      body: { reason: 'Reclame, geen klacht.' },
    });
    expect(discarded.status, discarded.text).toBe(200);
    expect((await rt.call('GET', `/inbound-mail/${spam.id}/raw`, { token: officer })).status).toBe(200);
    await rt.advance('P89D');
    expect((await rt.call('GET', `/inbound-mail/${spam.id}`, { token: officer })).json.text).toContain('prijs');
    await rt.advance('P2D');
    const after = (await rt.call('GET', `/inbound-mail/${spam.id}`, { token: officer })).json;
    expect(after).toMatchObject({ status: 'discarded', decision: { reason: 'Reclame, geen klacht.' } });
    // Erased when the schedule fired: 90 days after the decision, on the runtime's clock.
    const decidedAt = Date.parse(discarded.json.decision.at);
    expect(Date.parse(after.erasedAt)).toBeGreaterThanOrEqual(decidedAt + 90 * 86_400_000);
    expect(Date.parse(after.erasedAt)).toBeLessThanOrEqual(rt.clock.now().getTime());
    expect(after.text).toBeUndefined();
    expect(after.subject).toBeUndefined();
    expect(after.from).toBeUndefined();
    expect(existsSync(join(rt.dataDir, 'files', spam.rawKey))).toBe(false);
    expect((await rt.call('GET', `/inbound-mail/${spam.id}/raw`, { token: officer })).status).toBe(404);
  });
});
