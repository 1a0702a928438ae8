/**
 * Deadline arithmetic on the Dutch legal calendar: a pure function of an anchor, a term and the
 * rules that apply to it. Every result carries its explanation, so a dispute about a date can be
 * answered from the dossier alone.
 *
 * Why our own code and not a date library: no library implements the Algemene termijnenwet
 * (art. 1 shift, art. 2 two-day rule, art. 4 exclusions) or the decree days; Temporal supplies
 * the calendar and time-zone arithmetic underneath.
 */
import { Temporal } from 'temporal-polyfill';
import { DomainError } from '../errors.js';
import { atwHoliday, CALENDAR_VERSION, DECREE_YEARS, isWeekend } from './holidays.js';
import { DUTCH_MONTHS } from './months.js';
import { describeTerm, type ParsedTerm, parseTerm, type Term } from './term.js';
import { amsterdamInstant, amsterdamOffset, isoDay, isoSecond, TIME_ZONE } from './zone.js';

export { TIME_ZONE };

export class DeadlineError extends DomainError {
  constructor(message: string, path: (string | number)[] = []) {
    super(message, path);
    this.name = 'DeadlineError';
  }
}

/**
 * A period in which the clock stops: from `from` (inclusive) until `until` (exclusive). Without
 * `until` the clock still stands: no day is added yet, and the explanation says so.
 */
export interface Suspension {
  from: string;
  until?: string;
  reason: string;
}

export interface Extension {
  term: string | Term;
  reason: string;
  /** When the extension was announced to the complainant (ISO instant or date). */
  announcedAt?: string;
  /** Written consent of the complainant: Awb 9:11 lid 2 allows extending beyond the cap with it. */
  consent?: boolean;
}

export interface ExtensionPolicy {
  /**
   * The most all extensions together may add, e.g. 4 weeks (Awb 9:11 lid 2, Wkkgz art. 17 lid 2);
   * absent where neither statute nor regulation caps it (a regulation's own term, the Jeugdwet).
   */
  max?: string | Term;
  /** The extension must be announced before the deadline it extends has passed (Wkkgz art. 17 lid 2). */
  announceBeforeExpiry: boolean;
  /** Beyond the cap with the complainant's written consent (Awb 9:11 lid 2). */
  beyondMaxWithConsent: boolean;
  source: string;
}

export interface DeadlineInput {
  /** The event the term counts from; `at` is an ISO instant or a calendar date. */
  anchor: { event: string; at: string };
  term: string | Term;
  /** Whether the Algemene termijnenwet applies to this term (statutory terms: yes). */
  atw: boolean;
  /** The article or regulation clause the term comes from. */
  source?: string;
  /** The organisation's own closing days: they only affect counting in working days. */
  closingDays?: readonly string[];
  suspensions?: readonly Suspension[];
  extensions?: readonly Extension[];
  extensionPolicy?: ExtensionPolicy;
}

export interface ExplanationStep {
  rule: 'count' | 'suspension' | 'extension' | 'atw-art-1' | 'atw-art-2';
  from?: string;
  to: string;
  why: string;
}

export interface Explanation {
  anchor: { event: string; at: string; date: string };
  term: { text: string; amount: number; unit: string };
  source?: string;
  calendarVersion: string;
  timeZone: string;
  atw: { applies: boolean; why: string };
  steps: ExplanationStep[];
  warnings: string[];
  /** The explanation as Dutch sentences, for officers and letters. */
  text: string;
}

export interface Deadline {
  /** The last day of the term, YYYY-MM-DD in Europe/Amsterdam. */
  lastDay: string;
  /** The last instant of that day, ISO 8601 UTC without fractional seconds. */
  dueAt: string;
  explanation: Explanation;
}

