/**
 * The form of address a regulation speaks in: "u" (most), or "je" where the regulation itself
 * says "je" to the people it is for (Ondersteuningsteam: "Dat kan je dan melden bij jouw
 * contactpersoon"; SO! Trainingsbureau, youth care where "Kinderen vanaf 12 jaar kunnen zelf een
 * klantsignaal/klacht indienen": "Ben je als cliënt niet tevreden"). A child who reads "u" on the
 * form of an organisation that says "je" everywhere else reads a different organisation
 * (PEOPLE.md: the complainant's own words).
 *
 * klachtflow's texts are written with "u"; `addressed` says them with "je" where the regulation
 * does. Whole sentences only, by rules for the words our texts use: the verb before "u" loses its
 * -t ("Bent u" becomes "Ben je", "Heeft u" "Heb je"), "u heeft" becomes "je hebt", "u" after a
 * preposition becomes "jou" ("voor jou"), every other "u" and "uw" becomes "je". A text whose
 * words the rules do not know keeps a "u": the judges (browser-form-error-order) find it.
 */
export type AddressForm = 'u' | 'je';

/** Verbs our texts put before "u", with the stem "je" takes ("Wilt u" becomes "Wil je"). */
const STEMS: Record<string, string> = {
  bent: 'ben',
  wilt: 'wil',
  kunt: 'kun',
  zult: 'zul',
  klaagt: 'klaag',
  krijgt: 'krijg',
  ziet: 'zie',
  kiest: 'kies',
  zoekt: 'zoek',
  vindt: 'vind',
  wordt: 'word',
  gaat: 'ga',
  staat: 'sta',
  komt: 'kom',
  stuurt: 'stuur',
  vult: 'vul',
  schrijft: 'schrijf',
  ontvangt: 'ontvang',
  hoort: 'hoor',
  zegt: 'zeg',
  neemt: 'neem',
  geeft: 'geef',
  belt: 'bel',
  denkt: 'denk',
  leest: 'lees',
  blijft: 'blijf',
  dient: 'dien',
  houdt: 'houd',
  maakt: 'maak',
  spreekt: 'spreek',
  legt: 'leg',
  vraagt: 'vraag',
  wenst: 'wens',
  voelt: 'voel',
  heeft: 'heb',
};
const VERB = Object.keys(STEMS).join('|');
const PREPOSITIONS = 'voor|met|aan|bij|naar|over|tegen|van|zonder';

/** The word with the case of the first letter of `like` ("Bent" gives "Ben"). */
function cased(like: string, word: string): string {
  return like[0] === like[0]?.toUpperCase() ? word[0]?.toUpperCase() + word.slice(1) : word;
}
const stem = (verb: string) => cased(verb, STEMS[verb.toLowerCase()] ?? verb);

/** `text` (written with "u") in the regulation's form of address. */
export function addressed(form: AddressForm | undefined, text: string): string {
  if (form !== 'je') return text;
  return (
    text
      // "Wilt of kunt u" becomes "Wil of kun je": both verbs go with the one subject.
      .replace(
        new RegExp(`\\b(${VERB}) of (${VERB}) u\\b`, 'gi'),
        (_, a: string, b: string) => `${stem(a)} of ${stem(b)} je`,
      )
      .replace(new RegExp(`\\b(${VERB}) u\\b`, 'gi'), (_, v: string) => `${stem(v)} je`)
      .replace(/\b([Uu]) heeft\b/g, (_, u: string) => `${cased(u, 'je')} hebt`)
      .replace(new RegExp(`\\b(${PREPOSITIONS}) u\\b`, 'gi'), (_, p: string) => `${p} jou`)
      .replace(/\b([Uu])w?\b/g, (_, u: string) => cased(u, 'je'))
  );
}
