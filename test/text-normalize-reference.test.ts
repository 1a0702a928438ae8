/**
 * `normalizeJson` (lambdas/domain/text.ts) walks every JSON body the API takes: every string in
 * NFC, a lone surrogate refused with its field path, a body nested too deep refused once. It was
 * about 1 % of a simulated year's CPU (#19, session 15): a path array copied for every value,
 * `normalize('NFC')` through ICU for every string, ASCII included, and a regular expression with
 * a look-behind for well-formedness. Judged here against the walk as it was (`referenceNormalizeJson`
 * below, copied from main at f758ece) on arbitrary JSON from fast-check: strings of every code
 * point, lone surrogates, combining marks (decomposed "e\u0301", Hangul jamo, which NFC
 * composes), keys of the same, "__proto__" keys, and nesting around MAX_JSON_DEPTH. The value must
 * be the same (strictly deep-equal and the same JSON text), the issues the same, in the same order.
 * Seeded (FC_SEED replays a run).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  isWellFormed,
  LONE_SURROGATE_MESSAGE,
  MAX_JSON_DEPTH,
  normalizeJson,
  type TextIssue,
  TOO_DEEP_MESSAGE,
} from '../lambdas/domain/text.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const referenceWellFormed = (text: string) => !LONE_SURROGATE.test(text);

/** normalizeJson as it was at f758ece. */
function referenceNormalizeJson(value: unknown): { value: unknown; issues: TextIssue[] } {
  const issues: TextIssue[] = [];
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (path.length > MAX_JSON_DEPTH) {
      if (!issues.some((i) => i.message === TOO_DEEP_MESSAGE)) issues.push({ path, message: TOO_DEEP_MESSAGE });
      return undefined;
    }
    if (typeof v === 'string') {
      if (!referenceWellFormed(v)) {
        issues.push({ path, message: LONE_SURROGATE_MESSAGE });
        return v;
      }
      return v.normalize('NFC');
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (!referenceWellFormed(k)) {
          issues.push({ path: [...path, k.replace(LONE_SURROGATES, '\uFFFD')], message: LONE_SURROGATE_MESSAGE });
          continue;
        }
        // One deliberate change since f758ece (session 16): a key "__proto__" stays an own key, as
        // JSON.parse made it (judged against JSON itself below).
        Object.defineProperty(out, k.normalize('NFC'), {
          value: walk(x, [...path, k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return v;
  };
  const out = walk(value, []);
  return { value: out, issues };
}

/** Text as people and the fuzz type it: plain Dutch, accents both ways, jamo, emoji, halves of them. */
const piece = fc.oneof(
  fc.constantFrom(
    'Sanne de Vries',
    'Cliënt',
    'Cafe\u0301',
    'e\u0301\u0323',
    '\u1100\u1161\u11A8',
    'A\u030A',
    'e\u0300',
    '\u212B',
    '👍🏽',
    '\ud800',
    '\udc00x',
    'x\ud83d',
    '\u0340',
    '__proto__',
    'constructor',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 6 }),
  fc.string({ maxLength: 40 }),
);
const str = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    str,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.array(fc.tuple(str, tie('json')), { maxLength: 4 }).map((entries) => {
      // As JSON.parse makes them: own data properties, "__proto__" included.
      const o: Record<string, unknown> = {};
      for (const [k, v] of entries)
        Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      return o;
    }),
  ),
}));

/** A value nested `depth` deep with `leaf` at the bottom, objects and arrays in turn. */
function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v, 'Cafe\u0301'] : { a: v, 'e\u0301': '\ud800' };
  return v;
}

/**
 * Everything a value holds, as text: own keys in order, undefined, and the prototype where it is
 * not the plain one (a key "__proto__" assigned in the walk sets it). Not vitest's toStrictEqual,
 * which compares `.constructor` and so a body's own key "constructor" by identity.
 */