const DAY_NAMES = ['', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag'];

/**
 * One formatter for every Dutch date: Temporal's toLocaleString builds an Intl.DateTimeFormat on
 * each call, which was 3 % of a simulated year's CPU (issue 19). A calendar date is formatted as
 * the UTC midnight of that day in UTC, so no zone can move it to another day.
 */
const DUTCH_DATE = new Intl.DateTimeFormat('nl-NL', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "donderdag 24 september 2026". */
export function formatDutchDate(date: string | Temporal.PlainDate): string {
  return dutchDateOf(typeof date === 'string' ? date : date.toString());
}

/**
 * A date in words, kept once made: every letter and every history line names the same few days
 * again (the day of receipt, the deadlines), and Intl's formatting was about 1 % of a simulated
 * year's CPU after the formatter was made once (#19). Defined below `remembered`.
 */
function formatDutchDateAfresh(day: string): string {
  // A plain day of the years 1000 to 9999 in words without Intl: the weekday from Date.UTC, the
  // names as nl-NL writes them. Intl's formatting was 0.7 % of a simulated year's CPU, as a
  // year's letters name more days than are kept (#19, session 10); test/calendar.test.ts holds
  // this to Temporal's own toLocaleString for every day of 2026 and every 11th from 1900 to 2100.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (m) {
    const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const at = new Date(Date.UTC(year, month - 1, date));
    // Only a day that exists (no 31 April) and no year Date.UTC reads as 19xx.
    if (year >= 1000 && at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === date)
      return `${DUTCH_WEEKDAYS[at.getUTCDay()]} ${date} ${DUTCH_MONTHS[month - 1]} ${year}`;
  }
  const d = Temporal.PlainDate.from(day);
  return DUTCH_DATE.format(Date.UTC(d.year, d.month - 1, d.day));
}
const DUTCH_WEEKDAYS = ['zondag', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag'];

/**
 * Answers of a pure function of one string, kept: the same instants come back all the time (a
 * deadline's due instant is in every letter that lists it), and the time-zone arithmetic of the
 * Temporal polyfill behind them was about 1.5 % of a simulated year's CPU (#19). Bounded: emptied
 * when full, so a year of distinct instants keeps no more than this many.
 */
function remembered<T>(compute: (key: string) => T, bound = 4096): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (known.size >= bound) known.clear();
    known.set(key, value);
    return value;
  };
}

/**
 * How many dates in words, reminders and Atw moves are kept: the days the complaints of a day or
 * two share. More would be memory rather than speed: at 4 096 the runtime kept 3.4 KB more per
 * closed complaint in test/memory.test.ts (30 against 180 complaints), at 256 about 0.4 KB, at
 * 64 nothing measurable.
 */
const KEPT_ANSWERS = 64;

/** The calendar date of an instant or date string in Europe/Amsterdam (Temporal.PlainDate is immutable, so shared). */
export const localDate: (at: string) => Temporal.PlainDate = remembered((at) => {
  if (/^\d{4}-\d{2}-\d{2}$/.test(at)) return plainDay(at);
  const day = instantDay(at);
  if (day !== undefined) return plainDay(day);
  return localDateAfresh(at);
});

/** localDate computed by Temporal alone (test/calendar-zone.test.ts holds localDate to it). */
export function localDateAfresh(at: string): Temporal.PlainDate {
  if (/^\d{4}-\d{2}-\d{2}$/.test(at)) return Temporal.PlainDate.from(at);
  let instant: Temporal.Instant;
  try {
    instant = Temporal.Instant.from(at);
  } catch {
    throw new DeadlineError(`"${at}" is geen datum (JJJJ-MM-DD) of tijdstip (ISO 8601 met tijdzone).`);
  }
  return instant.toZonedDateTimeISO(TIME_ZONE).toPlainDate();
}

/** The days as Temporal dates, one object per day (immutable, so shared): a year's few hundred. */
const plainDay = remembered((day) => Temporal.PlainDate.from(day), 1024);

/**
 * An instant as the dossier and the API write them ("2026-09-01T07:00:00Z", "…T09:00:00+02:00",
 * with or without a fraction of a second): its milliseconds since the epoch; undefined for any
 * other form, or a field out of its range, which Temporal then reads or refuses as before.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
function instantMs(at: string): number | undefined {
  const m = INSTANT.exec(at);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[];
  const offsetHours = m[8] ? 0 : Number(m[10]);
  const offsetMinutes = m[8] ? 0 : Number(m[11]);
  if (
    (year as number) < 1000 ||
    (hour as number) > 23 ||
    (minute as number) > 59 ||
    (second as number) > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  )
    return undefined;
  const wall = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  // No 31 April: a day that does not exist is Temporal's to refuse.
  const back = new Date(wall);
  if (back.getUTCMonth() !== (month as number) - 1 || back.getUTCDate() !== day) return undefined;
  const sign = m[9] === '-' ? -1 : 1;
  // The fraction is cut to whole milliseconds: every change of offset and every day's start is a
  // whole millisecond (zone.ts), so no date depends on what is cut.
  const fraction = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  return wall + fraction - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** The day ("YYYY-MM-DD") of an instant in Amsterdam from the zone's table; undefined: ask Temporal. */
