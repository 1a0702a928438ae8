/**
 * The general holidays of the Algemene termijnenwet (Atw), art. 3, and the days declared equal to
 * them by decree.
 *
 * Why our own list and not the `date-holidays` package: that package types Goede Vrijdag and
 * 5 mei as "school" holidays, while Atw art. 3 lists both as general holidays every year, and it
 * does not know the decree days at all. The package is used as a cross-check in the tests only.
 */
import { Temporal } from 'temporal-polyfill';

/** Bumped whenever the holiday rules or the decree data change; stored with every deadline. */
export const CALENDAR_VERSION = 'nl-atw-2026.1';

/**
 * Days declared equal to a general holiday for the Atw (art. 3 lid 3), one decree per year,
 * published in the Staatscourant. This is data, not a rule: add new years as they are decreed.
 */
export const DECREE_DAYS: Readonly<Record<number, readonly string[]>> = {
  2023: ['2023-04-28', '2023-05-19'],
  2024: ['2024-05-10', '2024-12-27'],
  2025: ['2025-05-30'],
  2026: ['2026-01-02', '2026-05-15'],
  2027: ['2027-05-07'],
  2028: ['2028-04-28', '2028-05-26'],
};

/** Years for which a decree is on file; beyond them the explanation carries a warning. */
export const DECREE_YEARS = Object.keys(DECREE_DAYS).map(Number);

export interface Holiday {
  date: string;
  name: string;
  /** `atw-art-3` for the statutory list, `decree` for a day declared equal by decree. */
  basis: 'atw-art-3' | 'decree';
}

/** Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): Temporal.PlainDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Temporal.PlainDate.from({ year, month, day });
}

/** Koningsdag: 27 April, or 26 April when the 27th is a Sunday (Wet viering Koningsdag, since 2014). */
function kingsDay(year: number): Temporal.PlainDate {
  if (year >= 2014) {
    const d = Temporal.PlainDate.from({ year, month: 4, day: 27 });
    return d.dayOfWeek === 7 ? d.subtract({ days: 1 }) : d;
  }
  // Koninginnedag until 2013: 30 April, on the 29th when the 30th was a Sunday.
  const d = Temporal.PlainDate.from({ year, month: 4, day: 30 });
  return d.dayOfWeek === 7 ? d.subtract({ days: 1 }) : d;
}

const cache = new Map<number, Map<string, Holiday>>();

/** All Atw holidays of a year, keyed by ISO date. */
export function holidaysOf(year: number): ReadonlyMap<string, Holiday> {
  const hit = cache.get(year);
  if (hit) return hit;
  const easter = easterSunday(year);
  const statutory: [Temporal.PlainDate, string][] = [
    [Temporal.PlainDate.from({ year, month: 1, day: 1 }), 'Nieuwjaarsdag'],
    [easter.subtract({ days: 2 }), 'Goede Vrijdag'],
    [easter, 'Eerste Paasdag'],
    [easter.add({ days: 1 }), 'Tweede Paasdag'],
    [kingsDay(year), year >= 2014 ? 'Koningsdag' : 'Koninginnedag'],
    // Atw art. 3 names 5 mei every year, not only in lustrum years (unlike most CAOs).
    [Temporal.PlainDate.from({ year, month: 5, day: 5 }), 'Bevrijdingsdag'],
    [easter.add({ days: 39 }), 'Hemelvaartsdag'],
    [easter.add({ days: 49 }), 'Eerste Pinksterdag'],
    [easter.add({ days: 50 }), 'Tweede Pinksterdag'],
    [Temporal.PlainDate.from({ year, month: 12, day: 25 }), 'Eerste Kerstdag'],
    [Temporal.PlainDate.from({ year, month: 12, day: 26 }), 'Tweede Kerstdag'],
  ];
  const days = new Map<string, Holiday>();
  for (const [date, name] of statutory) {
    days.set(date.toString(), { date: date.toString(), name, basis: 'atw-art-3' });
  }
  for (const date of DECREE_DAYS[year] ?? []) {
    if (!days.has(date)) days.set(date, { date, name: 'Gelijkgestelde dag (besluit)', basis: 'decree' });
  }
  cache.set(year, days);
  return days;
}

/** The Atw holiday on this date, if any. */
export function atwHoliday(date: Temporal.PlainDate): Holiday | undefined {
  return holidaysOf(date.year).get(date.toString());
}

/** Saturday or Sunday. */
export function isWeekend(date: Temporal.PlainDate): boolean {
  return date.dayOfWeek >= 6;
}
