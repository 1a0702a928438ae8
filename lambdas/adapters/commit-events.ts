/**
 * A commit's events as the table stores them (#19, session 16). A deadline's event is the record
 * of how its term was counted: its `basis` (the anchor, the term as the regulation writes it, the
 * regulation's quote, whether the Atw applies) and its explanation's parts (the steps of the count,
 * the calendar version, the warnings). The explanation also carried its Dutch sentences (`text`,
 * the count's first `why`, the Atw's `why`), rendered from those parts, the calendar's one time
 * zone, and a second copy of the anchor, the term's words and the quote that the basis holds
 * beside it: a new ONS welzijn dossier's first commit held 7 638 bytes of events for its four
 * terms, each KB a write unit in AWS (twice in the intake's transaction) and stored for as long as
 * the dossier is kept. Stored, the explanation leaves out what the basis and its own parts give
 * (3 828 bytes: 16 write units an intake instead of 24); read, it is made whole again, key for key
 * in the same order. Only what comes back byte for byte is left out (checked on every write), so
 * an explanation of any other shape is stored whole, and so are all commits written before this:
 * both are read as they are.
 */
import {
  ATW_APPLIES,
  ATW_NOT_CHOSEN,
  countWhy,
  type Explanation,
  type ExplanationStep,
  explanationText,
  TIME_ZONE,
} from '../domain/calendar/deadline.js';
import type { Term } from '../domain/calendar/term.js';
import type { DeadlineData, DossierEvent } from '../domain/dossier.js';

/**
 * An explanation as stored: its sentences as null (which marks it: a whole one's `text` is a
 * string, and an explanation of any other shape is left as it is), and what the basis repeats left out.
 */
interface StoredExplanation extends Omit<Explanation, 'text' | 'anchor' | 'term' | 'steps' | 'timeZone' | 'atw'> {
  anchor: { event?: string; at?: string; date: string };
  term: { text?: string; amount: number; unit: string };
  /** Left out when it is the calendar's zone (Europe/Amsterdam). */
  timeZone?: string;
  /** `why` left out when it is the sentence `applies` gives (ATW_APPLIES, ATW_NOT_CHOSEN). */
  atw: { applies: boolean; why?: string };
  /** The first step, the count from the anchor, without its words (countWhy renders them). */
  steps: (ExplanationStep | Omit<ExplanationStep, 'why'>)[];
  text: null;
}

type Basis = DeadlineData['basis'];

/** A deadline's data: the event kinds that carry one (deadline.set, .extended, .suspended, .resumed). */
function deadlineData(e: DossierEvent): DeadlineData | undefined {
  const d = (e as { data?: unknown }).data as Partial<DeadlineData> | undefined;
  return d && typeof d === 'object' && d.explanation && d.basis && typeof d.lastDay === 'string'
    ? (d as DeadlineData)
    : undefined;
}

/** The explanation whole again, from its stored parts, the basis and the last day. */
function whole(s: Omit<StoredExplanation, 'text'>, basis: Basis, lastDay: string): Explanation {
  const source = 'source' in s ? s.source : basis.source;
  const anchor = { event: s.anchor.event ?? basis.anchorEvent, at: s.anchor.at ?? basis.anchorAt, date: s.anchor.date };
  const term = { text: s.term.text ?? basis.term, amount: s.term.amount, unit: s.term.unit };
  const parts: Omit<Explanation, 'text'> = {
    anchor,
    term,
    ...(source !== undefined ? { source } : {}),
    calendarVersion: s.calendarVersion,
    timeZone: s.timeZone ?? TIME_ZONE,
    atw: { applies: s.atw.applies, why: s.atw.why ?? (s.atw.applies ? ATW_APPLIES : ATW_NOT_CHOSEN) },
    steps: s.steps.map((step) =>
      'why' in step ? step : { ...step, why: countWhy(term as Term, step.from ?? '', anchor.event) },
    ),
    warnings: s.warnings,
  };
  return { ...parts, text: explanationText(parts, lastDay) };
}

