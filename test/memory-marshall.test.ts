/**
 * The memory store's marshalling of a document request's values (runtime/memory-dynamodb.ts,
 * `marshalled`) held to the SDK's own marshall with removeUndefinedValues, as the document client
 * of `npm start` marshals (#19, session 10): the same attribute values, or the same refusal, for
 * arbitrary values: nested objects and arrays with undefined and functions in them, objects without
 * a prototype or with a property named constructor, sets, binaries, bigints, boxed values, dates,
 * maps, special and unsafe numbers, negative zero and arbitrary Unicode in names and strings.
 */
import { createRequire } from 'node:module';
import { inspect, isDeepStrictEqual } from 'node:util';
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marshalled, marshalledPlain } from '../runtime/memory-dynamodb.js';

const outcome = (f: () => unknown) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

const text = fc.string({ unit: 'binary', maxLength: 8 });
const leaf = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 3, arbitrary: fc.integer() },
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    0.5,
    1e-300,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    Number.MIN_SAFE_INTEGER - 1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.bigInt(),
  fc.uint8Array({ maxLength: 3 }),
  fc.constantFrom<unknown>(
    new Set(['a', 'b']),
    new Set([1, 2]),
    new Set<unknown>(),
    new Set([undefined, 'x']),
    new Map([['k', 1]]),
    new Date(0),
    new String('s'),
    new Number(3),
    new Boolean(false),
    NumberValue.from('12345678901234567890'),
    Buffer.from('x'),
  ),
);
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: leaf },
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 3, noNullPrototype: false }),
    fc.record({ constructor: tie('value'), a: tie('value') }),
  ),
})).value;
const top = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(text, value, { maxKeys: 6, noNullPrototype: false }) },
  value,
);

describe("memory store: a request's values marshalled as the SDK marshals them", () => {
  it('the same attribute values, or the same refusal, for arbitrary values', () => {
    fc.assert(
      fc.property(top, (v) => {
        const mine = outcome(() => marshalled(v as Record<string, unknown>));
        const sdk = outcome(() => marshall(v as Record<string, unknown>, { removeUndefinedValues: true }));
        // node's deep equality (prototypes, own properties): vitest's compares a property named
        // constructor as if it were the object's constructor.
        if (!isDeepStrictEqual(mine, sdk))
          expect.fail(`${inspect(mine, { depth: 9 })} != ${inspect(sdk, { depth: 9 })}`);
      }),
      { numRuns: 2000, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });

  it('what it marks plain, dynalite takes as it is: checkTypes gives it back unchanged, and its value check neither refuses nor rewrites a value of it (#19, session 15)', () => {
    // The memory store skips those two walks of a request whose values its marshaller marked plain
    // (wirePlain); the judge is dynalite's own code, on every value the marshaller calls plain.
    const require = createRequire(import.meta.url);
    const validations = require('dynalite/validations/index.js');
    const putItemTypes = require('dynalite/validations/putItem.js').types;
    let plain = 0;
    let notPlain = 0;
    fc.assert(
      fc.property(top, (v) => {
        let marked: [Record<string, unknown>, boolean];
        try {
          marked = marshalledPlain(v as Record<string, unknown>);
        } catch {
          return;
        }
        const [wire, isPlain] = marked;
        if (!isPlain) {
          notPlain++;
          return;
        }
        plain++;
        const checked = validations.checkTypes({ Item: structuredClone(wire) }, putItemTypes);
        if (!isDeepStrictEqual(checked.Item ?? {}, wire))
          expect.fail(`checkTypes changed ${inspect(wire, { depth: 9 })} to ${inspect(checked.Item, { depth: 9 })}`);
        for (const [name, value] of Object.entries(wire)) {
          const copy = structuredClone(value);
          const refusal = validations.validateAttributeValue(copy);
          if (refusal !== undefined || !isDeepStrictEqual(copy, value))
            expect.fail(
              `${name}: ${inspect(value, { depth: 9 })} refused (${refusal}) or rewritten to ${inspect(copy)}`,
            );
        }
      }),
      { numRuns: 2000, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
    // Both answers were given often: the judge saw plain values and values it must not call plain.
    expect(plain).toBeGreaterThan(200);
    expect(notPlain).toBeGreaterThan(200);
  });
});