function instantDay(at: string): string | undefined {
  const ms = instantMs(at);
  if (ms === undefined) return undefined;
  const offset = amsterdamOffset(ms);
  return offset === undefined ? undefined : isoDay(ms + offset);
}

/** The instant of a time of day (hours, minutes, seconds) on a day in Amsterdam, as Temporal writes it. */
function instantOfDay(day: string, hour: number, minute: number, second: number): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m || Number(m[1]) < 1000) return undefined;
  const at = amsterdamInstant(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, minute, second));
  return at === undefined ? undefined : isoSecond(at);
}

const endOfDayOf = remembered((date) => instantOfDay(date, 23, 59, 59) ?? endOfDayAfresh(date));

/** endOfDay computed by Temporal alone (test/calendar-zone.test.ts holds endOfDay to it). */
export function endOfDayAfresh(date: string): string {
  return Temporal.PlainDate.from(date)
    .toZonedDateTime({ timeZone: TIME_ZONE, plainTime: '23:59:59' })
    .toInstant()
    .toString();
}

const dutchDateOf = remembered(formatDutchDateAfresh, KEPT_ANSWERS);

/** The last instant (23:59:59) of a day in Europe/Amsterdam, as an ISO UTC string. */
export function endOfDay(date: Temporal.PlainDate): string {
  return endOfDayOf(date.toString());
}

/** A day on which no Atw term can end: Saturday, Sunday or an Atw holiday; undefined otherwise. */
function atwNonDay(date: Temporal.PlainDate): string | undefined {
  const holiday = atwHoliday(date);
  if (holiday) return holiday.name;
  if (isWeekend(date)) return DAY_NAMES[date.dayOfWeek];
  return undefined;
}

/** A working day: Monday to Friday, no Atw holiday, no closing day of the organisation. */
export function isWorkingDay(date: Temporal.PlainDate, closingDays: ReadonlySet<string> = new Set()): boolean {
  return !isWeekend(date) && !atwHoliday(date) && !closingDays.has(date.toString());
}

/** Moves `n` working days forward from `date` (the start day itself does not count). */
export function addWorkingDays(
  date: Temporal.PlainDate,
  n: number,
  closingDays: ReadonlySet<string>,
  direction: 1 | -1 = 1,
) {
  let d = date;
  for (let left = n; left > 0; ) {
    d = d.add({ days: direction });
    if (isWorkingDay(d, closingDays)) left--;
  }
  return d;
}

/** Moves a term forward (or back, for reminders) from a date. */
function addTerm(
  date: Temporal.PlainDate,
  term: Term,
  closingDays: ReadonlySet<string>,
  direction: 1 | -1 = 1,
): Temporal.PlainDate {
  const n = term.amount * direction;
  switch (term.unit) {
    case 'days':
      return date.add({ days: n });
    case 'workingDays':
      return addWorkingDays(date, term.amount, closingDays, direction);
    case 'weeks':
      return date.add({ weeks: n });
    // Temporal constrains a missing day to the month's last day: 31 January + 1 month is
    // 28 February, as Dutch counting asks ("de laatste dag van die maand").
    case 'months':
      return date.add({ months: n });
    case 'years':
      return date.add({ years: n });
  }
}

/**
 * Atw art. 4: the act does not apply to terms of more than 90 days, 12 weeks or 3 months, nor
 * to terms in years (and not to terms counted backwards, which klachtflow does not use).
 */
function atwExclusion(term: Term): string | undefined {
  if ((term.unit === 'days' || term.unit === 'workingDays') && term.amount > 90)
    return 'een termijn van meer dan 90 dagen';
  if (term.unit === 'weeks' && term.amount > 12) return 'een termijn van meer dan 12 weken';
  if (term.unit === 'months' && term.amount > 3) return 'een termijn van meer dan 3 maanden';
  if (term.unit === 'years') return 'een termijn in jaren';
  return undefined;
}

