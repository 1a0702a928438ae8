/**
 * The calendar's instants in Europe/Amsterdam (lambdas/domain/calendar/zone.ts, deadline.ts) are
 * read from a table of each year's offsets that Temporal gives once, not computed by the Temporal
 * polyfill per instant (#19, session 15). The judge is Temporal itself, computed here afresh on
 * every call, written out in this file: the date of an instant, the last second of a day and a
 * reminder's 09:00. Over an instant every 97 minutes of 2025 to 2028, every minute from three hours before
 * to three hours after both clock changes of 2026, 2027, 2030 and 2037, every day of 2020 to 2035
 * (Dec 31 and Jan 1, where the table gives way to Temporal, among them), and instants and days from
 * 1900 to 2300 (outside the table's years). A deadline's Atw move is held to the one that counted
 * every day of the term (art. 2) over terms from one day to twelve weeks around Easter, Pentecost,
 * Christmas and Koningsdag.
 */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  atwMove,
  computeDeadline,
  endOfDay,
  endOfDayAfresh,
  localDate,
  localDateAfresh,
  reminderInstant,
  reminderInstantAfresh,
} from '../lambdas/domain/calendar/deadline.js';
import { atwHoliday, isWeekend } from '../lambdas/domain/calendar/holidays.js';
import type { Term } from '../lambdas/domain/calendar/term.js';
import { amsterdamInstant, amsterdamOffset } from '../lambdas/domain/calendar/zone.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
const ZONE = 'Europe/Amsterdam';

/** Temporal's own answers, afresh each time. */
const dateOf = (ms: number) =>
  Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(ZONE).toPlainDate().toString();
const offsetOf = (ms: number) =>
  Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(ZONE).offsetNanoseconds / 1e6;
const instantOf = (day: string, time: string) =>
  Temporal.PlainDate.from(day).toZonedDateTime({ timeZone: ZONE, plainTime: time }).toInstant().toString();
const written = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

const CHANGES = [2026, 2027, 2030, 2037].flatMap((y) => {
  // The last Sundays of March and October, at 01:00 UTC (EU summer time): where Temporal says.
  const lastSunday = (month: number) => {
    const d = new Date(Date.UTC(y, month + 1, 0));
    return Date.UTC(y, month, d.getUTCDate() - d.getUTCDay(), 1);
  };
  return [lastSunday(2), lastSunday(9)];
});

describe('calendar zone: the offset and the date of an instant, as Temporal gives them', () => {
  it('knows the clock changes where Temporal has them', () => {
    for (const at of CHANGES) {
      expect(offsetOf(at - 1000)).not.toBe(offsetOf(at));
      expect(amsterdamOffset(at - 1)).toBe(offsetOf(at - 1));
      expect(amsterdamOffset(at)).toBe(offsetOf(at));
    }
  });

  it('gives an instant every 97 minutes of 2025 to 2028 (every time of day in turn) the offset and date Temporal gives', () => {
    const differ: string[] = [];
    for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2029, 0, 1); ms += 97 * 60_000) {
      const expected = dateOf(ms);
      if (amsterdamOffset(ms) !== offsetOf(ms) || localDate(written(ms)).toString() !== expected)
        differ.push(written(ms));
    }
    expect(differ.slice(0, 5)).toEqual([]);
  });

  it('gives every minute around both clock changes the date Temporal gives, in UTC and with offsets', () => {
    const differ: string[] = [];
    for (const change of CHANGES)
      for (let ms = change - 3 * 3_600_000; ms <= change + 3 * 3_600_000; ms += 60_000) {
        const expected = dateOf(ms);
        const local = (minutes: number, zone: string) =>
          `${new Date(ms + minutes * 60_000).toISOString().slice(0, 19)}${zone}`;
        for (const at of [written(ms), local(120, '+02:00'), local(60, '+01:00'), local(-330, '-05:30')])
          if (localDate(at).toString() !== expected || localDateAfresh(at).toString() !== expected) differ.push(at);
      }
    expect(differ.slice(0, 5)).toEqual([]);
  });

  it('reads instants as Temporal reads them, fractions and odd forms included, and refuses what it refuses', () => {
    const forms = fc.tuple(
      fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2300, 0, 1) }),
      fc.constantFrom('Z', '+02:00', '-05:30', '+00:00', '+13:45', 'z', '+0200'),
      fc.constantFrom('', '.5', '.123', '.999999999', '.000001'),
      fc.constantFrom('T', ' ', 't'),
    );
    fc.assert(
      fc.property(forms, ([ms, zone, fraction, t]) => {
        const minutes =
          zone === '+02:00' || zone === '+0200' ? 120 : zone === '-05:30' ? -330 : zone === '+13:45' ? 825 : 0;
        const wall = new Date(ms + minutes * 60_000).toISOString().slice(0, 19).replace('T', t);
        const at = `${wall}${fraction}${zone}`;
        let expected: string;
        try {
          expected = localDateAfresh(at).toString();
        } catch (e) {
          expect(() => localDate(at)).toThrow((e as Error).message);
          return;
        }
        expect(localDate(at).toString()).toBe(expected);
        expect(localDate(at).toString()).toBe(expected);
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // Every one of them, whatever Date.parse says (V8 rolls 31 April over into 1 May).
    for (const bad of [
      '2026-04-31T10:00:00Z',
      '2026-02-29T10:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:00:60Z',
    ]) {
      let refused: string | undefined;
      try {
        refused = localDateAfresh(bad).toString();
      } catch (e) {
        refused = `refused: ${(e as Error).message}`;
      }
      let ours: string;
      try {
        ours = localDate(bad).toString();
      } catch (e) {
        ours = `refused: ${(e as Error).message}`;
      }
      expect(ours).toBe(refused);
    }
  });
});

