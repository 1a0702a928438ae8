/**
 * plain(): the regulation's titles in the words a complainant reads. It keeps what it said (#19):
 * the same title asked again, in any order, after other titles and after its memory was emptied,
 * is said the same; titles that differ only in case or spaces are each said as their own.
 */
import { describe, expect, it } from 'vitest';
import { plain } from '../lambdas/domain/letters.js';

const SAID: [string, string][] = [
  ['Is de klacht ontvankelijk?', 'Kunnen wij uw klacht behandelen?'],
  ['Vooronderzoek', 'Wij zoeken uit wat er is gebeurd'],
  ['  Vooronderzoek afgerond.  ', 'Wij hebben uitgezocht wat er is gebeurd.'],
  // A title that begins with a capital still does when its first word is said otherwise.
  ['Klager en beklaagde worden gehoord', 'U en de medewerker over wie u klaagt worden gehoord'],
  ['De klant wordt gebeld', 'U wordt gebeld'],
  ['klager en beklaagde worden gehoord', 'u en de medewerker over wie u klaagt worden gehoord'],
  ['Klager wordt gehoord', 'U wordt gehoord'],
  ['klager wordt gehoord', 'u wordt gehoord'],
  ['Gesprek met de klager', 'Gesprek met u'],
  ['Opgeschort op verzoek van de klager', 'Opgeschort op uw verzoek'],
  ['Brief aan de klant', 'Brief aan u'],
  ['Uitnodiging hoorzitting', 'Uitnodiging gesprek met de commissie'],
  ['Reactie van de beklaagde', 'Reactie van de medewerker over wie u klaagt'],
  ['Bevindingen', 'Bevindingen'],
];

describe('plain(): a title said to the complainant, kept once said (#19)', () => {
  it('each title says what it says, the first time, again, in reverse order, and after 2 000 other titles', () => {
    for (const [title, words] of SAID) expect(plain(title), title).toBe(words);
    for (const [title, words] of [...SAID].reverse()) expect(plain(title), title).toBe(words);
    for (let i = 0; i < 2000; i++) expect(plain(`Stap ${i} van de klager`)).toBe(`Stap ${i} van u`);
    for (const [title, words] of SAID) expect(plain(title), title).toBe(words);
  });
});
