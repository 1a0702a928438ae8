/**
 * Dutch readability: the Flesch-Douma score (W.H. Douma, 1960, Flesch's Reading Ease with Dutch
 * constants): 206.835 − 0.93 × (words per sentence) − 77 × (syllables per word). Higher is easier;
 * 60–70 reads as "normal", 70–80 as "fairly easy" (B1 is about there). No npm package computes it
 * for Dutch (`flesch` and the like count English syllables), so this is the formula itself with
 * syllables counted by the Dutch hyphenation patterns of `hyphenation.nl` (TeX's nl patterns) in
 * `hypher`. The patterns never split off one letter at a word's edge (leftmin and rightmin 2), so
 * "over" counts one syllable, not two: the score errs a little on the easy side. It is a signal
 * for a floor in the tests, not a verdict on a text (LiNT is the instrument writers use).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Hypher = require('hypher');
const hypher = new Hypher(require('hyphenation.nl'));

/** The words of a text: letters (with accents), digits count as one word each. */
export function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/**
 * The sentences of a text: ended by . ! ? or a line break (a line of a letter, a label, a list
 * item, a heading each read as a unit). Abbreviations like "t.a.v." do not end one.
 */
export function sentencesOf(text: string): string[] {
  return text
    .replace(/\b(t\.a\.v|o\.a|m\.b\.t|bijv|bv|d\.w\.z|i\.p\.v|enz|nr|tel)\./gi, (m) => m.replace(/\./g, ''))
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => wordsOf(s).length > 0);
}

/** Syllables of one Dutch word, from its hyphenation points. */
export function syllables(word: string): number {
  const w = word.toLowerCase();
  if (/^\p{N}+$/u.test(w)) return 1;
  return w
    .split(/['’-]/)
    .filter(Boolean)
    .reduce((n, part) => n + Math.max(1, hypher.hyphenate(part).length), 0);
}

export interface Readability {
  score: number;
  words: number;
  sentences: number;
  wordsPerSentence: number;
  syllablesPerWord: number;
}

/** The Flesch-Douma score of a text (see the file's comment). */
export function fleschDouma(text: string): Readability {
  const sentences = sentencesOf(text);
  const words = sentences.flatMap(wordsOf);
  const syl = words.reduce((n, w) => n + syllables(w), 0);
  const wps = words.length / Math.max(1, sentences.length);
  const spw = syl / Math.max(1, words.length);
  return {
    score: Math.round((206.835 - 0.93 * wps - 77 * spw) * 10) / 10,
    words: words.length,
    sentences: sentences.length,
    wordsPerSentence: Math.round(wps * 10) / 10,
    syllablesPerWord: Math.round(spw * 100) / 100,
  };
}

/** The words a person reads on an HTML page: tags out, each block element ends a line. */
export function pageText(html: string): string {
  return html
    .replace(/<head>.*?<\/head>/s, '')
    .replace(/<(script|style)\b.*?<\/\1>/gs, '')
    .replace(/<\/(p|li|h[1-6]|label|legend|summary|dt|dd|option|button|a|td|th|figcaption)>/g, '\n')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ');
}
