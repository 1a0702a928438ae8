/**
 * An in-process request's headers are read without undici's Headers until something changes them
 * (runtime/in-process-request.ts `lightHeaders`, #19 session 17). Held here to the Headers of a
 * `Request` made from the same method, URL, headers and body, on fast-check header sets (names in
 * any case, twice in two cases, values with spaces and tabs around them, characters Headers refuses
 * or changes): every name's get and has (present, absent, in another case, not a name at all),
 * iteration, forEach, keys, values and getSetCookie, then again after changes (set, append, delete).
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inProcessRequest } from '../runtime/in-process-request.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
const BASE = 'http://127.0.0.1:4321';

/** What a Headers shows of itself, read through the same calls, or the error a call throws. */
function observe(h: Headers, names: string[]) {
  const attempt = (f: () => unknown) => {
    try {
      return { ok: f() };
    } catch (e) {
      return { error: (e as Error).name };
    }
  };
  const each: [string, string][] = [];
  h.forEach((value, key, parent) => {
    each.push([key, value]);
    expect(parent).toBe(h);
  });
  return {
    all: [...h],
    each,
    entries: [...h.entries()],
    keys: [...h.keys()],
    values: [...h.values()],
    cookies: h.getSetCookie(),
    get: names.map((n) => attempt(() => h.get(n))),
    has: names.map((n) => attempt(() => h.has(n))),
    isHeaders: h instanceof Headers,
    shown: inspect(h),
  };
}

const name = fc.oneof(
  fc.constantFrom('host', 'Content-Type', 'content-type', 'content-length', 'Authorization', 'prefer', 'X-Two'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/),
);
const value = fc.oneof(
  fc.constantFrom('application/json', 'Bearer abc', 'return=minimal', '12', '', '127.0.0.1:4321'),
  fc.string({ maxLength: 12 }).map((v) => `${v}`),
  fc
    .tuple(fc.constantFrom(' ', '\t', '  ', ''), fc.string({ maxLength: 8 }), fc.constantFrom(' ', '\t', ''))
    .map(([a, b, c]) => `${a}${b}${c}`),
  fc.constantFrom('é', 'a\u0000b', 'a\nb', '😀'),
);
const change = fc.tuple(fc.constantFrom('set', 'append', 'delete'), name, value);

describe('an in-process request’s headers read as a Request’s', () => {
  it('answers every read as Headers does, before and after changes', () => {
    let light = 0;
    fc.assert(
      fc.property(
        fc.dictionary(name, value, { maxKeys: 6 }),
        fc.boolean(),
        fc.array(change, { maxLength: 3 }),
        (headers, withBody, changes) => {
          const init = { method: 'POST', headers, ...(withBody ? { body: '{"a":1}' } : {}) };
          // Without a length a body is a Request's own; with one, the in-process request is light.
          if (withBody) headers['content-length'] ??= '7';
          let real: Request;
          try {
            real = new Request(`${BASE}/complaints`, init);
          } catch {
            return; // headers no Request takes: not the simulation's, nor this judge's
          }
          const ours = inProcessRequest(BASE, '/complaints', init);
          const asked = [
            ...Object.keys(headers),
            ...Object.keys(headers).map((n) => n.toUpperCase()),
            'absent',
            'bad name',
            '',
          ];
          if (Object.getPrototypeOf(ours.headers) !== Headers.prototype) light++;
          expect(observe(ours.headers, asked)).toStrictEqual(observe(real.headers, asked));
          for (const [op, n, v] of changes) {
            const apply = (h: Headers) => {
              try {
                if (op === 'delete') h.delete(n);
                else h[op](n, v);
                return 'ok';
              } catch (e) {
                return (e as Error).name;
              }
            };
            expect(apply(ours.headers)).toBe(apply(real.headers));
          }
          expect(observe(ours.headers, asked)).toStrictEqual(observe(real.headers, asked));
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
    // Precondition: most header sets were read light (the judge would be empty otherwise).
    expect(light).toBeGreaterThan(500);
  });
});
