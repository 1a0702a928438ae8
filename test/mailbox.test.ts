import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuntimeClock } from '../runtime/clock.js';
import { LocalMailbox, REMEMBERED_LETTERS } from '../runtime/mailbox.js';

const letter = (key: string) => ({
  key,
  messageId: `id-${key}`,
  from: 'klachten@example.nl',
  to: ['klager@example.nl'],
  cc: [],
  subject: `Brief ${key}`,
  text: 'Tekst',
  html: '<p>Tekst</p>',
});

describe('local mailbox on disk', () => {
  it('a line torn by a kill mid-append is dropped and the next letter starts on its own line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kf-mailbox-')), 'mail.jsonl');
    const clock = new RuntimeClock('manual', 1, new Date('2026-11-23T09:00:00Z'));
    new LocalMailbox(file, clock).deliver(letter('a'));
    // What a SIGKILL in the middle of appendFileSync leaves: half a JSON line, no newline.
    appendFileSync(file, JSON.stringify({ ...letter('b'), sentAt: clock.now().toISOString() }).slice(0, 40));

    const reopened = new LocalMailbox(file, clock);
    expect(reopened.all().map((m) => m.key)).toEqual(['a']);
    reopened.deliver(letter('b'));

    const again = new LocalMailbox(file, clock);
    expect(again.all().map((m) => m.key)).toEqual(['a', 'b']);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('a broken line before the last is corruption, not a torn append, and is refused', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kf-mailbox-')), 'mail.jsonl');
    const clock = new RuntimeClock('manual', 1, new Date('2026-11-23T09:00:00Z'));
    appendFileSync(file, `{"key":\n${JSON.stringify({ ...letter('a'), sentAt: clock.now().toISOString() })}\n`);
    expect(() => new LocalMailbox(file, clock)).toThrow(SyntaxError);
  });

  it('remembers the latest letters, not every letter ever sent (#19: flat memory), also after a restart', () => {
    // Prepare: more letters than are remembered.
    const file = join(mkdtempSync(join(tmpdir(), 'kf-mailbox-')), 'mail.jsonl');
    const clock = new RuntimeClock('manual', 1, new Date('2026-11-23T09:00:00Z'));
    const box = new LocalMailbox(file, clock);
    const n = REMEMBERED_LETTERS + 500;
    for (let i = 0; i < n; i++) box.deliver(letter(`k${i}`));
    // Act: the latest letter sent again (a crash while it was being sent), here and after a restart.
    const again = box.deliver({ ...letter(`k${n - 1}`), messageId: 'other' });
    const reopened = new LocalMailbox(file, clock);
    const afterRestart = reopened.deliver({ ...letter(`k${n - 2}`), messageId: 'other' });
    // Assess: delivered once, with its first message id; memory holds the latest keys only; the
    // file keeps every letter.
    expect(again.messageId).toBe(`id-k${n - 1}`);
    expect(afterRestart.messageId).toBe(`id-k${n - 2}`);
    expect(box.remembered()).toBe(REMEMBERED_LETTERS);
    expect(reopened.remembered()).toBeLessThanOrEqual(REMEMBERED_LETTERS);
    expect(reopened.all()).toHaveLength(n);
  });

  // size() counts the file's lines as bytes instead of reading it whole and parsing every message
  // (#19: a simulated year's mailbox, 400 MB at 10 000 complaints, was read only to be counted).
  // The judge is all(), which parses: the count must be the number of messages it returns.
  it('counts the messages all() reads, for arbitrary letters, blank lines and a torn last line', () => {
    const clock = new RuntimeClock('manual', 1, new Date('2026-11-23T09:00:00Z'));
    // Any Unicode (newlines, white space of every kind, astral characters), long enough at times
    // to cross the megabyte the count reads at a time.
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('\n', '\u00a0', '\u2028', '\ufeff', ' \t'),
      fc
        .tuple(fc.string({ unit: 'binary', maxLength: 4 }), fc.integer({ min: 1, max: 120_000 }))
        .map(([t, n]) => t.repeat(n)),
    );
    const part = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constant('letter' as const), text) },
      // What all() skips: lines of nothing but white space, ASCII or not.
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('blank' as const), fc.constantFrom('', ' ', '\t\r', '\u00a0', '\u3000 ')),
      },
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), fc.boolean(), (parts, torn) => {
        const file = join(mkdtempSync(join(tmpdir(), 'kf-mailbox-')), 'mail.jsonl');
        const box = new LocalMailbox(file, clock);
        parts.forEach(([kind, t], i) => {
          if (kind === 'letter') box.deliver({ ...letter(`k${i}`), subject: t.slice(0, 200), text: t });
          else appendFileSync(file, `${t}\n`);
        });
        // A kill in the middle of an append: half a line, no newline (the next start cuts it off).
        if (torn) appendFileSync(file, JSON.stringify(letter('torn')).slice(0, 30));
        const fresh = new LocalMailbox(file, clock);
        expect(fresh.size()).toBe(fresh.all().length);
        // Counted once, then kept up to date by deliver().
        fresh.deliver(letter('next'));
        expect(fresh.size()).toBe(fresh.all().length);
      }),
      { numRuns: 120, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });

  it('counts across the megabytes it reads at a time', () => {
    const clock = new RuntimeClock('manual', 1, new Date('2026-11-23T09:00:00Z'));
    const file = join(mkdtempSync(join(tmpdir(), 'kf-mailbox-')), 'mail.jsonl');
    const box = new LocalMailbox(file, clock);
    // Lines that end just before, at and after each megabyte boundary, and one that spans two.
    for (const [i, n] of [1_048_400, 150, 1_048_560, 3, 2_500_000, 10].entries())
      box.deliver({ ...letter(`k${i}`), text: 'é'.repeat(n / 2) });
    appendFileSync(file, '\u00a0\n \n');
    const fresh = new LocalMailbox(file, clock);
    expect(fresh.size()).toBe(6);
    expect(fresh.all()).toHaveLength(6);
  });
});