/** Atw art. 2 concerns terms "van ten minste drie dagen". */
function atLeastThreeDays(term: Term): boolean {
  return term.unit === 'weeks' || term.unit === 'months' || term.unit === 'years' || term.amount >= 3;
}

function daysBetween(from: Temporal.PlainDate, to: Temporal.PlainDate): number {
  return from.until(to, { largestUnit: 'days' }).days;
}

/**
 * The Algemene termijnenwet applied to a term's end: art. 1 moves an end on a Saturday, Sunday or
 * general holiday to the next day that is none of these; art. 2 makes a term of at least three
 * days hold at least two such days. Both are checked together until neither moves the end.
 */
export function atwMove(
  start: Temporal.PlainDate,
  anchorDate: Temporal.PlainDate,
  term: Term,
): { end: Temporal.PlainDate; steps: ExplanationStep[] } {
  const needsTwo = atLeastThreeDays(term);
  const moved = atwMoves(`${start}|${anchorDate}|${needsTwo ? 2 : 1}`);
  // The steps are the caller's to keep or change; the remembered ones stay as they were made.
  return { end: moved.end, steps: moved.steps.map((x) => ({ ...x })) };
}

/**
 * atwMove's answer depends on the end, the anchor's date and whether art. 2 applies, and not on
 * the time of day: the same few dates come back for every complaint received on a day. Checking
 * art. 2 walks every day of the term (six weeks: 42 days through the Temporal polyfill), which
 * was most of a deadline's time (#19). Kept once computed, bounded like the other answers here.
 */
const atwMoves = remembered((key) => {
  const [start, anchorDate, two] = key.split('|') as [string, string, string];
  return atwMoveAfresh(Temporal.PlainDate.from(start), Temporal.PlainDate.from(anchorDate), two === '2');
}, KEPT_ANSWERS);

/** atwMove computed afresh (test/calendar.test.ts holds the remembered answers to it). */
export function atwMoveAfresh(
  start: Temporal.PlainDate,
  anchorDate: Temporal.PlainDate,
  needsTwo: boolean,
): { end: Temporal.PlainDate; steps: ExplanationStep[] } {
  const steps: ExplanationStep[] = [];
  let end = start;
  for (;;) {
    if (atwNonDay(end)) {
      const from = end;
      const skipped: string[] = [];
      for (let nonDay = atwNonDay(end); nonDay; nonDay = atwNonDay(end)) {
        skipped.push(`${formatDutchDate(end).split(' ').slice(0, 3).join(' ')}: ${nonDay}`);
        end = end.add({ days: 1 });
      }
      steps.push({
        rule: 'atw-art-1',
        from: from.toString(),
        to: end.toString(),
        why: `de termijn zou eindigen op een zaterdag, zondag of feestdag (${skipped.join('; ')}); art. 1 Atw verlengt hem tot ${formatDutchDate(end)}`,
      });
      continue;
    }
    if (needsTwo) {
      // Counted up to two: only a count below two is said or moves the end (a six-week term
      // walked its 42 days through the Temporal polyfill for every deadline, #19 session 15).
      let valid = 0;
      for (
        let d = anchorDate.add({ days: 1 });
        valid < 2 && Temporal.PlainDate.compare(d, end) <= 0;
        d = d.add({ days: 1 })
      ) {
        if (!atwNonDay(d)) valid++;
      }
      if (valid < 2) {
        const next = end.add({ days: 1 });
        steps.push({
          rule: 'atw-art-2',
          from: end.toString(),
          to: next.toString(),
          why: `de termijn bevat maar ${valid} dag(en) die geen zaterdag, zondag of feestdag zijn; art. 2 Atw vraagt er ten minste twee`,
        });
        end = next;
        continue;
      }
    }
    break;
  }
  return { end, steps };
}

/**
 * Computes a deadline.
 *
 * @example
 * computeDeadline({ anchor: { event: 'ontvangst', at: '2026-04-23' }, term: '3 werkdagen', atw: true })
 * // lastDay 2026-04-29: Koningsdag (Monday 27 April) does not count
 */