/** The keys of an explanation as the calendar makes it (computeDeadline), in their order. */
const WITH_SOURCE = 'anchor,term,source,calendarVersion,timeZone,atw,steps,warnings,text';
const WITHOUT_SOURCE = 'anchor,term,calendarVersion,timeZone,atw,steps,warnings,text';
const keys = (o: object) => Object.keys(o).join();

/**
 * The explanation as stored, or undefined when leaving anything out would not come back byte for
 * byte: only an explanation of the calendar's own shape, keys in its order, whose sentences are
 * the ones its parts render. Checked part by part, not by rendering it whole and comparing the
 * JSON of both (that check was 2 % of the runtime's CPU in a burst of intakes, #19).
 */
function stored(e: Explanation, basis: Basis, lastDay: string): StoredExplanation | undefined {
  const { text, anchor, term, source, ...rest } = e;
  const k = keys(e);
  if (k !== (source === undefined ? WITHOUT_SOURCE : WITH_SOURCE)) return undefined;
  if (typeof anchor !== 'object' || !anchor || keys(anchor) !== 'event,at,date') return undefined;
  if (typeof term !== 'object' || !term || keys(term) !== 'text,amount,unit') return undefined;
  if (typeof anchor.event !== 'string' || typeof anchor.at !== 'string' || typeof anchor.date !== 'string')
    return undefined;
  if (typeof term.text !== 'string' || !Array.isArray(rest.steps)) return undefined;
  const atw = rest.atw;
  if (typeof atw !== 'object' || !atw || keys(atw) !== 'applies,why' || typeof rest.timeZone !== 'string')
    return undefined;
  // A quote absent where the basis has one cannot be left out (JSON has no undefined): stored whole.
  if (source === undefined ? basis.source !== undefined : typeof source !== 'string') return undefined;
  const first = rest.steps[0];
  const countLeftOut =
    first !== undefined &&
    first.rule === 'count' &&
    typeof first.from === 'string' &&
    keys(first) === 'rule,from,to,why' &&
    first.why === countWhy(term as Term, first.from, anchor.event);
  if (text !== explanationText(e, lastDay)) return undefined;
  return {
    anchor: {
      ...(anchor.event === basis.anchorEvent ? {} : { event: anchor.event }),
      ...(anchor.at === basis.anchorAt ? {} : { at: anchor.at }),
      date: anchor.date,
    },
    term: { ...(term.text === basis.term ? {} : { text: term.text }), amount: term.amount, unit: term.unit },
    ...(source === basis.source ? {} : { source }),
    calendarVersion: rest.calendarVersion,
    ...(rest.timeZone === TIME_ZONE ? {} : { timeZone: rest.timeZone }),
    atw:
      atw.why === (atw.applies === true ? ATW_APPLIES : atw.applies === false ? ATW_NOT_CHOSEN : undefined)
        ? { applies: atw.applies }
        : atw,
    steps:
      countLeftOut && first
        ? [{ rule: first.rule, from: first.from, to: first.to }, ...rest.steps.slice(1)]
        : rest.steps,
    warnings: rest.warnings,
    text: null,
  };
}

/** A commit's events as the JSON string its item holds. */
export function storedEvents(events: readonly DossierEvent[]): string {
  return JSON.stringify(
    events.map((e) => {
      const d = deadlineData(e);
      let s: StoredExplanation | undefined;
      try {
        s = d && typeof d.explanation.text === 'string' ? stored(d.explanation, d.basis, d.lastDay) : undefined;
      } catch {
        s = undefined; // parts that do not render (not the calendar's): stored whole
      }
      return s ? { ...e, data: { ...d, explanation: s } } : e;
    }),
  );
}

/** A commit's events as read from its item (the JSON parsed, or a list from before JSON strings): each explanation whole. */
export function readEvents(events: DossierEvent[]): DossierEvent[] {
  for (const e of events) {
    const d = deadlineData(e);
    if (d && (d.explanation as { text: unknown }).text === null)
      d.explanation = whole(d.explanation as unknown as StoredExplanation, d.basis, d.lastDay);
  }
  return events;
}
