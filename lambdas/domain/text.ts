/**
 * Text as people type it, made safe to store, cut and mail. JavaScript strings are UTF-16: an
 * emoji is two code units, "é" may be one code point or two, and JSON may carry a lone half of a
 * surrogate pair ("\ud800") that no UTF-8 encoder can write: the AWS SDK's query serialiser throws
 * `URIError: URI malformed` on it (issue 14: one such letter stopped the service from starting).
 * So text is normalised where it enters (NFC, one form for the same letters), refused or repaired
 * when it is not well-formed, and cut only between whole characters as a reader sees them.
 */

/** A lone surrogate: a high half not followed by a low half, or a low half without a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * Whether the text can be written as UTF-8 (no lone surrogates): the engine's own
 * String.prototype.isWellFormed (ES2024, Node 20), which answers what LONE_SURROGATE finds
 * without a regular expression's look-behind (test/text-normalize-reference.test.ts).
 */
export function isWellFormed(text: string): boolean {
  // The project's TypeScript lib is older than ES2024; Node 20 has the method.
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** The text with every lone surrogate replaced by U+FFFD (what a UTF-8 decoder shows for it). */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * A character NFC may change: from U+0300 (the combining marks) up. Every character below it has
 * NFC quick-check "yes" and combining class 0, and none composes with what comes before it, so
 * text without one is in NFC as it stands; `normalize` (ICU) took about a microsecond per string
 * even then (#19, session 15).
 */
const MAY_NORMALISE = /[\u0300-\uFFFF]/;

/** The text in NFC: unchanged when no character of it can change. */
function nfc(text: string): string {
  return MAY_NORMALISE.test(text) ? text.normalize('NFC') : text;
}

/** Well-formed and in Unicode normal form C: the form text is stored and compared in. */
export function normalizeText(text: string): string {
  return toWellFormed(text).normalize('NFC');
}

/** A field path as the API writes it ("complainant.name", "answers.0"). */
export interface TextIssue {
  path: (string | number)[];
  message: string;
}

/** What a person reads when a field holds a broken character (B1). */
export const LONE_SURROGATE_MESSAGE =
  'Dit veld bevat een teken dat niet compleet is (een half teken, bijvoorbeeld van een emoji). Haal het weg of typ het opnieuw.';

/** How deep a request body may nest: our deepest (answers, registration) is three levels. */
/** The longest story the form and the API take (PEOPLE.md: no length limits on the story; this is what one request holds). */
export const MAX_STORY = 50_000;

export const MAX_JSON_DEPTH = 32;
export const TOO_DEEP_MESSAGE = 'Dit bericht is te diep genest; zo ziet geen formulier van ons eruit.';

/**
 * Walks a parsed JSON value: every string (and every object key) not well-formed is an issue
 * with its path; otherwise the value comes back with every string in NFC. Refusing is better
 * than repairing here: the writer is still there to correct it, and a story is not silently
 * changed.
 */
export function normalizeJson(value: unknown): { value: unknown; issues: TextIssue[] } {
  const issues: TextIssue[] = [];
  // The path of the value being walked, one stack changed in place: copied only into an issue
  // (a path array per value was most of the walk's time, #19).
  const path: (string | number)[] = [];
  const walk = (v: unknown): unknown => {
    // No body of ours nests deeper than a few levels; a body nested thousands deep (the fuzz
    // sends them) would overflow the stack here and answer 503 instead of 400.
    if (path.length > MAX_JSON_DEPTH) {
      if (!issues.some((i) => i.message === TOO_DEEP_MESSAGE))
        issues.push({ path: [...path], message: TOO_DEEP_MESSAGE });
      return undefined;
    }
    if (typeof v === 'string') {
      if (!isWellFormed(v)) {
        issues.push({ path: [...path], message: LONE_SURROGATE_MESSAGE });
        return v;
      }
      return nfc(v);
    }
    if (Array.isArray(v)) {
      const out = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        out[i] = walk(v[i]);
        path.pop();
      }
      return out;
    }
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (!isWellFormed(k)) {
          issues.push({ path: [...path, toWellFormed(k)], message: LONE_SURROGATE_MESSAGE });
          continue;
        }
        path.push(k);
        const key = nfc(k);
        // JSON.parse makes "__proto__" an own key; assigned here it would set the prototype (or
        // be ignored) and the key would vanish from what the routes read.
        if (key === '__proto__')
          Object.defineProperty(out, key, { value: walk(x), enumerable: true, writable: true, configurable: true });
        else out[key] = walk(x);
        path.pop();
      }
      return out;
    }
    return v;
  };
  const out = walk(value);
  return { value: out, issues };
}

let segmenter: Intl.Segmenter | undefined;

/** The text's characters as a reader sees them (extended grapheme clusters: "👍🏽" is one). */
export function graphemes(text: string): string[] {
  segmenter ??= new Intl.Segmenter('nl', { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * At most `max` characters as a reader sees them, with "…" in place of the rest. Never cuts an
 * emoji, a flag, a letter from its accent, or a surrogate pair in two.
 */
export function truncateText(text: string, max: number): string {
  // Cheap exit: fewer code units than `max` cannot be more graphemes than that.
  if (text.length <= max) return text;
  const parts = graphemes(text);
  if (parts.length <= max) return text;
  return `${parts
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

/**
 * Bidirectional controls (embeddings, overrides, isolates, the marks): in a file name they make
 * "gnp.exe" with U+202E read as "exe.png". A name needs none of them; they are removed.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** The text without bidirectional control characters. */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/**
 * Bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069): what
 * people typed is stored as typed, but shown or mailed with one of these "Factuur \u202Egnp.exe"
 * reads "Factuur exe.png" (review of session 11). No page or letter of ours writes one itself, and
 * the natural direction of Arabic or Hebrew letters needs none of them, so pages and letters drop
 * them as they go out. The marks (U+200E, U+200F, U+061C) reorder no text and stay.
 */
const BIDI_OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g;

/** The text as it may be shown or mailed: without bidirectional embeddings, overrides and isolates. */
export function withoutBidiOverrides(text: string): string {
  return text.replace(BIDI_OVERRIDES, '');
}

/** What each character HTML gives meaning becomes, as hono/jsx escapes them. */
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;

/**
 * Text as HTML text or an attribute's value: the five characters HTML gives meaning escaped, as
 * hono/jsx escapes them. Text without one comes back as it is, and the table is made once, not an
 * object per character escaped (every line of every letter's HTML passes here, #19 session 15;
 * test/text-normalize-reference.test.ts holds it to the escape as it was).
 */
export function escapeHtml(s: string): string {
  return HTML_SPECIAL.test(s) ? s.replace(HTML_SPECIALS, (c) => HTML_ESCAPES[c] as string) : s;
}
