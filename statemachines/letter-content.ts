/**
 * What a letter must contain (`letter.mustContain`), mapped to where its text comes from: the
 * regulation's own data (the way on, a referral's contact details, a rung's address, the term for
 * the handling) or a field the officer fills in when deciding (the findings, the judgement, the
 * measures and the date by which they are in place). Awb 9:12 asks for the findings, the judgement
 * and the conclusions in writing, with the ombudsman; Wkkgz art. 17 lid 2 for the measures and the
 * term within which they are realised; a regulation adds its own ("het adres van de externe
 * klachtencommissie"). A letter writes each as real text; an item that maps to nothing is a lint
 * error, so no letter ever promises what it does not say.
 *
 * No zod here: the domain and the Lambda functions import this (see vocabulary.ts).
 */
import type { Regulation } from './model.js';

/** Fields the officer fills in when taking the outcome whose letter needs them. */
export const CONTENT_FIELDS = [
  'findings',
  'judgement',
  'conclusions',
  'solutions',
  'measures',
  'measures-date',
  'reason',
  /** Anything else the officer writes: the item's own words are the field's label. */
  'written',
] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number];

/** Text klachtflow takes from the regulation and the dossier. */
export const CONTENT_DATA = [
  /** The day the complaint was received. */
  'received-date',
  /** What the complaint is about: the start of the complainant's own words. */
  'subject',
  /** The outcome the officer chose ("De klacht is ontvankelijk"). */
  'outcome',
  /** The last day of the term for the whole handling (ladder.terms), or of the step's own. */
  'handling-term',
  /** The steps still to come, with their last days. */
  'further-handling',
  /** Where the complainant can go next: the rungs this one leads to and the outside bodies. */
  'way-on',
  /** One outside body (`referral`), with its contact details, term and whether it is binding. */
  'referral',
  /** One rung of the ladder (`rung`): whom to write to, where, and whether it must be in writing. */
  'rung',
  /** A committee of the regulation (`committee`), with its contact details. */
  'committee',
] as const;
export type ContentData = (typeof CONTENT_DATA)[number];

export const CONTENT_KINDS = [...CONTENT_FIELDS, ...CONTENT_DATA] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** A `mustContain` item as a regulation writes it: plain words, or words with their mapping. */
export type ContentItemInput =
  | string
  | { text: string; is: ContentKind; referral?: string; rung?: string; committee?: string };

/** An item mapped: where its text comes from. */
export type LetterContent =
  | {
      text: string;
      source: 'field';
      field: ContentField;
      /** The key of the officer's answer (`contents.<key>` in the action). */
      key: string;
      /** The form's label. */
      label: string;
      type: 'text' | 'date';
    }
  | { text: string; source: 'data'; is: ContentData; ref?: string };

const FIELD_LABELS: Record<Exclude<ContentField, 'written'>, { key: string; label: string; type: 'text' | 'date' }> = {
  findings: { key: 'findings', label: 'Bevindingen', type: 'text' },
  judgement: { key: 'judgement', label: 'Oordeel', type: 'text' },
  conclusions: { key: 'conclusions', label: 'Conclusies', type: 'text' },
  solutions: { key: 'solutions', label: 'Oplossingen', type: 'text' },
  measures: { key: 'measures', label: 'Maatregelen', type: 'text' },
  'measures-date': { key: 'measuresBy', label: 'Datum waarop de maatregelen gerealiseerd zijn', type: 'date' },
  reason: { key: 'reason', label: 'Reden', type: 'text' },
};

/** The words of an item, whichever way it is written. */
export function itemText(item: ContentItemInput): string {
  return typeof item === 'string' ? item : item.text;
}

/** A sentence-start capital: "de bevindingen" → "De bevindingen". */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The key of a `written` item's answer: its words, as an id. */
export function writtenKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

function field(text: string, f: ContentField): LetterContent {
  if (f === 'written')
    return { text, source: 'field', field: f, key: writtenKey(text), label: capitalise(text), type: 'text' };
  return { text, source: 'field', field: f, ...FIELD_LABELS[f] };
}

