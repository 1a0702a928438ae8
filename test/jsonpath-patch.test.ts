/**
 * jsonpath-plus as patched (patches/jsonpath-plus+10.4.0.patch, #19): called without `new`, as the
 * Step Functions interpreter (aws-local-stepfunctions) calls it for every path of every state, a
 * scalar result used to come back through a NewError thrown and caught, an Error with its stack
 * trace per value (1.8 % of a simulated year's CPU on its own). The patch leaves it in a slot of
 * the instance instead. The judge is the library's own unpatched path, still there: `new
 * JSONPath(...)` throws the NewError with the value as before, and its value (or its other error)
 * is what the call without `new` must answer, for arbitrary JSON and paths built from its keys,
 * the committed state machines' own paths among them. Both builds Node loads (ES module and
 * CommonJS) are held to it. Seeded (FC_SEED replays a run).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { JSONPath as esmJSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import { PRESET_IDS } from '../statemachines/load.js';

type JP = typeof esmJSONPath;
const cjsJSONPath = (createRequire(import.meta.url)('jsonpath-plus') as { JSONPath: JP }).JSONPath;

/** Every JSONPath the committed state machines use (reference paths and Parameters' values). */
const aslPaths = (() => {
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (typeof x === 'string') {
      if (/^\$\$?(\.|$)/.test(x)) out.add(x.startsWith('$$') ? x.slice(1) : x);
    } else if (x && typeof x === 'object') for (const v of Object.values(x)) walk(v);
  };
  for (const id of PRESET_IDS)
    walk(JSON.parse(readFileSync(new URL(`../statemachines/${id}.asl.json`, import.meta.url), 'utf8')));
  return [...out];
})();

const KEYS = ['a', 'b', 'Payload', 'step', 'outcome', 'result', 'cursor', 'dueAt', 'x y', '0', 'length', 'Execution'];

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.constant(''),
    fc.constant(0),
    fc.constant(false),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
  ),
})).value;

const segment = fc.oneof(
  fc.constantFrom(...KEYS).map((k) => (/^[A-Za-z]\w*$/.test(k) ? `.${k}` : `['${k}']`)),
  fc.nat(3).map((n) => `[${n}]`),
  fc.constant('[*]'),
  fc.constant('.*'),
  fc.constantFrom(...KEYS.filter((k) => /^[A-Za-z]\w*$/.test(k))).map((k) => `..${k}`),
);
const path = fc.oneof(
  fc.array(segment, { maxLength: 4 }).map((s) => `$${s.join('')}`),
  fc.constantFrom(...aslPaths),
);

/** Every path to a value that is there (most of them to scalars: the interpreter's common case). */
function pathsIn(doc: unknown, at = '$'): string[] {
  const out = [at];
  if (Array.isArray(doc)) for (const [i, v] of doc.entries()) out.push(...pathsIn(v, `${at}[${i}]`));
  else if (doc && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc))
      out.push(...pathsIn(v, /^[A-Za-z]\w*$/.test(k) ? `${at}.${k}` : `${at}['${k}']`));
  return out;
}
/** A document and a path into it: one that is there, or an arbitrary one. */
const docAndPath = json.chain((doc) =>
  fc.tuple(fc.constant(doc), fc.oneof(fc.constantFrom(...pathsIn(doc)), fc.constantFrom(...pathsIn(doc)), path)),
);

/** The library's own answer as it was: `new` throws the scalar in a NewError. */
function unpatched(JSONPath: JP, opts: { path: string; json: unknown; wrap: boolean }) {
  try {
    return { value: new (JSONPath as unknown as new (o: typeof opts) => unknown)(opts) };
  } catch (e) {
    if ((e as { avoidNew?: boolean }).avoidNew) return { value: (e as { value: unknown }).value };
    return { error: String(e) };
  }
}
function patched(JSONPath: JP, opts: { path: string; json: unknown; wrap: boolean }) {
  try {
    return { value: JSONPath(opts as never) };
  } catch (e) {
    return { error: String(e) };
  }
}

describe('jsonpath-plus, patched for the Step Functions interpreter (#19)', () => {
  it('is the patched build in both module systems', () => {
    // Without the patch the comparisons below still pass (both sides would be the old code):
    // this says the code under test is the patched one.
    for (const JSONPath of [esmJSONPath, cjsJSONPath]) expect(String(JSONPath)).toContain('SCALAR_SLOT');
    expect(aslPaths.length).toBeGreaterThan(10);
  });

  for (const [name, JSONPath] of [
    ['ES module', esmJSONPath],
    ['CommonJS', cjsJSONPath],
  ] as const) {
    it(`answers what the library answered, for arbitrary JSON and paths (${name})`, () => {
      fc.assert(
        fc.property(docAndPath, fc.boolean(), ([doc, p], wrap) => {
          const opts = { path: p, json: doc, wrap };
          expect(patched(JSONPath, opts)).toStrictEqual(unpatched(JSONPath, opts));
        }),
        { numRuns: 3000, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
      );
    });

    it(`answers scalars, objects and nothing as before, without NewError (${name})`, () => {
      const doc = { a: { b: 0, c: '', d: false, e: null, f: [1, 2], g: { h: 'x' } } };
      for (const p of ['$.a.b', '$.a.c', '$.a.d', '$.a.e', '$.a.f', '$.a.g', '$.a.zz', '$.a.f[*]', '$'])
        for (const wrap of [true, false]) {
          const opts = { path: p, json: doc, wrap };
          expect(patched(JSONPath, opts)).toStrictEqual(unpatched(JSONPath, opts));
        }
      // The interpreter's own call: a scalar comes back as itself, not wrapped.
      expect(JSONPath({ path: '$.a.b', json: doc, wrap: false })).toBe(0);
      expect(JSONPath({ path: '$.a.g.h', json: doc, wrap: false })).toBe('x');
      expect(JSONPath({ path: '$.a.g', json: doc, wrap: false })).toBe(doc.a.g);
      // Without autostart the instance comes back, as before.
      expect(JSONPath({ path: '$.a', json: doc, autostart: false } as never)).toBeInstanceOf(JSONPath);
    });
  }
});
