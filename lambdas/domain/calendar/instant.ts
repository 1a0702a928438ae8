/**
 * An instant as the dossier writes its times: ISO 8601 in UTC to the second ("…T07:00:00Z").
 * Indexes and schedules compare these as strings, and "…00Z" sorts after "…00.000Z", so whatever
 * is compared with them is written the same way. Here, at the bottom floor beside the calendar,
 * so the procedure, the runtime's adapters (SMTP, the local SES events) and the calendar can use
 * the one definition without importing the procedure (or Temporal).
 *
 * Every decision asks it for its moment (Core.now), and the same moment comes back in a row (53 %
 * of 11 315 calls in a simulated ONS year of 300 complaints): the last answer is kept, one number
 * and one string, and the milliseconds are cut off by position where the year has four digits (0
 * to 9999), not by a regular expression. Its self time was 0.3-0.7 % of a simulated year in
 * profiles (#19, session 17). test/instant.test.ts holds it to the expression over every year Date
 * holds, and to times asked in turn.
 */
let lastMs = Number.NaN;
let lastIso = '';

export function toSecond(ms: number): string {
  // NaN is never equal to itself: an invalid time still throws below, as it did.
  if (ms === lastMs) return lastIso;
  const iso = new Date(ms).toISOString();
  // "YYYY-MM-DDTHH:mm:ss.sssZ"; an extended year ("+010000-…", "-000001-…") is longer.
  const second = iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
  lastMs = ms;
  lastIso = second;
  return second;
}
