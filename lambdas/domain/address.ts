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

/**
 * Verbs our texts put before "u" as its subject, with the stem "je" takes ("Wilt u" becomes "Wil
 * je"). Not a verb whose "u" may be its object ("De klachtenfunctionaris geeft u antwoord",
 * "helpt u", "vertelt u", "belt u", "stuurt u": the "je" after those keeps the verb as it is).
 */
const STEMS: Record<string, string> = {
  bent: 'ben',
  wilt: 'wil',
  kunt: 'kun',
  zult: 'zul',
  hoeft: 'hoef',
  heeft: 'heb',
  klaagt: 'klaag',
  krijgt: 'krijg',
  ziet: 'zie',
  kiest: 'kies',
  zoekt: 'zoek',
  vindt: 'vind',
  gaat: 'ga',
  staat: 'sta',
  komt: 'kom',
  vult: 'vul',
  volgt: 'volg',
  trekt: 'trek',
  schrijft: 'schrijf',
  ontvangt: 'ontvang',
  denkt: 'denk',
  leest: 'lees',
  blijft: 'blijf',
  wenst: 'wens',
  voelt: 'voel',
};
const VERB = Object.keys(STEMS).join('|');
const PREPOSITIONS = 'voor|met|aan|bij|naar|over|tegen|van|zonder';

/** The word with the case of the first letter of `like` ("Bent" gives "Ben"). */
function cased(like: string, word: string): string {
  return like[0] === like[0]?.toUpperCase() ? word[0]?.toUpperCase() + word.slice(1) : word;
}
const stem = (verb: string) => cased(verb, STEMS[verb.toLowerCase()] ?? verb);

/** Links and e-mail addresses: never words (a token may hold "-u-"). */
const NOT_WORDS = /\bhttps?:\/\/\S+|[^\s"<>()]+@[^\s"<>()]+/g;
/** Private-use marks around a text kept as it is; dropped from that text itself first. */
const OPEN = '\uE000';
const CLOSE = '\uE001';

/**
 * `text` (written with "u") in the regulation's form of address. `verbatim`: what people wrote
 * themselves (the complainant's story and name, an officer's note), kept as written wherever it
 * stands in `text`; links and e-mail addresses are kept too.
 */
export function addressed(form: AddressForm | undefined, text: string, verbatim: readonly string[] = []): string {
  if (form !== 'je') return text;
  const kept: string[] = [];
  const keep = (s: string) => `${OPEN}${kept.push(s) - 1}${CLOSE}`;
  let masked = text.replace(/[\uE000\uE001]/g, '');
  // Not a word or two ("u" as a whole message would keep every "u" of the text).
  const own = verbatim.map((v) => v.replace(/[\uE000\uE001]/g, '')).filter((v) => v.trim().length >= 4);
  for (const v of [...new Set(own)].sort((a, b) => b.length - a.length)) masked = masked.split(v).join(keep(v));
  masked = masked.replace(NOT_WORDS, keep);
  return said(masked).replace(/\uE000(\d+)\uE001/g, (_, i: string) => kept[Number(i)] ?? '');
}

function said(text: string): string {
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