describe("calendar zone: a day's last second and a reminder's 09:00, as Temporal gives them", () => {
  it('gives every day of 2020 to 2035 the last second and the 09:00 Temporal gives', () => {
    const differ: string[] = [];
    for (let d = Temporal.PlainDate.from('2020-01-01'); d.year < 2036; d = d.add({ days: 1 })) {
      const day = d.toString();
      const last = instantOf(day, '23:59:59');
      if (endOfDay(d) !== last || endOfDayAfresh(day) !== last) differ.push(`${day} 23:59:59`);
      if (reminderInstantAfresh(d.add({ days: 1 }).toString(), '1 dag') !== instantOf(day, '09:00'))
        differ.push(`${day} 09:00`);
    }
    expect(differ.slice(0, 5)).toEqual([]);
  });

  it('gives days from 1900 to 2300 the last second Temporal gives, and wall times near a change to Temporal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 146_000 }), (n) => {
        const day = Temporal.PlainDate.from('1900-01-01').add({ days: n });
        expect(endOfDay(day)).toBe(instantOf(day.toString(), '23:59:59'));
        expect(reminderInstant(day.toString(), '1 dag')).toBe(instantOf(day.subtract({ days: 1 }).toString(), '09:00'));
      }),
      { seed: SEED, numRuns: 500 },
    );
    // 02:30 on the day summer time begins does not exist, and on the day it ends exists twice:
    // the table does not answer there; Temporal does ("compatible").
    for (const change of CHANGES) {
      const wall = change + offsetOf(change - 1000) + 30 * 60_000;
      expect(amsterdamInstant(wall)).toBeUndefined();
    }
  });
});

describe('calendar: the Atw move, counting the days of art. 2 only up to two', () => {
  /** The move as it was: every day of the term counted (art. 2), then art. 1, until neither moves it. */
  function moveAsItWas(start: Temporal.PlainDate, anchor: Temporal.PlainDate, needsTwo: boolean) {
    const nonDay = (d: Temporal.PlainDate) => !!atwHoliday(d) || isWeekend(d);
    let end = start;
    const moves: string[] = [];
    for (;;) {
      if (nonDay(end)) {
        while (nonDay(end)) end = end.add({ days: 1 });
        moves.push(`art. 1 to ${end}`);
        continue;
      }
      if (needsTwo) {
        let valid = 0;
        for (let d = anchor.add({ days: 1 }); Temporal.PlainDate.compare(d, end) <= 0; d = d.add({ days: 1 }))
          if (!nonDay(d)) valid++;
        if (valid < 2) {
          end = end.add({ days: 1 });
          moves.push(`art. 2 with ${valid} to ${end}`);
          continue;
        }
      }
      break;
    }
    return { end: end.toString(), moves };
  }

  it('ends where counting every day ended it, with the same steps, around the holidays', () => {
    const term = fc.constantFrom<Term>(
      { amount: 1, unit: 'days' },
      { amount: 2, unit: 'days' },
      { amount: 3, unit: 'days' },
      { amount: 5, unit: 'workingDays' },
      { amount: 1, unit: 'weeks' },
      { amount: 6, unit: 'weeks' },
      { amount: 12, unit: 'weeks' },
      { amount: 3, unit: 'months' },
    );
    const anchor = fc
      .tuple(
        fc.constantFrom('2026-04-02', '2026-05-13', '2026-12-23', '2027-04-24', '2027-05-04', '2028-05-24'),
        fc.integer({ min: -10, max: 10 }),
      )
      .map(([d, n]) => Temporal.PlainDate.from(d).add({ days: n }));
    fc.assert(
      fc.property(anchor, term, fc.integer({ min: 0, max: 6 }), (from, t, late) => {
        const deadline = computeDeadline({ anchor: { event: 'ontvangst', at: from.toString() }, term: t, atw: true });
        const start = Temporal.PlainDate.from(deadline.explanation.steps[0]?.to as string).add({ days: late });
        const needsTwo = t.unit !== 'days' && t.unit !== 'workingDays' ? true : t.amount >= 3;
        const expected = moveAsItWas(start, from, needsTwo);
        const moved = atwMove(start, from, t);
        expect(moved.end.toString()).toBe(expected.end);
        expect(
          moved.steps.map((s) =>
            s.rule === 'atw-art-1'
              ? `art. 1 to ${s.to}`
              : `art. 2 with ${/maar (\d+) dag/.exec(s.why)?.[1]} to ${s.to}`,
          ),
        ).toEqual(expected.moves);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });
});
