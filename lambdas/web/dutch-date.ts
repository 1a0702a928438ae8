/**
 * Dates as people type them in the Netherlands: "15-01-2027", "15-1-2027", "15/1/2027",
 * "15.1.2027", "15 1 2027", "15 januari 2027" (or "15 jan 2027"), and the ISO form "2027-01-15".
 * Day first, as Dutch writes it (NEN 2772 allows the ISO form too). A date that does not exist
 * (31-02-2027) is no date.
 */
import { Temporal } from 'temporal-polyfill';
import { DUTCH_MONTHS } from '../domain/calendar/months.js';

const MONTHS = DUTCH_MONTHS;

function monthOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w));
  return i >= 0 ? i + 1 : undefined;
}

/** The date as YYYY-MM-DD, or undefined when the text is no existing date. */
export function parseDutchDate(text: string | undefined): string | undefined {
  const t = (text ?? '').trim().replace(/\s+/g, ' ');
  let y: number | undefined;
  let m: number | undefined;
  let d: number | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const numeric = /^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$/.exec(t);
  const words = /^(\d{1,2}) ([a-zA-Z]+\.?) (\d{4})$/.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (numeric) [d, m, y] = [Number(numeric[1]), Number(numeric[2]), Number(numeric[3])];
  else if (words) [d, m, y] = [Number(words[1]), monthOf(words[2] ?? ''), Number(words[3])];
  if (!y || !m || !d) return undefined;
  try {
    return Temporal.PlainDate.from({ year: y, month: m, day: d }, { overflow: 'reject' }).toString();
  } catch {
    return undefined;
  }
}

/** YYYY-MM-DD as people read it on a page: "15-01-2027" (short, for tables and fields). */
export function shortDutchDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : iso;
}