// A runtime that keeps nothing for a restart (the simulation) writes its mailbox in batches (#19,
// session 10). The judge is the unbuffered mailbox, one append per message: at every read, the
// same messages, the same count, the same message id for a letter sent again, and in the end the
// same file, byte for byte.
describe('local mailbox, buffered', () => {
  it('shows what the unbuffered mailbox shows at every read, and writes the same file', () => {
    const clock = new RuntimeClock('manual', 1, new Date('2026-11-23T09:00:00Z'));
    const op = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('deliver' as const),
          // A handful of keys: some letters are sent again.
          key: fc.integer({ min: 0, max: 6 }),
          // At times long enough to fill the buffer at once.
          text: fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 30 }),
            fc.integer({ min: 1, max: 700_000 }).map((n) => 'é'.repeat(n)),
          ),
        }),
      },
      { weight: 1, arbitrary: fc.constantFrom({ kind: 'all' as const }, { kind: 'size' as const }) },
      { weight: 1, arbitrary: fc.constantFrom({ kind: 'flush' as const }, { kind: 'reopen' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 14 }), (ops) => {
        const dir = mkdtempSync(join(tmpdir(), 'kf-mailbox-'));
        const plainFile = join(dir, 'plain.jsonl');
        const bufferedFile = join(dir, 'buffered.jsonl');
        let plain = new LocalMailbox(plainFile, clock);
        let buffered = new LocalMailbox(bufferedFile, clock, { buffered: true });
        ops.forEach((o, i) => {
          if (o.kind === 'deliver') {
            const m = { ...letter(`k${o.key}`), messageId: `id-${i}`, text: o.text };
            expect(buffered.deliver(m)).toEqual(plain.deliver(m));
          } else if (o.kind === 'all') expect(buffered.all()).toEqual(plain.all());
          else if (o.kind === 'size') expect(buffered.size()).toBe(plain.size());
          else if (o.kind === 'flush') buffered.flush();
          else {
            // A restart after flushing, as the runtime's stop() does.
            buffered.flush();
            plain = new LocalMailbox(plainFile, clock);
            buffered = new LocalMailbox(bufferedFile, clock, { buffered: true });
          }
          for (const k of [0, 1, 2, 3, 4, 5, 6]) expect(buffered.messageIdOf(`k${k}`)).toBe(plain.messageIdOf(`k${k}`));
        });
        buffered.flush();
        const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
        expect(read(bufferedFile)).toBe(read(plainFile));
      }),
      { numRuns: 80, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });
});
