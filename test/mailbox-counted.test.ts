/**
 * A mailbox that counts its letters and keeps none (runtime/mailbox.ts `letters: 'counted'`; the
 * simulation without --dump, whose folder and its 40 KB of letters a complaint are thrown away
 * unread; #19, session 17). The judge is the mailbox that keeps every letter in its file: for any
 * sequence of letters, sent again or not, with or without a key, the same message id for each
 * delivery and the same count at every moment; nothing is written; and asking for the letters is
 * refused, not answered with an empty list. Seeded (FC_SEED replays).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuntimeClock } from '../runtime/clock.js';
import { LocalMailbox, REMEMBERED_LETTERS } from '../runtime/mailbox.js';
import { testRuntime } from './support/runtime.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);

const letter = (key: string | undefined, messageId: string) => ({
  ...(key === undefined ? {} : { key }),
  messageId,
  from: 'klachten@example.nl',
  to: ['klager@example.nl'],
  cc: [],
  subject: `Brief ${key ?? '-'}`,
  text: 'Tekst',
  html: '<p>Tekst</p>',
});

describe('local mailbox that counts its letters', () => {
  it('gives each delivery the message id and the count the kept mailbox gives, and writes nothing', () => {
    const clock = new RuntimeClock('manual', 1, new Date('2026-11-23T09:00:00Z'));
    // A few keys sent again and again, beyond the keys remembered at times, and keyless letters.
    const send = fc.record({
      key: fc.option(fc.integer({ min: 0, max: REMEMBERED_LETTERS + 40 }), { nil: undefined, freq: 5 }),
    });
    fc.assert(
      fc.property(fc.array(send, { maxLength: 700 }), fc.boolean(), (sends, buffered) => {
        const keptDir = mkdtempSync(join(tmpdir(), 'kf-mailbox-kept-'));
        const countedDir = mkdtempSync(join(tmpdir(), 'kf-mailbox-counted-'));
        try {
          const kept = new LocalMailbox(join(keptDir, 'mail.jsonl'), clock, { buffered });
          const counted = new LocalMailbox(join(countedDir, 'mail.jsonl'), clock, { buffered, letters: 'counted' });
          sends.forEach(({ key }, i) => {
            const k = key === undefined ? undefined : `k${key}`;
            expect(counted.messageIdOf(k ?? '')).toBe(kept.messageIdOf(k ?? ''));
            const a = kept.deliver(letter(k, `id-${i}`));
            const b = counted.deliver(letter(k, `id-${i}`));
            expect(b.messageId).toBe(a.messageId);
            expect(b.sentAt).toBe(a.sentAt);
            if (i % 97 === 0) expect(counted.size()).toBe(kept.size());
          });
          expect(counted.size()).toBe(kept.size());
          expect(counted.size()).toBe(kept.all().length);
          expect(counted.remembered()).toBe(kept.remembered());
          expect(readdirSync(countedDir)).toEqual([]);
          expect(() => counted.all()).toThrow(/niet bewaard|not kept/);
        } finally {
          // Forty runs of up to 700 letters each: not left in the machine's temporary folder.
          rmSync(keptDir, { recursive: true, force: true });
          rmSync(countedDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40, seed: SEED },
    );
  });

  it('a runtime that counts its letters says so on /local/mail (JSON, as its other errors) and /local/mailbox (a page): 409, never an empty list', async () => {
    const rt = await testRuntime('ons-welzijn', undefined, undefined, { letters: 'counted' });
    try {
      const mail = await rt.call('GET', '/local/mail');
      expect(mail.status).toBe(409);
      expect(mail.json).toEqual({ error: { message: expect.stringMatching(/telt de brieven alleen/), issues: [] } });
      const page = await fetch(`${rt.url}/local/mailbox`);
      expect(page.status).toBe(409);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toMatch(/<h1>Brievenbus<\/h1>.*telt de brieven alleen/s);
    } finally {
      await rt.stop();
      rmSync(rt.dataDir, { recursive: true, force: true });
    }
  });

  it('a new mailbox file is counted as it is written, and a restart counts the file', () => {
    const clock = new RuntimeClock('manual', 1, new Date('2026-11-23T09:00:00Z'));
    const file = join(mkdtempSync(join(tmpdir(), 'kf-mailbox-')), 'mail.jsonl');
    const box = new LocalMailbox(file, clock, { buffered: true });
    expect(box.size()).toBe(0);
    for (let i = 0; i < 5; i++) box.deliver(letter(`k${i % 3}`, `id-${i}`));
    expect(box.size()).toBe(3);
    expect(existsSync(file)).toBe(true);
    const reopened = new LocalMailbox(file, clock);
    expect(reopened.size()).toBe(3);
    reopened.deliver(letter('k9', 'id-9'));
    expect(reopened.size()).toBe(reopened.all().length);
  });
});
