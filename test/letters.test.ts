/**
 * The letters as they arrive: the HTML part says what the plain part says, laid out to read on a
 * phone, with links to tap and lists as lists, and nothing a person typed can become markup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => {
  await rt.stop();
});

/** The words of an HTML mail, as a reader sees them. */
function words(html: string): string {
  return html
    .replace(/<title>.*?<\/title>/s, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('letters: the HTML part', () => {
  it('is the plain text laid out: same words, heading, lists, links; typed script stays text', async () => {
    const before = rt.mailbox.all().length;
    const r = await rt.call('POST', '/complaints', {
      body: { ...SANNE, description: 'Ze zei <script>alert("x")</script> & <b>meer</b>.' },
    });
    expect(r.status).toBe(201);
    await rt.advance('PT0S');
    const ack = rt.mailbox
      .all()
      .slice(before)
      .find((m) => m.subject.endsWith('ontvangen') || /ontvangen/.test(m.subject));
    expect(ack).toBeDefined();
    const html = ack?.html ?? '';
    expect(html).toMatch(/^<!doctype html><html lang="nl">/);
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('<h1');
    // What the complainant typed is escaped, never markup.
    expect(html).not.toMatch(/<script|<b>/i);
    expect(html).toContain('&lt;script&gt;');
    // Every word of the plain part is in the HTML part, in the same order.
    const plain = (ack?.text ?? '')
      .replace(/^\s*- /gm, '')
      .replace(/\s+/g, ' ')
      .trim();
    expect(words(html)).toContain(plain);
    // Contact e-mail and web addresses in the text become links where they are URLs.
    const urls = (ack?.text ?? '').match(/https?:\/\/\S+/g) ?? [];
    for (const url of urls)
      expect(html).toContain(`<a href="${url.replace(/[.,;:!?)]+$/, '').replace(/&/g, '&amp;')}"`);
  });

  it('turns "- " lines into a list, and URLs into links', async () => {
    const { letterHtml } = await import('../lambdas/domain/letters.js');
    const html = letterHtml(
      rt.regulation,
      '[KL-1] Onderwerp',
      'Intro.\n\nU kunt terecht bij:\n- A\n- B\n\nZie https://example.nl/x?a=1&b=2.',
    );
    expect(html).toContain('<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">Onderwerp</h1>');
    expect(html).toMatch(/<ul[^>]*><li>A<\/li><li>B<\/li><\/ul>/);
    expect(html).toContain(
      '<a href="https://example.nl/x?a=1&amp;b=2" style="color:#0b57d0;word-break:break-all">https://example.nl/x?a=1&amp;b=2</a>.',
    );
  });

  it('carry no bidirectional control a complainant typed: a name or story cannot read backwards in a mail', async () => {
    // "Factuur \u202Egnp.exe" reads "Factuur exe.png" where U+202E is honoured (review of session 11:
    // pages drop these controls; the letters quoted them as typed, to the complainant and to the
    // officer alike).
    const before = rt.mailbox.all().length;
    const r = await rt.call('POST', '/complaints', {
      body: {
        ...SANNE,
        complainant: { ...SANNE.complainant, name: 'Sanne \u2067de Vries\u2069' },
        description: 'Factuur \u202Egnp.exe\u202C bleef liggen \u202Bwaarom\u202C.',
      },
    });
    expect(r.status).toBe(201);
    await rt.advance('PT0S');
    // The mail with a new private link (a lost link) greets by name too.
    const lost = await rt.call('POST', '/complaints/link', {
      body: { reference: r.json.reference, email: SANNE.complainant.email },
    });
    expect(lost.status).toBe(202);
    // The link's mail is sent after the answer (its timing tells nothing): wait for it, 2 s at most.
    const isLink = (m: { subject: string }) => m.subject.endsWith('Uw nieuwe link naar uw klacht');
    for (let i = 0; i < 100 && !rt.mailbox.all().slice(before).some(isLink); i++)
      await new Promise((r) => setTimeout(r, 20));
    const sent = rt.mailbox.all().slice(before);
    expect(sent.some(isLink)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    const bidi = /[\u202A-\u202E\u2066-\u2069]/;
    for (const m of sent) {
      expect(m.subject).not.toMatch(bidi);
      expect(m.text).not.toMatch(bidi);
      expect(m.html ?? '').not.toMatch(bidi);
    }
    // What was typed is still there, in the order it was typed.
    const ack = sent.find((m) => m.text.includes('Beste Sanne de Vries,'));
    expect(ack?.text).toContain('Factuur gnp.exe bleef liggen waarom.');
  });
});
