/**
 * Provenance: every rule of a preset names the sentence of its document it comes from. These
 * functions find every quote in a regulation and check that the document really says it, so a
 * reviewer can hold the preset against the document.
 */
import { existsSync, readFileSync } from 'node:fs';
import { documentPath, PRESETS_DIR } from './load.js';
import type { Regulation } from './model.js';

export interface Citation {
  path: string;
  quote: string;
  kind: 'source' | 'notModelled';
}

export interface Assumption {
  path: string;
  text: string;
}

/** Whitespace, markdown emphasis and typographic quotes do not count when comparing. */
export function normaliseForQuote(text: string): string {
  return text.replace(/\*\*/g, '').replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim();
}

function walk(value: unknown, path: string, visit: (key: string, value: unknown, path: string) => void) {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, visit);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      visit(k, v, p);
      walk(v, p, visit);
    }
  }
}

/** Every `source` quote and every `notModelled` quote in a regulation, with its field path. */
export function citationsOf(reg: Regulation): Citation[] {
  const out: Citation[] = [];
  walk(reg, '', (key, value, path) => {
    if ((key === 'source' || key.endsWith('Source')) && typeof value === 'string')
      out.push({ path, quote: value, kind: 'source' });
    if (key === 'quote' && typeof value === 'string' && path.startsWith('notModelled')) {
      out.push({ path, quote: value, kind: 'notModelled' });
    }
  });
  return out;
}

/** Every `assumption`: what klachtflow adds where the document is silent. */
export function assumptionsOf(reg: Regulation): Assumption[] {
  const out: Assumption[] = [];
  walk(reg, '', (key, value, path) => {
    if (key === 'assumption' && typeof value === 'string') out.push({ path, text: value });
  });
  return out;
}

/** The text of the regulation's document, when it names one that exists. */
export function documentOf(reg: Regulation, baseDir = PRESETS_DIR): string | undefined {
  const full = documentPath(reg, baseDir);
  return full && existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

/** Citations whose quote the document does not contain. */
export function unfoundCitations(reg: Regulation, documentText: string): Citation[] {
  const doc = normaliseForQuote(documentText);
  return citationsOf(reg).filter((c) => !doc.includes(normaliseForQuote(c.quote)));
}
