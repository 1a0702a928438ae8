/**
 * The form of address (lambdas/domain/address.ts): a regulation that says "je" hears our texts
 * with "je", and what people wrote themselves stays as they wrote it, wherever it stands in the
 * text. fast-check over arbitrary text (lone surrogates, the private-use marks the masking uses,
 * "u" and "uw" in every case), a fixed seed (FC_SEED overrides it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressed } from '../lambdas/domain/address.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
const words = fc.constantFrom(
  'u',
  'U',
  'uw',
  'Uw',
  'kunt u',
  'Bent u',
  'voor u',
  '\uE000',
  '\uE0010\uE001',
  ' ',
  '.',
  '"',
);
const typed = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(words, { maxLength: 8 }).map((w) => w.join(' ')),
);
const ours = fc.array(fc.oneof(words, fc.constantFrom('Wij hebben uw klacht ontvangen.', 'Heeft u vragen?', '\n')), {
  maxLength: 10,
});

describe('addressed: what people wrote stays as written', () => {
  it('"u" leaves every text as it is', () => {
    fc.assert(
      fc.property(typed, (t) => {
        expect(addressed('u', t, [t])).toBe(t);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('"je": each of their texts (4 characters or more) whole, wherever it stands, and no mark left', () => {
    fc.assert(
      fc.property(ours, ours, fc.array(typed, { maxLength: 3 }), (before, after, own) => {
        const text = [...before, ...own, ...after].join(' ');
        const out = addressed('je', text, own);
        for (const v of own) {
          // The marks are dropped from any text first; the rest of what they wrote stays whole.
          const clean = v.replace(/[\uE000\uE001]/g, '');
          if (clean.trim().length >= 4) expect(out).toContain(clean);
        }
        expect(out).not.toMatch(/[\uE000\uE001]/);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('links and e-mail addresses are never words', () => {
    const link = 'https://klacht.example.nl/klacht/01abc/Xy-u-Uw_u';
    expect(addressed('je', `Uw pagina: ${link} of mail u@example.nl`)).toBe(`Je pagina: ${link} of mail u@example.nl`);
  });
});