/**
 * The words klachtflow recognises in plain items, in order: the first that matches maps the item.
 * They are the words the statutes and the regulations use (Awb 9:12: "de bevindingen, het oordeel
 * daarover alsmede de eventueel daaraan verbonden conclusies"; Wkkgz art. 17 lid 2: "welke
 * maatregelen zullen worden genomen en binnen welke termijn deze maatregelen zullen zijn
 * gerealiseerd"). Anything else is written with its mapping (`is`).
 */
const RECOGNISED: { words: RegExp; map: (reg: Regulation, text: string) => LetterContent | undefined }[] = [
  {
    words: /\btermijn\b.*\bmaatregel|\bmaatregel.*\b(gerealiseerd|uitgevoerd)\b/i,
    map: (_r, t) => field(t, 'measures-date'),
  },
  { words: /\bmaatregel/i, map: (_r, t) => field(t, 'measures') },
  { words: /\bbevinding/i, map: (_r, t) => field(t, 'findings') },
  { words: /\boordeel\b/i, map: (_r, t) => field(t, 'judgement') },
  { words: /\bconclusie/i, map: (_r, t) => field(t, 'conclusions') },
  { words: /\boplossing/i, map: (_r, t) => field(t, 'solutions') },
  { words: /\b(waarom|reden)\b/i, map: (_r, t) => field(t, 'reason') },
  { words: /\bontvangstdatum\b|\bdatum van ontvangst\b/i, map: (_r, t) => data(t, 'received-date') },
  { words: /\bwaar de klacht over gaat\b|\bonderwerp van de klacht\b/i, map: (_r, t) => data(t, 'subject') },
  {
    words: /\buiterlijk\b.*\bafgehandeld\b|\btermijn\b.*\b(afhandeling|behandeling)\b/i,
    map: (r, t) => (r.ladder.terms.length ? data(t, 'handling-term') : undefined),
  },
  { words: /\bombudsman\b/i, map: (r, t) => referralOfKind(r, t, 'ombudsman') },
  { words: /\bgeschillen(commissie|instantie)\b/i, map: (r, t) => referralOfKind(r, t, 'disputes-body') },
  { words: /\bverdere behandeling\b|\bverder (wordt )?behandeld\b/i, map: (_r, t) => data(t, 'further-handling') },
  {
    words: /\bberoep\b|\bniet (mee )?eens\b|\bniet tevreden\b|\bverder kan\b|\bvervolgstap|\bterecht kan\b/i,
    map: (_r, t) => data(t, 'way-on'),
  },
];

function data(text: string, is: ContentData, ref?: string): LetterContent {
  return { text, source: 'data', is, ...(ref ? { ref } : {}) };
}

function referralOfKind(reg: Regulation, text: string, kind: string): LetterContent | undefined {
  const found = reg.referrals.filter((r) => r.kind === kind);
  return found.length === 1 && found[0] ? data(text, 'referral', found[0].id) : undefined;
}

/**
 * Where an item's text comes from, or undefined when klachtflow cannot tell (the lint says how to
 * write it). An item written with `is` maps as it says; plain words by RECOGNISED.
 */
export function contentOf(reg: Regulation, item: ContentItemInput): LetterContent | undefined {
  if (typeof item !== 'string') {
    const { text, is } = item;
    if ((CONTENT_FIELDS as readonly string[]).includes(is)) return field(text, is as ContentField);
    const ref =
      is === 'referral' ? item.referral : is === 'rung' ? item.rung : is === 'committee' ? item.committee : undefined;
    return data(text, is as ContentData, ref);
  }
  for (const r of RECOGNISED) if (r.words.test(item)) return r.map(reg, item);
  return undefined;
}

/** The fields of a list of items the officer must fill in, once per key. */
export function contentFields(
  reg: Regulation,
  items: readonly ContentItemInput[],
): Extract<LetterContent, { source: 'field' }>[] {
  const out = new Map<string, Extract<LetterContent, { source: 'field' }>>();
  for (const item of items) {
    const c = contentOf(reg, item);
    if (c?.source === 'field' && !out.has(c.key)) out.set(c.key, c);
  }
  return [...out.values()];
}