export function computeDeadline(input: DeadlineInput): Deadline {
  if (input.suspensions?.length || input.extensions?.length || input.extensionPolicy)
    return computeDeadlineAfresh(input);
  // Without a suspension or an extension the answer depends on the anchor's day, not its time of
  // day (which the explanation only repeats): every complaint of a day gets the same deadlines.
  let day: string;
  try {
    day = localDate(input.anchor.at).toString();
  } catch {
    return computeDeadlineAfresh(input); // refused as it always was, in the same order
  }
  const kept = plainDeadlines(
    JSON.stringify([input.anchor.event, day, input.term, input.atw, input.source ?? null, input.closingDays ?? []]),
  );
  // The answer is the caller's to keep or change; the kept one stays as it was made.
  const e = kept.explanation;
  return {
    lastDay: kept.lastDay,
    dueAt: kept.dueAt,
    explanation: {
      anchor: { event: e.anchor.event, at: input.anchor.at, date: e.anchor.date },
      term: { ...e.term },
      ...(e.source !== undefined ? { source: e.source } : {}),
      calendarVersion: e.calendarVersion,
      timeZone: e.timeZone,
      atw: { ...e.atw },
      steps: e.steps.map((x) => ({ ...x })),
      warnings: [...e.warnings],
      text: e.text,
    },
  };
}

/**
 * A deadline without suspensions or extensions, by the anchor's day: the same few for every
 * complaint of a day (a new ONS welzijn dossier has four), each counted through the Temporal
 * polyfill, about 3 % of the runtime's CPU in a burst of intakes (#19, session 16).
 * test/calendar-kept.test.ts holds the kept answers to computeDeadlineAfresh.
 */
const plainDeadlines = remembered((key) => {
  const [event, day, term, atw, source, closingDays] = JSON.parse(key) as [
    string,
    string,
    string | Term,
    boolean,
    string | null,
    string[],
  ];
  return computeDeadlineAfresh({
    anchor: { event, at: day },
    term,
    atw,
    ...(source !== null ? { source } : {}),
    closingDays,
  });
}, KEPT_ANSWERS);

