/**
 * The complainant's name in a letter's greeting never becomes a link (issue 14): a name typed as
 * "www.evil.nl", "http://evil.nl/x" or "jan@evil.nl" was linked by our own HTML and would be by a
 * mail client's autolinker. Judged by linkify-it (the autolinker markdown-it uses), on each text
 * node of the greeting and on its text joined, as clients that strip tags see it.
 */
import { linkifyit } from 'linkify-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
});
afterAll(async () => rt?.stop());

// As eager as a mail client: bare domains, www. and addresses without a scheme.
const linkify = linkifyit({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true });
const decode = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('letters: the greeting links nothing', () => {
  it.each([
    ['www.evil.nl', 1],
    ['http://evil.nl/inloggen', 2],
    ['jan@evil.nl', 3],
    ['Jan (zie evil.com)', 4],
  ])('%s', async (name, n) => {
    const r = await rt.call('POST', '/complaints', {
      body: { ...SANNE, complainant: { ...SANNE.complainant, name, email: `klager${n}@example.nl` } },
    });
    expect(r.status).toBe(201);
    await rt.advance('PT0S');
    const mail = (await rt.call('GET', '/local/mail')).json as { subject: string; html: string; to: string[] }[];
    const ack = mail.find((m) => /ontvangen/.test(m.subject) && m.to.includes(`klager${n}@example.nl`));
    const html = ack?.html ?? '';
    const greeting = /<p[^>]*>(Beste .*?)(?:<br>|<\/p>)/.exec(html)?.[1] ?? '';
    expect(decode(greeting.replace(/<[^>]+>/g, '')).replace(/\u200b/g, '')).toBe(`Beste ${name},`);
    expect(greeting).not.toMatch(/<a\b/);
    const nodes = greeting.split(/<[^>]+>/).map(decode);
    expect(nodes.flatMap((n) => linkify.match(n) ?? []).map((m) => m.text)).toEqual([]);
    expect(linkify.match(nodes.join('')) ?? []).toEqual([]);
  });
});
