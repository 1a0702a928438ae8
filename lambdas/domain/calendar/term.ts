/**
 * Terms as regulations write them ("binnen twee weken", "3 werkdagen", "een jaar") and as
 * structured data ({ amount, unit }).
 */
import { DomainError } from '../errors.js';

export const TERM_UNITS = ['days', 'workingDays', 'weeks', 'months', 'years'] as const;
export type TermUnit = (typeof TERM_UNITS)[number];

export interface Term {
  amount: number;
  unit: TermUnit;
}

/** A term as written, parsed; `text` keeps the words so the explanation can quote them. */
export interface ParsedTerm extends Term {
  text: string;
}

export class TermParseError extends DomainError {
  constructor(
    readonly text: string,
    reason: string,
  ) {
    super(`Termijn "${text}" is niet te lezen: ${reason}`);
    this.name = 'TermParseError';
  }
}

const NUMBER_WORDS: Record<string, number> = {
  een: 1,
  één: 1,
  eén: 1,
  twee: 2,
  drie: 3,
  vier: 4,
  vijf: 5,
  zes: 6,
  zeven: 7,
  acht: 8,
  negen: 9,
  tien: 10,
  elf: 11,
  twaalf: 12,
  dertien: 13,
  veertien: 14,
  vijftien: 15,
  zestien: 16,
  zeventien: 17,
  achttien: 18,
  negentien: 19,
  twintig: 20,
  dertig: 30,
  veertig: 40,
  vijftig: 50,
  zestig: 60,
  negentig: 90,
};

const UNIT_WORDS: Record<string, TermUnit> = {
  dag: 'days',
  dagen: 'days',
  kalenderdag: 'days',
  kalenderdagen: 'days',
  werkdag: 'workingDays',
  werkdagen: 'workingDays',
  week: 'weeks',
  weken: 'weeks',
  maand: 'months',
  maanden: 'months',
  jaar: 'years',
  jaren: 'years',
  // English, for organisations that write their configuration in English.
  day: 'days',
  days: 'days',
  'working-day': 'workingDays',
  'working-days': 'workingDays',
  weeks: 'weeks',
  month: 'months',
  months: 'months',
  year: 'years',
  years: 'years',
};

/** Words that may stand before the number and do not change the term. */
const LEAD_WORDS = new Set([
  'uiterlijk',
  'binnen',
  'maximaal',
  'ten',
  'hoogste',
  'uiterst',
  'within',
  'in',
  'na',
  'tot',
]);

/**
 * Reads a term as a regulation writes it.
 *
 * @example parseTerm('binnen twee weken na de ontvangstbevestiging') // { amount: 2, unit: 'weeks' }
 * @example parseTerm('3 werkdagen') // { amount: 3, unit: 'workingDays' }
 */
export function parseTerm(input: string | Term): ParsedTerm {
  if (typeof input !== 'string') return { ...checkTerm(input, JSON.stringify(input)), text: describeTerm(input) };
  const text = input.trim();
  if (text === '') throw new TermParseError(input, 'er staat niets.');
  const words = text
    .toLowerCase()
    .replace(/[,.;:()]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  let i = 0;
  while (i < words.length && LEAD_WORDS.has(words[i] as string)) i++;
  if (i >= words.length) throw new TermParseError(input, 'er staat geen aantal in.');

  // "half jaar" / "een half jaar": six months.
  if (words[i] === 'een' && words[i + 1] === 'half' && words[i + 2] === 'jaar') {
    return { amount: 6, unit: 'months', text };
  }
  if (words[i] === 'half' && words[i + 1] === 'jaar') return { amount: 6, unit: 'months', text };

  const numberWord = words[i] as string;
  let amount: number | undefined;
  if (/^\d+$/.test(numberWord)) amount = Number(numberWord);
  else amount = NUMBER_WORDS[numberWord];
  if (amount === undefined) {
    throw new TermParseError(input, `"${numberWord}" is geen aantal (schrijf bijvoorbeeld "2" of "twee").`);
  }
  const unitWord = words[i + 1];
  if (unitWord === undefined) {
    throw new TermParseError(input, 'er staat geen eenheid in (dagen, werkdagen, weken, maanden of jaren).');
  }
  const unit = UNIT_WORDS[unitWord];
  if (unit === undefined) {
    throw new TermParseError(
      input,
      `"${unitWord}" is geen eenheid die klachtflow kent (dagen, werkdagen, weken, maanden of jaren).`,
    );
  }
  // Whatever follows may only name the anchor ("na ontvangst van de klacht"); anything else is
  // a second term or a typo, and guessing would put a wrong date in a dossier.
  const rest = words.slice(i + 2);
  if (rest.length > 0 && !['na', 'vanaf', 'from', 'after', 'voor', 'nadat'].includes(rest[0] as string)) {
    throw new TermParseError(input, `na "${unitWord}" staat nog "${rest.join(' ')}", dat begrijpt klachtflow niet.`);
  }
  return { ...checkTerm({ amount, unit }, input), text };
}

function checkTerm(term: Term, text: string): Term {
  if (!Number.isInteger(term.amount) || term.amount < 1) {
    throw new TermParseError(text, 'het aantal moet een geheel getal van 1 of meer zijn.');
  }
  if (!TERM_UNITS.includes(term.unit)) {
    throw new TermParseError(text, `onbekende eenheid "${String(term.unit)}".`);
  }
  if (term.amount > 10_000) throw new TermParseError(text, 'het aantal is te groot.');
  return { amount: term.amount, unit: term.unit };
}

const DUTCH_UNITS: Record<TermUnit, [string, string]> = {
  days: ['dag', 'dagen'],
  workingDays: ['werkdag', 'werkdagen'],
  weeks: ['week', 'weken'],
  months: ['maand', 'maanden'],
  years: ['jaar', 'jaar'],
};

/** "3 werkdagen", "1 week": the term in plain Dutch. */
export function describeTerm(term: Term): string {
  const [one, many] = DUTCH_UNITS[term.unit] ?? ['?', '?'];
  return `${term.amount} ${term.amount === 1 ? one : many}`;
}