/** computeDeadline computed afresh, always. */
export function computeDeadlineAfresh(input: DeadlineInput): Deadline {
  const term: ParsedTerm = parseTerm(input.term);
  const anchorDate = localDate(input.anchor.at);
  const closingDays = new Set(input.closingDays ?? []);
  const steps: ExplanationStep[] = [];
  const warnings: string[] = [];

  // The anchor day does not count (Atw and general Dutch practice: "de dag na ...").
  let end = addTerm(anchorDate, term, closingDays);
  steps.push({
    rule: 'count',
    from: anchorDate.toString(),
    to: end.toString(),
    why: countWhy(term, anchorDate.toString(), input.anchor.event),
  });

  // Suspension: the clock stops on `from` and restarts on `until`; the days in between that fall
  // inside the running term are added again, in the term's own unit kind. "Inside the term" is up
  // to its end with the extensions already granted and the days earlier suspensions added: a term
  // put off and then suspended after its first end still loses those days.
  let bound = end;
  for (const ext of input.extensions ?? []) bound = addTerm(bound, parseTerm(ext.term), closingDays);
  const suspensions = [...(input.suspensions ?? [])].sort((a, b) => a.from.localeCompare(b.from));
  for (const [i, s] of suspensions.entries()) {
    const from = localDate(s.from);
    if (s.until === undefined) {
      steps.push({
        rule: 'suspension',
        from: end.toString(),
        to: end.toString(),
        why: `opgeschort sinds ${formatDutchDate(from)} (${s.reason}): de termijn staat stil; de nieuwe einddatum volgt als de termijn weer loopt`,
      });
      continue;
    }
    const until = localDate(s.until);
    if (Temporal.PlainDate.compare(until, from) < 0) {
      throw new DeadlineError('Een opschorting eindigt vóór zij begint.', ['suspensions', i, 'until']);
    }
    // A day counts when the term was still running on it; every day counted moves the end a day
    // on, so a clock that stops near the end keeps the time that was left, however long it stands.
    let lost = 0;
    for (let d = from; Temporal.PlainDate.compare(d, until) < 0; d = d.add({ days: 1 })) {
      const inTerm = Temporal.PlainDate.compare(d, anchorDate) > 0 && Temporal.PlainDate.compare(d, bound) <= 0;
      if (!inTerm) continue;
      if (term.unit === 'workingDays') {
        if (!isWorkingDay(d, closingDays)) continue;
        bound = addWorkingDays(bound, 1, closingDays);
      } else bound = bound.add({ days: 1 });
      lost++;
    }
    if (lost === 0) {
      steps.push({
        rule: 'suspension',
        from: end.toString(),
        to: end.toString(),
        why: `opgeschort van ${formatDutchDate(from)} tot ${formatDutchDate(until)} (${s.reason}): geen dag binnen de termijn, dus geen dag erbij`,
      });
      continue;
    }
    const before = end;
    end = term.unit === 'workingDays' ? addWorkingDays(end, lost, closingDays) : end.add({ days: lost });
    steps.push({
      rule: 'suspension',
      from: before.toString(),
      to: end.toString(),
      why: `opgeschort van ${formatDutchDate(from)} tot ${formatDutchDate(until)} (${s.reason}): ${lost} ${term.unit === 'workingDays' ? 'werkdag(en)' : 'dag(en)'} erbij`,
    });
  }

  const exclusion = atwExclusion(term);
  const atwApplies = input.atw && exclusion === undefined;
  const atwWhy = !input.atw
    ? ATW_NOT_CHOSEN
    : exclusion
      ? `De Algemene termijnenwet geldt niet voor ${exclusion} (art. 4).`
      : ATW_APPLIES;

  // Extensions count from the deadline they extend, capped by the policy.
  const extensions = input.extensions ?? [];
  if (extensions.length > 0) {
    const policy = input.extensionPolicy;
    const capDate = policy?.max ? addTerm(end, parseTerm(policy.max), closingDays) : undefined;
    for (const [i, ext] of extensions.entries()) {
      const extTerm = parseTerm(ext.term);
      if (policy?.announceBeforeExpiry) {
        if (!ext.announcedAt) {
          throw new DeadlineError(
            `Een verlenging moet vóór het verstrijken van de termijn worden gemeld (${policy.source}); de datum van melding ontbreekt.`,
            ['extensions', i, 'announcedAt'],
          );
        }
        const announced = /^\d{4}-\d{2}-\d{2}$/.test(ext.announcedAt)
          ? endOfDay(localDate(ext.announcedAt))
          : Temporal.Instant.from(ext.announcedAt).toString();
        // "Before expiry" is up to and including the last day as the Atw moves it (art. 1): a term
        // ending on Saturday 26 June 2027 runs through Monday 28 June, and so does the time to extend.
        const expires = atwApplies ? atwMove(end, anchorDate, term).end : end;
        if (Temporal.Instant.compare(Temporal.Instant.from(announced), Temporal.Instant.from(endOfDay(expires))) > 0) {
          throw new DeadlineError(
            `De verlenging is gemeld na het verstrijken van de termijn op ${formatDutchDate(expires)} (${policy.source}).`,
            ['extensions', i, 'announcedAt'],
          );
        }
      }
      const before = end;
      end = addTerm(end, extTerm, closingDays);
      if (policy?.max && capDate && Temporal.PlainDate.compare(end, capDate) > 0) {
        if (!(policy.beyondMaxWithConsent && ext.consent)) {
          throw new DeadlineError(
            `Verlenging tot ${formatDutchDate(end)} gaat verder dan de toegestane ${describeTerm(parseTerm(policy.max))} (${policy.source})${policy.beyondMaxWithConsent ? '; verder verlengen kan alleen met schriftelijke instemming van de klager' : ''}.`,
            ['extensions', i, 'term'],
          );
        }
      }
      steps.push({
        rule: 'extension',
        from: before.toString(),
        to: end.toString(),
        why: `verlengd met ${describeTerm(extTerm)}: ${ext.reason}${ext.consent ? ' (met schriftelijke instemming van de klager)' : ''}`,
      });
    }
  }

  // The Algemene termijnenwet, when it applies to this term.
  if (atwApplies) {
    const moved = atwMove(end, anchorDate, term);
    steps.push(...moved.steps);
    end = moved.end;
  }

  const lastDecreeYear = Math.max(...DECREE_YEARS);
  if (end.year > lastDecreeYear || anchorDate.year > lastDecreeYear) {
    warnings.push(
      `Voor ${Math.max(end.year, anchorDate.year)} is geen besluit met gelijkgestelde dagen bekend (kalender ${CALENDAR_VERSION}); controleer de datum als dat besluit verschijnt.`,
    );
  }

  const dueAt = endOfDay(end);
  const lastDay = end.toString();
  const explained: Omit<Explanation, 'text'> = {
    anchor: { event: input.anchor.event, at: input.anchor.at, date: anchorDate.toString() },
    term: { text: term.text, amount: term.amount, unit: term.unit },
    ...(input.source ? { source: input.source } : {}),
    calendarVersion: CALENDAR_VERSION,
    timeZone: TIME_ZONE,
    atw: { applies: atwApplies, why: atwWhy },
    steps,
    warnings,
  };
  return { lastDay, dueAt, explanation: { ...explained, text: explanationText(explained, lastDay) } };
}

