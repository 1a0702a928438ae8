/**
 * Complaints first, then their ladders (#19, runtime/intake-priority.ts): a new ladder's first
 * segment waits while a complaint is being received, starts when none is, and never waits longer
 * than its bound, so a stream of complaints that never pauses still gets its acknowledgements.
 */
import { describe, expect, it } from 'vitest';
import { IntakePriority } from '../runtime/intake-priority.js';

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setTimeout(r, 20));
  return done;
};

describe('intake priority', () => {
  it('lets a ladder start at once when no complaint is being received', async () => {
    expect(await settled(new IntakePriority().gate())).toBe(true);
  });

  it('holds a ladder while a complaint is received, and lets it go when the answer is out', async () => {
    const priority = new IntakePriority();
    let answer!: () => void;
    const request = priority.intake(() => new Promise<void>((r) => (answer = r)));
    const gate = priority.gate();
    expect(await settled(gate)).toBe(false);
    expect(priority.pending()).toBe(1);
    answer();
    await request;
    expect(await settled(gate)).toBe(true);
  });

  it('never holds a ladder longer than its bound', async () => {
    const priority = new IntakePriority(50);
    let answer!: () => void;
    const request = priority.intake(() => new Promise<void>((r) => (answer = r)));
    const gate = priority.gate();
    expect(await settled(gate)).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(await settled(gate)).toBe(true);
    // Gone from the waiting list once let go: under steady intake the list does not grow.
    expect(priority.pending()).toBe(0);
    answer();
    await request;
  });

  it('with a quiet period, holds a ladder through a burst whose next complaint comes right after an answer', async () => {
    const priority = new IntakePriority(30_000, 60);
    let answerFirst!: () => void;
    const first = priority.intake(() => new Promise<void>((r) => (answerFirst = r)));
    const gate = priority.gate();
    answerFirst();
    await first;
    // The next complaint of the burst arrives 10 ms after the last answer went out.
    await new Promise((r) => setTimeout(r, 10));
    expect(priority.pending()).toBe(1);
    let answerSecond!: () => void;
    const second = priority.intake(() => new Promise<void>((r) => (answerSecond = r)));
    // The first quiet period ends while the second is received: the ladder still waits.
    expect(await settled(gate)).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(await settled(gate)).toBe(false);
    answerSecond();
    await second;
    // A ladder started meanwhile waits for the quiet period too, then both go.
    const later = priority.gate();
    expect(await settled(later)).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(await settled(gate)).toBe(true);
    expect(await settled(later)).toBe(true);
    expect(await settled(priority.gate())).toBe(true);
  });

  it('counts only the routes that receive a complaint (a page that waits for a ladder never holds one)', () => {
    expect(IntakePriority.isIntake('POST', '/complaints')).toBe(true);
    expect(IntakePriority.isIntake('POST', '/klacht-indienen')).toBe(true);
    expect(IntakePriority.isIntake('GET', '/medewerkers/dossiers/x')).toBe(false);
    expect(IntakePriority.isIntake('POST', '/dossiers/x/actions')).toBe(false);
  });
});
