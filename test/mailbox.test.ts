import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