/** Why the Algemene termijnenwet applies to a term, in words: it does. */
export const ATW_APPLIES = 'De Algemene termijnenwet is van toepassing.';
/** Why it does not: the regulation chose so for its own term (an exclusion of art. 4 is said otherwise). */
export const ATW_NOT_CHOSEN =
  'De Algemene termijnenwet is niet van toepassing op deze termijn (keuze van de regeling).';

/** The first step of every count in words: the term from the anchor's day, which does not count. */
export function countWhy(term: Term, from: string, anchorEvent: string): string {
  return `${describeTerm(term)} na ${formatDutchDate(from)} (de dag van ${anchorEvent} telt niet mee)`;
}

/**
 * An explanation's Dutch sentences, rendered from its own parts and the term's last day alone (no
 * calendar rule is applied again): the one place they are written. Stored with the parts in the
 * dossier's commit, as told (a record must not change with a later wording).
 */
export function explanationText(e: Omit<Explanation, 'text'>, lastDay: string): string {
  const moved =
    e.steps.length > 1
      ? ` ${e.steps
          .slice(1)
          .map((s) => `Daarna: ${s.why}.`)
          .join(' ')}`
      : '';
  return (
    `Termijn van ${describeTerm(e.term as Term)}${e.source ? ` (${e.source})` : ''}, gerekend vanaf ${e.anchor.event} op ${formatDutchDate(e.anchor.date)}.` +
    ` ${e.steps[0]?.why}.${moved} ${e.atw.why} De termijn eindigt op ${formatDutchDate(lastDay)} om 23:59 (Nederlandse tijd).`
  );
}

/** Days from one date to another (negative when `to` is earlier). */
export function calendarDaysBetween(from: string, to: string): number {
  return daysBetween(Temporal.PlainDate.from(from), Temporal.PlainDate.from(to));
}

/**
 * When to remind before a deadline: the term counted back from the last day, at 09:00 in
 * Europe/Amsterdam (working days counted back skip weekends and holidays; Atw art. 4 says the
 * Atw does not apply to terms counted backwards, so nothing shifts).
 */
export function reminderInstant(lastDay: string, before: string | Term, closingDays: readonly string[] = []): string {
  // A term written out (the regulation's words) is kept; a term given as an object is rare.
  if (typeof before !== 'string') return reminderInstantAfresh(lastDay, before, closingDays);
  return reminders(JSON.stringify([lastDay, before, closingDays]));
}

/**
 * Reminders fall on the same few days for every dossier with a deadline on the same day, and each
 * was a time-zone conversion through the Temporal polyfill (about 0.7 % of a simulated year's CPU,
 * #19): kept once computed, by everything the answer depends on.
 */
const reminders = remembered((key) => {
  const [lastDay, before, closingDays] = JSON.parse(key) as [string, string, string[]];
  return reminderInstantAfresh(lastDay, before, closingDays);
}, KEPT_ANSWERS);

/** reminderInstant computed afresh (test/calendar.test.ts holds the remembered answers to it). */
export function reminderInstantAfresh(
  lastDay: string,
  before: string | Term,
  closingDays: readonly string[] = [],
): string {
  const d = addTerm(Temporal.PlainDate.from(lastDay), parseTerm(before), new Set(closingDays), -1);
  return (
    instantOfDay(d.toString(), 9, 0, 0) ??
    d.toZonedDateTime({ timeZone: TIME_ZONE, plainTime: '09:00' }).toInstant().toString()
  );
}
