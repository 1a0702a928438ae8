/**
 * Europe/Amsterdam's offset from UTC, as the Temporal polyfill knows it, read from a table of each
 * year's changes that Temporal itself gives once per year (`getTimeZoneTransition`), instead of
 * the polyfill's time-zone arithmetic on every instant: that arithmetic was most of the calendar's
 * CPU in a simulated year, about 3 % (#19, session 15). Nothing here knows a rule of summer time:
 * where the table cannot answer exactly (a year outside 1970 to 2199, an offset or change that is
 * not a whole millisecond, a wall time within a day of a change, where it may not exist or exist
 * twice), it answers undefined and the caller asks Temporal as before. test/calendar-zone.test.ts
 * holds both answers to Temporal's own over every quarter hour of 2025 to 2028, every minute
 * around both clock changes of several years, and instants from 1900 to 2300.
 */
import { Temporal } from 'temporal-polyfill';

export const TIME_ZONE = 'Europe/Amsterdam';

const DAY = 86_400_000;
const FIRST_YEAR = 1970;
const LAST_YEAR = 2199;

/** One year's offsets: `from[i]` (ms since the epoch) is where `offset[i]` (ms) begins; from[0] is the year's start. */
interface YearOffsets {
  from: number[];
  offset: number[];
}

/** Per year: its offsets, or null where they are not whole milliseconds. A few bytes a year. */
const years = new Map<number, YearOffsets | null>();

function offsetsOf(year: number): YearOffsets | null {
  let known = years.get(year);
  if (known === undefined) {
    known = offsetsAfresh(year);
    years.set(year, known);
  }
  return known;
}

/** The offset at the year's first instant (UTC) and at each change Temporal names in that year. */
function offsetsAfresh(year: number): YearOffsets | null {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  let at = Temporal.Instant.fromEpochMilliseconds(start).toZonedDateTimeISO(TIME_ZONE);
  const from = [start];
  const offset = [at.offsetNanoseconds / 1e6];
  for (;;) {
    const next = at.getTimeZoneTransition('next');
    if (!next || next.epochMilliseconds >= end) break;
    if (next.epochNanoseconds % 1_000_000n !== 0n) return null;
    from.push(next.epochMilliseconds);
    offset.push(next.offsetNanoseconds / 1e6);
    at = next;
  }
  return offset.every(Number.isInteger) ? { from, offset } : null;
}

/** Where an instant (whole ms) falls in its year's table: the year and the segment; undefined outside it. */
function segmentOf(ms: number): { year: number; i: number; offset: number } | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const year = new Date(ms).getUTCFullYear();
  if (year < FIRST_YEAR || year > LAST_YEAR) return undefined;
  const o = offsetsOf(year);
  if (!o) return undefined;
  let i = o.from.length - 1;
  while (i > 0 && ms < (o.from[i] as number)) i--;
  return { year, i, offset: o.offset[i] as number };
}

/** Europe/Amsterdam's offset (ms) at an instant given in whole milliseconds; undefined: ask Temporal. */
export function amsterdamOffset(ms: number): number | undefined {
  return segmentOf(ms)?.offset;
}

/**
 * The instant (ms) of a wall-clock time in Amsterdam, given as that time's milliseconds read as
 * UTC (`Date.UTC(y, m - 1, d, h, mi, s)`): exact where one offset holds from a day before to a day
 * after it (then the time exists once, and Temporal's "compatible" choice is that one); undefined
 * near a change (the caller asks Temporal, which decides what a time in a gap or an overlap is).
 */
export function amsterdamInstant(wallMs: number): number | undefined {
  const before = segmentOf(wallMs - DAY);
  const after = segmentOf(wallMs + DAY);
  if (!before || !after || before.year !== after.year || before.i !== after.i) return undefined;
  return wallMs - before.offset;
}

/** "YYYY-MM-DD" of a day (ms at its UTC midnight or later that day), for years 1000 to 9999. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** An instant in whole seconds as Temporal writes it: "2026-03-29T21:59:59Z", for years 1000 to 9999. */
export function isoSecond(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