function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const proto = Object.getPrototypeOf(v);
  const own = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`);
  return `{${proto === Object.prototype ? '' : `<proto ${canonical(proto)}>`}${own.join(',')}}`;
}

function same(input: unknown) {
  const expected = referenceNormalizeJson(input);
  const actual = normalizeJson(input);
  expect(actual.issues).toStrictEqual(expected.issues);
  expect(canonical(actual.value)).toBe(canonical(expected.value));
  expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value));
}

describe('normalizeJson against the walk as it was', () => {
  it('gives the same value and the same issues for arbitrary JSON', () => {
    fc.assert(
      fc.property(json, (v) => same(v)),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('gives the same for text put through JSON as a client sends it', () => {
    fc.assert(
      fc.property(json, (v) => same(JSON.parse(JSON.stringify(v)))),
      { seed: SEED + 1, numRuns: 500 },
    );
  });

  it('gives the same around the nesting limit, with issues below it and past it', () => {
    for (const depth of [
      MAX_JSON_DEPTH - 2,
      MAX_JSON_DEPTH - 1,
      MAX_JSON_DEPTH,
      MAX_JSON_DEPTH + 1,
      MAX_JSON_DEPTH + 5,
    ])
      for (const leaf of ['x', 'Cafe\u0301', '\udfff', { '\ud800k': 1 }]) same(nested(depth, leaf));
  });

  it("leaves every text of characters below U+0300 as NFC leaves it (the shortcut's premise), every pair of them", () => {
    const below = Array.from({ length: 0x300 }, (_, c) => String.fromCharCode(c));
    let changed = 0;
    for (const a of below) for (const b of below) if ((a + b).normalize('NFC') !== a + b) changed++;
    expect(changed).toBe(0);
  });

  it('composes what NFC composes and leaves what it leaves', () => {
    const { value } = normalizeJson({ 'Cafe\u0301': ['A\u030A', '\u212B', '\u1100\u1161', 'plain'] });
    expect(value).toStrictEqual({ 'Caf\u00e9': ['\u00c5', '\u00c5', '\uAC00', 'plain'] });
  });
});

describe('normalizeJson keeps what JSON.parse gave', () => {
  // An outside judge: JSON itself. For a body with no lone surrogate, the walk may change nothing
  // but the form of its text (NFC), so the JSON it hands the routes is the client's JSON text in
  // NFC, parsed and written again. A key "__proto__" is an own key to JSON.parse; assigned in
  // the walk it set the object's prototype instead, and JSON.stringify then dropped it: the route
  // never saw a key the client sent (session 16).
  it('hands the routes the same JSON as the client sent, in NFC, for arbitrary bodies', () => {
    fc.assert(
      fc.property(json, (v) => {
        const text = JSON.stringify(v);
        fc.pre(isWellFormed(text) && !text.includes('\\u'));
        const { value, issues } = normalizeJson(JSON.parse(text));
        expect(issues).toStrictEqual([]);
        expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse(text.normalize('NFC'))));
      }),
      { seed: SEED + 2, numRuns: 2000 },
    );
  });

  it('keeps a key "__proto__" as an own key, at the top and nested, and sets no prototype', () => {
    const body = '{"__proto__":{"naam":"x"},"a":[{"__proto__":1}],"b":{"__proto__":null}}';
    const { value } = normalizeJson(JSON.parse(body));
    expect(JSON.stringify(value)).toBe(body);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as { naam?: string }).naam).toBeUndefined();
  });
});

describe('escapeHtml against the escape as it was', () => {
  /** escapeHtml as it was at f758ece. */
  const referenceEscapeHtml = (s: string) =>
    s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

  it('escapes arbitrary text as before, the five characters among any others', () => {
    const special = fc.constantFrom('&', '<', '>', '"', "'", '&amp;', 'a', ' ', 'é', '\ud800', '__proto__', 'toString');
    fc.assert(
      fc.property(fc.array(fc.oneof(special, fc.string({ maxLength: 10 })), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(escapeHtml(text)).toBe(referenceEscapeHtml(text));
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
