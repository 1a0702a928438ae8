/**
 * The local SES SendEmail (runtime/aws-endpoint.ts sendEmail) does less for the ordinary letter (#19,
 * session 17): the 10 MB check counts UTF-8 bytes only when the text could be that long, and the
 * events SES would publish are worked out only when a recipient is one of SES's mailbox simulator
 * addresses. The judges: the byte count itself, at the limit, in characters of one, two and three
 * bytes; and the events published for any recipients are the events simulatedMailEvents works out for
 * the same message (its random ids named by order), none for ordinary recipients. Seeded (FC_SEED).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LocalEmail, sendEmail, simulatedMailEvents } from '../runtime/aws-endpoint.js';
import { RuntimeClock } from '../runtime/clock.js';
import { LocalMailbox } from '../runtime/mailbox.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
const MAX = 10 * 1024 * 1024;

const services = (published: Record<string, unknown>[] = []) => ({
  mailbox: new LocalMailbox(
    join(mkdtempSync(join(tmpdir(), 'kf-ses-')), 'mail.jsonl'),
    new RuntimeClock('manual', 1, new Date('2026-12-04T09:00:00Z')),
    { letters: 'counted' },
  ),
  publishMailEvent: (e: Record<string, unknown>) => published.push(e),
});
const email = (over: Partial<LocalEmail>): LocalEmail => ({
  from: 'klachten@example.nl',
  to: ['klager@example.nl'],
  cc: [],
  subject: 'Ontvangstbevestiging',
  text: 'Tekst',
  html: '<p>Tekst</p>',
  tags: [],
  ...over,
});
const refused = (m: LocalEmail) => {
  try {
    sendEmail(services(), m);
    return false;
  } catch (e) {
    expect((e as Error).name).toBe('MessageRejected');
    return true;
  }
};

describe('local SES SendEmail', () => {
  it('refuses a message of more than 10 MB in UTF-8 bytes, and only such a message', () => {
    // [character, its UTF-8 bytes]: the ASCII letter, é, € and an astral character (two UTF-16 units).
    for (const [ch, bytes] of [
      ['a', 1],
      ['é', 2],
      ['€', 3],
      ['𝄞', 4],
    ] as const) {
      const fits = Math.floor((MAX - 10) / bytes);
      // The subject and the text count too: 4 + 6 bytes beside the html.
      expect(refused(email({ subject: 'abcd', text: 'abcdef', html: ch.repeat(fits) }))).toBe(fits * bytes + 10 > MAX);
      expect(refused(email({ subject: 'abcd', text: 'abcdef', html: ch.repeat(fits + 1) }))).toBe(true);
      expect(refused(email({ subject: 'abcd', text: ch.repeat(fits), html: '' }))).toBe(fits * bytes + 4 > MAX);
    }
  });

  it('publishes the events simulatedMailEvents works out, and none for ordinary recipients', () => {
    const address = fc.oneof(
      fc.constantFrom('klager@example.nl', 'Bounce@example.nl', 'bounce@simulator.amazonses.com.nl'),
      fc
        .tuple(
          fc.constantFrom('bounce', 'complaint', 'suppressionlist', 'BOUNCE', 'success', 'ooto'),
          fc.constantFrom('', '+1', '+brief-2'),
          fc.constantFrom('@simulator.amazonses.com', '@SIMULATOR.amazonses.com', '@example.nl'),
        )
        .map(([a, b, c]) => `${a}${b}${c}`),
    );
    fc.assert(
      fc.property(
        fc.array(address, { minLength: 1, maxLength: 4 }),
        fc.array(address, { maxLength: 2 }),
        fc.boolean(),
        (to, cc, configured) => {
          const published: Record<string, unknown>[] = [];
          const s = services(published);
          const m = email({
            to,
            cc,
            tags: [{ Name: 'klachtflow-letter', Value: 'brief-1' }],
            ...(configured ? { configurationSet: 'klachtflow' } : {}),
          });
          const messageId = sendEmail(s, m);
          const expected = configured
            ? simulatedMailEvents({
                messageId,
                from: m.from,
                to,
                configurationSet: 'klachtflow',
                tags: { 'klachtflow-letter': 'brief-1' },
                sentAt: '2026-12-04T09:00:00.000Z',
              })
            : [];
          // Random ids (the event's, a feedback id) named by order of appearance.
          const named = (events: unknown[]) => {
            const ids = new Map<string, string>();
            return JSON.stringify(events).replace(
              /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
              (id) => {
                if (!ids.has(id)) ids.set(id, `<uuid ${ids.size + 1}>`);
                return ids.get(id) as string;
              },
            );
          };
          expect(named(published)).toBe(named(expected));
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });
});
