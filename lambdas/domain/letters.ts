/**
 * Letters and notices, derived from the regulation and the dossier. Plain Dutch (B1): the main
 * message first, exact dates ("uiterlijk donderdag 24 september 2026"), a contact, what the reader
 * may do next (Awb 9:12, PEOPLE.md). Text is the source; HTML is the same text escaped.
 */

import { Temporal } from 'temporal-polyfill';
import {
  type ContentItemInput,
  capitalise,
  contentOf,
  type LetterContent,
} from '../../statemachines/letter-content.js';
import type { Regulation, Rung, Step } from '../../statemachines/model.js';
import { ANCHOR_LABELS, stepsOf } from '../../statemachines/vocabulary.js';
import { addressed } from './address.js';
import { computeDeadline, formatDutchDate, localDate } from './calendar/deadline.js';
import { describeTerm, parseTerm } from './calendar/term.js';
import type { DossierView } from './dossier.js';
import { deadlineFor } from './procedure/deadlines.js';
import { escapeHtml, truncateText, withoutBidiOverrides } from './text.js';

export interface Letter {
  kind: string;
  subject: string;
  text: string;
  html: string;
}

export interface LetterInput {
  reg: Regulation;
  view: DossierView;
  kind: string;
  /** Who reads it: the complainant, the respondent, or an officer role. */
  audience: 'complainant' | 'respondent' | 'officer';
  step?: Step;
  outcomeTitle?: string;
  /** What the officer wrote with the action (findings, ground, report). */
  note?: string;
  referralId?: string;
  /** What the regulation says this letter must contain; each written in as text (letter-content.ts). */
  mustContain?: readonly ContentItemInput[];
  /** What the officer wrote for the items that are theirs to fill in (`contents.<key>`). */
  contents?: Record<string, string>;
  /** For notices and extensions: the date that matters. */
  dueAt?: string;
  /** The end of the complainant's term to ask for the next rung, where the regulation sets one. */
  replyBy?: string;
  reason?: string;
  dossierUrl?: string;
  /** The page where a complainant who lost their private link asks for a new one. */
  lostLinkUrl?: string;
  /**
   * The letter that closes the complaint, where the complainant's page asks the satisfaction
   * question (closed, not withdrawn: `asksSatisfaction`): say where and how to answer it.
   */
  inviteSatisfaction?: boolean;
  /** For the letter asking for missing information: the fields the complaint still lacks. */
  missing?: string[];
  /**
   * The clock stopped or runs again (opschorting): why, what starts it again, its own last day, and
   * (when it runs again) what started it.
   */
  suspension?: {
    title: string;
    resumesWhen: string;
    until?: string;
    why?: 'resumed' | 'information' | 'term-passed' | 'step-ended';
    /** The first day that did not count (Awb 4:15 lid 1: the day after it stopped), YYYY-MM-DD. */
    from?: string;
    /** The day it counts again (the day it was resumed), YYYY-MM-DD. */
    runsAgain?: string;
  };
}

/** The one question the complainant's page asks after closure; the letter quotes it as the page asks it. */
export const SATISFACTION_QUESTION = 'Bent u tevreden over hoe wij uw klacht behandelden?';

/**
 * Whether the complainant's page asks the satisfaction question: after closure, not after a
 * withdrawal (they stopped the handling themselves: nothing to judge), not after erasure.
 */
export function asksSatisfaction(closed: { result: string } | undefined | null, erased = false): boolean {
  return !!closed && closed.result !== 'withdrawn' && !erased;
}

/**
 * Where a letter carries the complainant's own link. The token exists only hashed, so the stored
 * letter (which officers read) keeps these words; a fresh link is put in as the mail is sent
 * (`Core.deliver`), and the one they had keeps working.
 */
export const PAGE_LINK = '[uw persoonlijke link]';

/** The line of a letter that gives the complainant's page (the closing letter's satisfaction question). */
const PAGE_LINK_LINE = `Uw pagina: ${PAGE_LINK}`;

/**
 * A stored letter as the complainant's own page shows it. They read it at the link the mail put
 * in, so the line with the link says where the question is on this page, and no placeholder meant
 * for the mail ever reaches the page.
 */
export function letterOnPage(text: string): string {
  return (
    text
      .split('\n')
      // "Uw pagina", or "Je pagina" in a regulation that says "je" (address.ts).
      .map((line) =>
        line.trim() === PAGE_LINK_LINE || line.trim() === `Je pagina: ${PAGE_LINK}`
          ? 'De vraag staat hierboven op deze pagina.'
          : line,
      )
      .join('\n')
      .replaceAll(PAGE_LINK, 'deze pagina')
  );
}

/** Who may complain, in words (the regulation's `eligibility.roles`), for messages and overviews. */
export const COMPLAINANT_ROLE_NL: Record<string, string> = {
  client: 'de cliënt zelf',
  parent: 'een ouder of verzorger',
  guardian: 'een voogd',
  child: 'een kind of jongere, zelf',
  'legal-representative': 'een wettelijk vertegenwoordiger',
  'authorised-person': 'iemand die de cliënt heeft gemachtigd',
  'surviving-relative': 'een nabestaande',
  'partner-organisation': 'een partnerorganisatie',
};

/** How a letter names a field the intake variant requires (model: IntakeVariant.requiredFields). */
export const FIELD_NAMES_NL: Record<string, string> = {
  name: 'uw naam',
  address: 'uw adres (straat en huisnummer, postcode en plaats)',
  email: 'uw e-mailadres',
  phone: 'uw telefoonnummer',
  description: 'een omschrijving van uw klacht: wat is er gebeurd, en waarover bent u ontevreden?',
  incidentDate: 'wanneer het gebeurde',
  respondent: 'over wie uw klacht gaat',
};

/**
 * A title as a sentence: a full stop unless it already ends one ("Is de klacht ontvankelijk?"
 * stays as it is; the regulations write some steps as questions).
 */
export function sentence(title: string): string {
  const t = title.trim();
  return /[.?!]$/.test(t) ? t : `${t}.`;
}

/**
 * The regulation's words for its steps, said to a complainant in plain words (B1): the documents
 * write for their officers ("Is de klacht ontvankelijk?", "Vooronderzoek", "de klant"), the
 * complainant reads "u". Whole titles first, then words inside others.
 */
const PLAIN: [RegExp, string | ((match: string, offset: number) => string)][] = [
  [/^Is de klacht ontvankelijk\?$/i, 'Kunnen wij uw klacht behandelen?'],
  [/^De klager en de beklaagde horen$/i, 'Gesprek met u en met de medewerker over wie u klaagt'],
  [/^De klacht is ontvankelijk\.?$/i, 'Wij nemen uw klacht in behandeling.'],
  [/^De klacht is niet ontvankelijk\.?$/i, 'Wij kunnen uw klacht niet behandelen.'],
  [/^Vooronderzoek$/i, 'Wij zoeken uit wat er is gebeurd'],
  [/^Vooronderzoek afgerond\.?$/i, 'Wij hebben uitgezocht wat er is gebeurd.'],
  [/\bde klant\b/gi, 'u'],
  [/\bvan de klant\b/gi, 'van u'],
  [/\bhoorzitting\b/gi, 'gesprek met de commissie'],
  // The complainant in the third person, said to them: "op verzoek van de klager" is "op uw verzoek".
  [/\bop verzoek van de klager\b/gi, 'op uw verzoek'],
  [/\bklager en beklaagde\b/gi, 'u en de medewerker over wie u klaagt'],
  [/\b(?:de )?klager\b/gi, (m: string, at: number) => (at === 0 && /^[A-Z]/.test(m) ? 'U' : 'u')],
  [/\bbeklaagde\b/gi, 'medewerker over wie u klaagt'],
];

/**
 * Titles said in plain words before: the regulation's few step and outcome titles come back in
 * letter after letter, each time through every expression of PLAIN (1 % of a simulated year's CPU,
 * #19). Bounded, emptied when full, for a title that is not the regulation's.
 */
const PLAIN_SAID = new Map<string, string>();
const PLAIN_KEPT = 512;

/** A title of the regulation in the words a complainant reads (see PLAIN). */
export function plain(title: string): string {
  const said = PLAIN_SAID.get(title);
  if (said !== undefined) return said;
  let t = title.trim();
  for (const [from, to] of PLAIN) t = typeof to === 'string' ? t.replace(from, to) : t.replace(from, to);
  // A title that began with a capital begins with one still ("Klager en beklaagde worden gehoord"
  // is "U en de medewerker ...", not "u en ...").
  if (/^\p{Lu}/u.test(title.trim()) && /^\p{Ll}/u.test(t)) t = t[0]?.toUpperCase() + t.slice(1);
  if (PLAIN_SAID.size >= PLAIN_KEPT) PLAIN_SAID.clear();
  PLAIN_SAID.set(title, t);
  return t;
}

/**
 * Why the clock stands still, said to the complainant (their page and their letter): the ground's
 * own words for them where the regulation gives them (`toComplainant`), the vocabulary's for asking
 * them to complete the complaint, else the officers' title in plain words ("op uw verzoek").
 */
export function groundToComplainant(ground: {
  title: string;
  toComplainant?: string | undefined;
  on?: string;
}): string {
  if (ground.toComplainant) return sentence(ground.toComplainant);
  if (ground.on === 'missing-information') return 'Wij hebben u gevraagd uw klacht aan te vullen.';
  return sentence(plain(ground.title));
}

/**
 * A deadline's explanation as the complainant reads it in their own view of the dossier: where
 * the clock stood still, the ground in the words their page and letter use (groundToComplainant:
 * "u heeft om bemiddeling gevraagd"), not the officers' title.
 */
export function explanationForComplainant<E extends { text: string; steps: { why: string }[] }>(
  reg: Regulation,
  explanation: E,
): E {
  const grounds = reg.ladder.suspension?.grounds ?? [];
  if (grounds.length === 0) return explanation;
  const say = (text: string) =>
    grounds.reduce((t, g) => t.replaceAll(g.title, afterColon(groundToComplainant(g)).replace(/\.$/, '')), text);
  return {
    ...explanation,
    text: say(explanation.text),
    steps: explanation.steps.map((s) => ({ ...s, why: say(s.why) })),
  };
}

/** "De reden: u heeft …": a sentence after a colon goes on in lower case (not a name: "ONS"). */
export function afterColon(text: string): string {
  return /^[A-Z](?:[a-z]|\s)/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}

/**
 * A step, a term or a rung of the regulation named in what a complainant reads: its title in plain
 * words, between quotes. The regulations write their titles as questions ("Wordt de klacht
 * behandeld?"), statements ("De manager zoekt een oplossing") and nouns ("Bemiddeling"): quoted,
 * each reads as the name it is, in any sentence or list line it stands in.
 */
export function named(title: string, complainant = true): string {
  const t = (complainant ? plain(title) : title.trim()).replace(/\.$/, '');
  return `"${capitalise(t)}"`;
}

/** A sentence that ends in a name: no full stop after a quoted question ('… "Wordt de klacht behandeld?"'). */
export function endSentence(text: string): string {
  return /[.?!]"?$/.test(text) ? text : `${text}.`;
}

/**
 * One line of "what comes, and by when", in the same form for every step and every term: the date
 * first, then the name ("Uiterlijk donderdag 1 oktober 2026: "Wordt de klacht behandeld?"").
 */
export function dueLine(title: string, dueAt: string, complainant = true): string {
  return `Uiterlijk ${dayOf(dueAt)}: ${named(title, complainant)}`;
}

/** "Titel: uiterlijk …", or after a question "Is de klacht ontvankelijk? Uiterlijk …". */
export function labelled(title: string, rest: string): string {
  const t = title.trim();
  return /[.?!]$/.test(t) ? `${t} ${rest.charAt(0).toUpperCase()}${rest.slice(1)}` : `${t}: ${rest}`;
}

/** The day a deadline ends, as people say it: "donderdag 24 september 2026". */
export function dayOf(iso: string): string {
  return formatDutchDate(localDate(iso));
}

/** The dossier as far as who to contact depends on it: its rung, where it began, whom it is about. */
type ContactDossier = { rungId?: string | undefined; received: { startRung?: string; aboutRole?: string } };

/**
 * Whom the complainant contacts with a question, as the regulation names them (PEOPLE.md: a named
 * contact person and how to reach them, not only a reference): its complaints officer (ONS: "de
 * klachtenfunctionaris volgt het hele proces"; SO!: "Klachtenfunctionaris Mieke Pater"); without
 * one (SWT Dordrecht) the role that handles the rung the complaint is at, or the rung it entered.
 * Never the role the complaint is about where the regulation routes such complaints elsewhere (OCO:
 * "Gaat een klacht over de coördinator zelf? Dan is de leidinggevende ... verantwoordelijk"). A
 * person by name where the role names exactly one; reached at the person's, else the role's, else
 * the organisation's address. The model has had names and addresses of roles all along (`people`,
 * `contact`); no field was added.
 */
export function contactPerson(
  reg: Regulation,
  dossier: ContactDossier,
): { who: string; reach: { email?: string; phone?: string; postalAddress?: string }; askFor?: string } {
  const about = dossier.received.aboutRole;
  const routed = reg.conflictOfInterest.find((c) => c.when === 'complaint-about-role' && c.role === about);
  const person = (id: string | undefined) => {
    const role = reg.roles.find((r) => r.id === id);
    return role && role.kind !== 'committee' && role.kind !== 'administrative-body' ? role : undefined;
  };
  // The rung's own handler, else the one of the nearest rung below it (SWT's external committee:
  // the manager who handled it last), else of the rung the complaint entered.
  const rungs = reg.ladder.rungs;
  const at = rungs.findIndex((r) => r.id === dossier.rungId);
  const below = rungs
    .slice(0, at + 1)
    .reverse()
    .map((r) => person(r.handlerRole))
    .find((r) => r !== undefined);
  let role =
    reg.roles.find((r) => r.kind === 'complaints-officer') ??
    below ??
    person(rungs.find((r) => r.id === dossier.received.startRung)?.handlerRole);
  if (role && routed && role.id === about)
    role = person(routed.routeTo !== 'substitute' ? routed.routeTo : role.deputies[0]);
  const org = reg.organisation.contact;
  if (!role) return { who: reg.organisation.name, reach: org };
  // Without what the title adds in brackets (OCO: "Coördinator (klachtenfunctionaris)"): B1, short.
  const bare = role.title.replace(/\s*\([^)]*\)/g, '').trim() || role.title;
  const title = bare.charAt(0).toLowerCase() + bare.slice(1);
  // "onze klachtenfunctionaris", but "de manager van het Sociaal Wijkteam" (the title says whose).
  const ours = / van /.test(title) ? `de ${title}` : `onze ${title}`;
  const one = role.people.length === 1 ? role.people[0] : undefined;
  const reach = one?.email || one?.phone ? one : (role.contact ?? org);
  // The organisation's general number (ONS: "bellen naar het algemene nummer ... en te vragen naar
  // de klachtenfunctionaris"): say whom to ask for.
  const general = !one && reach.phone !== undefined && reach.phone === org.phone;
  return {
    who: one ? `${one.name}, ${ours}` : ours,
    ...(general ? { askFor: ours.replace(/^onze /, 'de ') } : {}),
    reach: {
      ...(reach.email ? { email: reach.email } : {}),
      ...(reach.phone ? { phone: reach.phone } : {}),
      ...(!one && 'postalAddress' in reach && reach.postalAddress ? { postalAddress: reach.postalAddress } : {}),
    },
  };
}

/** The letter's closing lines: whom to contact with a question, and how. */
function contactLines(reg: Regulation, view: ContactDossier): readonly string[] {
  return keptContact(reg, view).lines;
}

/**
 * Whom to contact, and the closing lines that say it, kept per regulation object (never changed
 * once loaded; statemachines/ladder.ts keeps its ladder by it the same way) and per the three
 * things contactPerson reads of a dossier: its rung, the rung it entered, whom it is about. Every
 * letter to a complainant or respondent ends with them, and working them out again from the
 * regulation's roles and rungs was about 0.7 % of a simulated year's CPU (#19, session 17).
 * Bounded per regulation (`aboutRole` comes with the complaint): emptied when full.
 * test/letters-kept.test.ts holds the kept lines to those of a regulation never seen before.
 */
const CONTACTS = new WeakMap<Regulation, Map<string, { who: string; lines: readonly string[] }>>();
const CONTACTS_KEPT = 256;

function keptContact(reg: Regulation, view: ContactDossier): { who: string; lines: readonly string[] } {
  let kept = CONTACTS.get(reg);
  if (!kept) {
    kept = new Map();
    CONTACTS.set(reg, kept);
  }
  // "\u0001" for absent: no id of the regulation is that character.
  const key = `${view.rungId ?? '\u0001'}\u0000${view.received.startRung ?? '\u0001'}\u0000${view.received.aboutRole ?? '\u0001'}`;
  const hit = kept.get(key);
  if (hit) return hit;
  const { who, reach, askFor } = contactPerson(reg, view);
  const made = {
    who,
    lines: Object.freeze([
      `Vragen? Neem contact op met ${who}:`,
      ...(reach.email ? [`  e-mail: ${reach.email}`] : []),
      ...(reach.phone ? [`  telefoon: ${reach.phone}${askFor ? ` (vraag naar ${askFor})` : ''}`] : []),
      ...(reach.postalAddress ? [`  post: ${reach.postalAddress}`] : []),
    ]),
  };
  if (kept.size >= CONTACTS_KEPT) kept.clear();
  kept.set(key, made);
  return made;
}

function referralLines(reg: Regulation, ids: string[]): string[] {
  return reg.referrals
    .filter((r) => ids.includes(r.id))
    .flatMap((r) => [
      `${r.name}: ${r.when}`,
      // The term the regulation names for going there (Awb 9:12 lid 2: "binnen welke termijn";
      // de Linde: "binnen een jaar na de beslissing"): who waits longer loses the way on.
      ...(r.term ? [`  Dat kan ${r.term}.`] : []),
      ...[
        r.contact.phone && `  telefoon: ${r.contact.phone}`,
        r.contact.email && `  e-mail: ${r.contact.email}`,
        r.contact.web && `  website: ${r.contact.web}`,
      ].filter((x): x is string => !!x),
    ]);
}

/** The closure letter's words when the complainant's term to choose passed without an answer. */
export const NO_ANSWER_NOTE =
  'U heeft ons niet laten weten of u verder wilt met uw klacht. De termijn daarvoor is voorbij. Daarom sluiten wij uw klacht af. Wilt u toch nog verder? Neem dan contact met ons op.';

/**
 * The outside bodies a complainant may go to from this rung (its escalation to a rung of kind
 * `external`), said after the term to choose: that term is klachtflow's, to close the dossier here
 * (ladder.choice, an assumption), not the body's. SO! Trainingsbureau: "Dan wordt de klacht een
 * geschil dat je vervolgens schriftelijk voor kunt leggen aan de Geschillencommissie Zorg" names no
 * term, and the letter's "Laat het ons uiterlijk ... weten ... Dan sluiten wij uw klacht af" read
 * as the last day for the Geschillencommissie (review of session 11). Where the regulation names the
 * body's term (`referral.term`, Awb 9:12 lid 2) it is said; else that the body's own rules decide.
 */
export function outsideAfterChoice(reg: Regulation, rungId: string | undefined): string[] {
  const rung = reg.ladder.rungs.find((r) => r.id === rungId);
  return (rung?.escalation ?? []).flatMap((e) => {
    const to = reg.ladder.rungs.find((r) => r.id === e.to);
    if (to?.kind !== 'external') return [];
    const referral = reg.referrals.find((r) => r.id === to.referral);
    const name = referral?.name ?? to.title;
    return [
      `Ook daarna kunt u zelf naar ${name}. ${referral?.term ? `Dat kan ${referral.term}.` : `Tot wanneer dat kan, staat in de regels van ${name}.`}`,
    ];
  });
}

/** What happens when the complainant's term to choose ends, with its day. */
function replyByLines(replyBy: string | undefined, outside: string[] = []): string[] {
  if (!replyBy) return [];
  return [
    `Laat het ons uiterlijk ${dayOf(replyBy)} weten.`,
    'Hebben wij dan niets van u gehoord? Dan sluiten wij uw klacht af. U krijgt daarover een brief.',
    ...outside,
  ];
}

/**
 * Free, independent help the statute gives a complainant where the regulation names no help of its
 * own: cliëntondersteuning, free and independent, from the municipality under the Wmo 2015 (art.
 * 2.2.4) and the Jeugdwet, from the zorgkantoor under the Wlz (PEOPLE.md, "What complainants must
 * be told"). Said in the acknowledgement, when the complaint begins.
 */
function clientSupportLines(reg: Regulation, view: ContactDossier): string[] {
  const frameworks = reg.organisation.legalFramework;
  // Wkkgz art. 15: the provider has a complaints officer who advises and helps the complainant
  // free of charge (PEOPLE.md); named, with how to reach them, where the regulation names them.
  const officer = frameworks.includes('wkkgz')
    ? reg.roles.find((r) => r.kind === 'complaints-officer')?.people[0]
    : undefined;
  // The same person the letter ends with as its contact: how to reach them is said there, once.
  if (officer && keptContact(reg, view).who.startsWith(`${officer.name},`))
    return [
      '',
      `Wilt u hulp bij uw klacht? Onze klachtenfunctionaris ${officer.name} helpt u gratis.`,
      `Hoe u ${officer.name} bereikt, staat onderaan deze brief.`,
    ];
  if (officer)
    return [
      '',
      `Wilt u hulp bij uw klacht? Onze klachtenfunctionaris ${officer.name} helpt u gratis.`,
      ...[officer.phone && `  telefoon: ${officer.phone}`, officer.email && `  e-mail: ${officer.email}`].filter(
        (x): x is string => !!x,
      ),
    ];
  const from = frameworks.some((f) => f === 'wmo' || f === 'jeugdwet')
    ? 'uw gemeente'
    : frameworks.includes('wlz')
      ? 'het zorgkantoor'
      : undefined;
  if (!from) return [];
  return [
    '',
    'Wilt u hulp bij uw klacht? Dat kan gratis. Een onafhankelijke cliëntondersteuner helpt u, los van ons.',
    `Vraag ernaar bij ${from}.`,
  ];
}

/** Where the complainant can go after this rung: the rungs the regulation offers, and the referrals. */
function nextStepLines(reg: Regulation, view: DossierView): string[] {
  const rung = reg.ladder.rungs.find((r) => r.id === view.rungId);
  const options = (rung?.escalation ?? [])
    .map((e) => reg.ladder.rungs.find((r) => r.id === e.to))
    .filter((r) => r !== undefined)
    .map(
      (r) =>
        `- ${r.title}${r.entry.contact?.email ? ` (${r.entry.contact.email})` : ''}${r.entry.written ? ', schriftelijk' : ''}`,
    );
  if (options.length === 0) return [];
  // The rungs after those (ONS: the director after the manager), after the ones they point back to.
  const later = laterRungs(reg, view.rungId);
  return [
    'Bent u het niet eens met de uitkomst? Dan kunt u verder met uw klacht:',
    ...options,
    view.received.accessTokenHash ? 'U kiest dit via de link naar uw klacht, of laat het ons weten.' : '',
    ...(later.length
      ? ['Komt u er daar niet uit? Dan kunt u daarna nog naar:', ...later.map((r) => `- ${r.title}`)]
      : []),
  ].filter(Boolean);
}

/**
 * An outcome that only says the letter went ("Bevindingen en oplossingen verstuurd") tells the
 * reader of that very letter nothing: no "Uitkomst:" line for it.
 */
function outcomeLine(title: string | undefined, complainant: boolean, label = 'Uitkomst'): string[] {
  if (!title || /\b(verstuurd|verzonden)\.?$/i.test(title.trim())) return [];
  return [`${label}: ${sentence(complainant ? plain(title) : title)}`];
}

/**
 * Where a complainant can still go once a rung has ended or the complaint is closed: the rungs the
 * regulation lets this one lead to, then the outside bodies it names (a committee, a disputes
 * body, an ombudsman). Empty when the regulation names none.
 */
export function wayOnLines(reg: Regulation, rungId: string | undefined): string[] {
  const rung = reg.ladder.rungs.find((r) => r.id === rungId);
  const rungs = (rung?.escalation ?? [])
    .map((e) => reg.ladder.rungs.find((r) => r.id === e.to))
    .filter((r) => r !== undefined)
    .map((r) => `${r.title}${r.entry.contact?.email ? ` (${r.entry.contact.email})` : ''}`);
  const outside = reg.referrals
    .filter((r) => ['disputes-body', 'external-committee', 'ombudsman'].includes(r.kind))
    .map(
      (r) =>
        `${r.name}${r.contact.web ? ` (${r.contact.web})` : r.contact.phone ? ` (${r.contact.phone})` : ''}${
          r.term ? `. Dat kan ${r.term}.` : ''
        }`,
    );
  return [...new Set([...rungs, ...outside])];
}

/**
 * The step a person takes next, as the acknowledgement tells it: after the rung's own
 * acknowledgement step (`ack`), the next step in its rung that a person takes; for the
 * acknowledgement at receipt (no step of its own: statemachines/ladder.ts acknowledgedAtReceipt),
 * the step the complaint stands at. With its last day where that is known as the letter goes out
 * and the dossier does not hold it yet: a term from receipt, from the start of the rung, or from
 * this acknowledgement (OCO Almere: the conversation "binnen twee weken" after it; its anchor is
 * the first acknowledgement's time, procedure/deadlines.ts anchorOf, which is this letter's).
 */
function stepAfterAcknowledgement(
  reg: Regulation,
  view: DossierView,
  ack: Step | undefined,
): { rung: Rung; step: Step; dueAt?: string } | undefined {
  const ladder = stepsOf(reg);
  const from = ack
    ? ladder.findIndex((x) => x.step.id === ack.id) + 1
    : ladder.findIndex((x) => x.step.id === view.current?.stepId);
  const rung = ladder[from - (ack ? 1 : 0)]?.rung;
  if (from < 0 || !rung) return undefined;
  const next = ladder.slice(from).find((x) => x.rung === rung && x.step.actor !== 'system');
  if (!next) return undefined;
  const d = next.step.deadline;
  if (!d || view.deadlines.some((x) => x.stepId === next.step.id && x.status === 'open')) return next;
  const sentAt = view.current?.stepId === ack?.id ? view.current?.startedAt : undefined;
  const anchorAt =
    d.from === 'receipt'
      ? view.received.receivedAt
      : d.from === 'rung-start' && view.rungId === rung.id
        ? view.rungEnteredAt
        : d.from === 'acknowledgement'
          ? (view.letters.find((l) => l.kind === 'acknowledgement')?.queuedAt ?? sentAt)
          : undefined;
  return anchorAt ? { ...next, dueAt: deadlineFor(reg, next.step, 1, anchorAt).dueAt } : next;
}

/**
 * What still comes, by when; `done` is the step whose own letter this is (it is being done now);
 * `more`: terms the dossier does not hold yet, in date order among the others.
 */
function openDeadlines(
  view: DossierView,
  done?: string,
  more: readonly { title: string; dueAt: string }[] = [],
): string[] {
  return [...view.deadlines.filter((d) => d.status === 'open' && !d.suspended && d.stepId !== done), ...more]
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .map((d) => `- ${dueLine(d.title, d.dueAt)}`);
}

/** The steps that give the written answer a term for the whole handling ends with (Awb 9:12, Wkkgz art. 17). */
const ANSWER_KINDS: readonly Step['kind'][] = ['findings', 'judgement', 'decision', 'ruling'];

interface HandlingTerm {
  title: string;
  dueAt: string;
  extension?: Step['allows']['extension'];
}

/**
 * The terms for the handling as a whole (Awb 9:11, Wkkgz art. 17), as the acknowledgement tells
 * them: those in `ladder.terms` that run now, and, where a regulation writes its six weeks as the
 * answer step's own term counted from receipt (de Linde's "De bestuurder beslist binnen zes weken
 * na ontvangst van de klacht"; the lint warns about it), that step's term, though its rung has not
 * begun: its last day is known from the day of receipt. `unlisted`: those not among the dossier's
 * open deadlines.
 */
function handlingTerms(reg: Regulation, view: DossierView): { all: HandlingTerm[]; unlisted: HandlingTerm[] } {
  const running = view.deadlines
    .filter((d) => d.termId && d.status === 'open')
    .map((d) => ({
      title: d.title,
      dueAt: d.dueAt,
      extension: reg.ladder.terms.find((t) => t.id === d.termId)?.extension,
    }));
  if (reg.ladder.terms.length > 0) return { all: running, unlisted: [] };
  const known = new Set(view.deadlines.map((d) => d.stepId));
  const fromReceipt = stepsOf(reg)
    .map(({ step }) => step)
    .filter((step) => ANSWER_KINDS.includes(step.kind) && step.deadline?.from === 'receipt' && !known.has(step.id))
    .flatMap((step) => {
      const d = step.deadline;
      if (!d || d.kind === 'complainant') return [];
      // As the step's own term will be counted when it begins (procedure/deadlines.ts): statutory
      // terms under the Atw, the organisation's own as it chose.
      const atw = d.kind === 'statutory' ? true : (d.atw ?? reg.organisation.atwForOwnTerms);
      const end = computeDeadline({
        anchor: { event: ANCHOR_LABELS.receipt, at: view.received.receivedAt },
        term: d.term,
        atw,
        closingDays: reg.organisation.closingDays,
      });
      return [{ title: step.title, dueAt: end.dueAt, extension: step.allows.extension }];
    });
  return { all: [...running, ...fromReceipt], unlisted: fromReceipt };
}

/**
 * How far the terms for the whole handling that run now may be put off, as the acknowledgement
 * says it: for the complainant's page too (review of session 11: the cap was in the letter only).
 */
export function extensionNotes(reg: Regulation, view: DossierView): string[] {
  // While the clock stands still the last day is not known yet: the page says so in its own box.
  if (view.status !== 'open' || view.suspension) return [];
  return extensionLines(handlingTerms(reg, view).all);
}

/**
 * That a term for the whole handling may be put off, by how much, and how the complainant hears
 * of it (Awb 9:11 lid 2, Wkkgz art. 17 lid 2), as the regulation allows it.
 */
function extensionLines(terms: HandlingTerm[]): string[] {
  return terms.flatMap((t) => {
    const e = t.extension;
    if (!e) return [];
    const more = e.max ? `ten hoogste ${describeTerm(parseTerm(e.max))} langer doen` : 'langer doen';
    return [
      [
        `Hebben wij meer tijd nodig voor ${named(t.title)}? Dan mogen wij ${more}.`,
        e.announceBeforeExpiry ? `Dat laten wij u vóór ${dayOf(t.dueAt)} weten.` : 'Dat laten wij u weten.',
        e.max && e.beyondMaxWithConsent ? 'Langer kan alleen als u daar schriftelijk mee instemt.' : '',
      ]
        .filter(Boolean)
        .join(' '),
    ];
  });
}

const SUBJECTS: Record<string, string> = {
  acknowledgement: 'Wij hebben uw klacht ontvangen',
  admissibility: 'Wij nemen uw klacht in behandeling',
  inadmissible: 'Wij kunnen uw klacht niet in behandeling nemen',
  'not-handled': 'Wij behandelen uw klacht niet',
  extension: 'Wij hebben meer tijd nodig voor uw klacht',
  invitation: 'Uitnodiging voor een gesprek over de klacht',
  'conversation-report': 'Verslag van het gesprek over uw klacht',
  findings: 'Onze bevindingen over uw klacht',
  judgement: 'Ons oordeel over uw klacht',
  'committee-advice': 'Advies van de klachtencommissie',
  ruling: 'Uitspraak van de klachtencommissie',
  decision: 'Beslissing over uw klacht',
  referral: 'Waar u verder terecht kunt met uw klacht',
  'next-step-info': 'Wat u nu kunt doen met uw klacht',
  closure: 'Uw klacht is afgesloten',
  withdrawal: 'U heeft uw klacht ingetrokken',
  'respondent-notice': 'Er is een klacht ingediend waarbij u betrokken bent',
  task: 'Nieuwe taak',
  reminder: 'Herinnering: termijn loopt af',
  alarm: 'Termijn verstreken',
  notice: 'Bericht over een dossier',
  'missing-information': 'Wij missen nog gegevens bij uw klacht',
  'forwarding-cover': 'Doorgestuurde klacht',
  suspended: 'De termijn voor uw klacht staat stil',
  resumed: 'De termijn voor uw klacht loopt weer',
};

/**
 * A subject or sentence as the reader's own: the complainant reads "uw klacht"; the respondent (or
 * their manager) reads about "de klacht", which is not theirs.
 */
function forReader(text: string, audience: LetterInput['audience']): string {
  if (audience === 'complainant') return text;
  return text.replace(/\bUw klacht\b/g, 'De klacht').replace(/\buw klacht\b/g, 'de klacht');
}

/**
 * Who signs a letter: the role that took the step. A committee signs its own ruling or advice
 * under its own name; another role signs with its title on behalf of the organisation; letters
 * klachtflow sends by itself come from the organisation.
 */
function signature(reg: Regulation, step: Step | undefined): string[] {
  // Under the Awb the administrative body handles the complaint (art. 9:1); its officers sign on
  // its behalf ("namens het dagelijks bestuur"), elsewhere on behalf of the organisation.
  const body = reg.roles.find((x) => x.kind === 'administrative-body');
  const onBehalfOf = `namens ${body ? body.title : reg.organisation.name}`;
  const actor = step?.actor;
  if (!actor || actor === 'system' || actor === 'complainant') return body ? [body.title] : [reg.organisation.name];
  const committee = reg.committees.find((c) => c.role === actor);
  if (committee) return [committee.name];
  const role = reg.roles.find((x) => x.id === actor);
  if (!role) return [reg.organisation.name];
  // The body itself, and a practitioner who is the provider, sign in their own name.
  if (role.kind === 'administrative-body') return [role.title];
  if (role.kind === 'sole-practitioner') return [role.people[0]?.name ?? role.title, reg.organisation.name];
  return [role.title, onBehalfOf];
}

/** The rungs reachable from the ones `rungId` leads to, in ladder order (not those it leads to itself). */
function laterRungs(reg: Regulation, rungId: string | undefined): Regulation['ladder']['rungs'] {
  const from = reg.ladder.rungs.find((r) => r.id === rungId);
  const direct = new Set((from?.escalation ?? []).map((e) => e.to));
  const seen = new Set<string>([...(rungId ? [rungId] : []), ...direct]);
  const queue = [...direct];
  const later = new Set<string>();
  for (let i = 0; i < queue.length && i < 100; i++) {
    for (const e of reg.ladder.rungs.find((r) => r.id === queue[i])?.escalation ?? []) {
      if (seen.has(e.to)) continue;
      seen.add(e.to);
      later.add(e.to);
      queue.push(e.to);
    }
  }
  return reg.ladder.rungs.filter((r) => later.has(r.id));
}

/** The contact details of a rung, a referral or a committee, one line each. */
function contactDetails(c: Regulation['organisation']['contact'] | undefined): string[] {
  if (!c) return [];
  return [
    c.email && `  e-mail: ${c.email}`,
    c.phone && `  telefoon: ${c.phone}`,
    c.postalAddress && `  post: ${c.postalAddress}`,
    c.web && `  website: ${c.web}`,
  ].filter((x): x is string => !!x);
}

/** Whether the regulation asks this letter to contain an item of this kind (letter-content.ts). */
function mustSay(input: LetterInput, is: string): boolean {
  return (input.mustContain ?? []).some((item) => {
    const c = contentOf(input.reg, item);
    return c !== undefined && c.source !== 'field' && c.is === is;
  });
}

/**
 * One thing the letter must contain, as text: what the officer wrote for it under the regulation's
 * own words, or the regulation's data (a rung's address, a referral, the term). Empty when there is
 * nothing to say (the officer's form refuses an outcome without it; see officer-actions.ts).
 */
function contentBlock(input: LetterInput, c: LetterContent, said: readonly string[]): string[] {
  const { reg, view } = input;
  const complainant = input.audience === 'complainant';
  const words = (t: string) => (complainant ? plain(t) : t);
  if (c.source === 'field') {
    const value = input.contents?.[c.key]?.trim();
    if (!value) return [];
    const shown = c.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDutchDate(value) : value;
    return [`${capitalise(words(c.text))}:`, sentence(shown)];
  }
  const about = complainant ? 'uw klacht' : 'de klacht';
  switch (c.is) {
    case 'received-date': {
      const day = dayOf(view.received.receivedAt);
      // The acknowledgement says so in its first line already.
      if (said.some((l) => l.includes(`ontvangen op ${day}`))) return [];
      return [`Wij hebben ${about} ontvangen op ${day}.`];
    }
    case 'subject': {
      const quoted = `"${excerpt(view.received.description)}"`;
      if (said.includes(quoted)) return [];
      return [`${capitalise(about)} gaat over:`, quoted];
    }
    case 'outcome':
      // The admissibility letter's first line is its outcome ("Wij nemen uw klacht ... in behandeling").
      if (input.kind === 'admissibility') return [];
      return outcomeLine(input.outcomeTitle, complainant);
    case 'handling-term': {
      const open = view.deadlines
        .filter((d) => d.termId && d.status === 'open')
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
        .at(-1);
      return open ? [`Wij handelen ${about} uiterlijk ${dayOf(open.dueAt)} af.`] : [];
    }
    case 'further-handling': {
      const rung = reg.ladder.rungs.find((r) => r.id === view.rungId);
      const index = rung?.steps.findIndex((s) => s.id === input.step?.id) ?? -1;
      const still = (rung?.steps ?? []).slice(index + 1).filter((s) => s.actor !== 'system');
      const due = (id: string) =>
        view.deadlines
          .filter((d) => d.stepId === id && d.status === 'open')
          .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
      const term = view.deadlines.filter((d) => d.termId && d.status === 'open').at(-1);
      if (still.length === 0 && !term) return [];
      // Every line in one form: the date (or that there is none), then the step's name.
      return [
        'Zo gaat het verder:',
        ...still.map((s) => {
          const d = due(s.id);
          return `- ${d ? dueLine(s.title, d.dueAt, complainant) : `Geen vaste datum: ${named(s.title, complainant)}`}`;
        }),
        ...(term ? [`- ${dueLine(term.title, term.dueAt, complainant)}`] : []),
      ];
    }
    case 'way-on': {
      const text = said.join('\n');
      // Only where the letter does not already name them (the outcome letter lists the next rungs).
      const way = wayOnLines(reg, view.rungId).filter(
        (w) => !text.includes(w.replace(/ \(.*$/, '').replace(/\. Dat kan .*$/, '')),
      );
      // The rungs after the next ones (ONS: the manager, then the director, then the committee).
      const later = laterRungs(reg, view.rungId).filter((r) => !text.includes(r.title) && !way.includes(r.title));
      const afterwards = later.length
        ? [
            complainant ? 'Komt u er daar niet uit? Dan kunt u daarna nog naar:' : 'Daarna kan de klager nog naar:',
            ...later.map((r) => `- ${r.title}`),
          ]
        : [];
      if (way.length === 0) return afterwards.length ? afterwards : [];
      if (said.some((l) => l.startsWith('Bent u het niet eens met de uitkomst?')))
        return ['U kunt ook terecht bij:', ...way.map((w) => `- ${w}`), ...afterwards];
      return [
        complainant
          ? 'Bent u het niet eens met de uitkomst? Dan kunt u verder met uw klacht:'
          : 'Is de klager het niet eens met de uitkomst? Dan kan de klager verder met de klacht:',
        ...way.map((w) => `- ${w}`),
        ...afterwards,
      ];
    }
    case 'referral': {
      const r = reg.referrals.find((x) => x.id === c.ref);
      if (!r) return [];
      return [
        `${r.name}: ${r.when}`,
        ...contactDetails(r.contact),
        ...(r.term ? [`  termijn: ${r.term}`] : []),
        ...(r.free ? ['  Dit is gratis.'] : []),
        ...(r.binding ? [`  De uitspraak van ${r.name} is bindend.`] : []),
      ];
    }
    case 'rung': {
      const rung = reg.ladder.rungs.find((x) => x.id === c.ref);
      if (!rung) return [];
      const role = reg.roles.find((x) => x.id === rung.handlerRole);
      const people = role?.people.map((p) => p.name) ?? [];
      return [
        `${complainant ? 'U kunt verder met uw klacht bij' : 'De klager kan verder met de klacht bij'}: ${rung.title}${rung.entry.written ? ' (schriftelijk)' : ''}.`,
        ...(people.length ? [`  ${role?.title ?? 'naam'}: ${people.join(', ')}`] : []),
        ...contactDetails(rung.entry.contact ?? role?.contact),
        ...(rung.entry.note ? [`  ${rung.entry.note}`] : []),
      ];
    }
    case 'committee': {
      const committee = reg.committees.find((x) => x.id === c.ref);
      if (!committee) return [];
      return [`${committee.name}:`, ...contactDetails(committee.contact)];
    }
  }
}

/** Renders one letter or notice. */
export function renderLetter(input: LetterInput): Letter {
  const { reg, view, kind } = input;
  const r = view.received;
  const complainant = input.audience === 'complainant';
  /** "uw klacht" for the complainant, "de klacht" for anyone else. */
  const about = complainant ? 'uw klacht' : 'de klacht';
  const receivedDay = dayOf(r.receivedAt);
  const lines: string[] = [];
  const greet =
    input.audience === 'officer'
      ? 'Beste collega,'
      : input.audience === 'respondent'
        ? 'Beste collega,'
        : `Beste ${r.complainant.name},`;
  lines.push(greet, '');
  /** Where the items the regulation asks for go: after the main message. */
  let contentAt: number | undefined;
  /** A subject of the letter's own (forwarding names the body). */
  let subjectOverride: string | undefined;

  switch (kind) {
    case 'acknowledgement': {
      // Acknowledged before: as it started (Awb 9:6, on an informal route without an
      // acknowledgement of its own: statemachines/ladder.ts acknowledgedAtReceipt) or by an earlier
      // rung's step. This rung's own acknowledgement (Ondersteuningsteam's klachtenbehandelaar, SWT's
      // manager) then says where the complaint is now and what comes, by when; a second "Wij hebben
      // uw klacht ontvangen" read as if the complaint were new (review of session 12). Rendered only
      // while this letter is not in the outbox (core.ts letter), so any acknowledgement there is another.
      const rung = input.step ? stepsOf(reg).find((x) => x.step.id === input.step?.id)?.rung : undefined;
      const before =
        complainant && !!rung && view.letters.some((l) => l.kind === 'acknowledgement' && l.audience === 'complainant');
      if (before && rung) subjectOverride = 'Wij behandelen uw klacht verder';
      lines.push(
        before && rung
          ? `Uw klacht is nu bij ${named(rung.title)}. Wij hebben uw klacht ontvangen op ${receivedDay}.`
          : `Wij hebben uw klacht ontvangen op ${receivedDay}. Dank u wel dat u ons dit laat weten.`,
        '',
        'Uw klacht gaat over:',
        `"${excerpt(r.description)}"`,
        '',
        `Uw kenmerk is ${view.reference}. Noem dit kenmerk als u contact met ons opneemt.`,
      );
      // What comes and by when, every line in one form; the term for the whole handling among
      // them, with how it may be put off (Awb 9:11, Wkkgz art. 17: PEOPLE.md).
      const terms = handlingTerms(reg, view);
      const atHand = stepAfterAcknowledgement(reg, view, input.step);
      const upcoming = openDeadlines(view, input.step?.id, [
        ...terms.unlisted,
        ...(atHand?.dueAt ? [{ title: atHand.step.title, dueAt: atHand.dueAt }] : []),
      ]);
      if (upcoming.length) lines.push('', 'Wat gebeurt er nu, en wanneer:', ...upcoming);
      else if (atHand) {
        // Nothing with a date comes (SO!'s mentor, Ondersteuningsteam's contact person: "Dat kan je
        // dan melden bij jouw contactpersoon", no term): the step at hand, that the regulation sets
        // it no term, and where the complaint goes if that does not work out. A complainant is told
        // what happens next and by when (PEOPLE.md), also when "by when" is "no fixed day".
        lines.push(
          '',
          `Wat gebeurt er nu? De stap ${named(atHand.step.title)} is nu aan de beurt. De regeling noemt daarvoor geen vaste termijn.`,
        );
        const onward = atHand.rung.escalation
          .map((e) => reg.ladder.rungs.find((r) => r.id === e.to))
          .filter((r) => r !== undefined);
        if (onward.length) {
          lines.push(
            `Lukt het zo niet? Dan kunt u verder met uw klacht bij ${onward.map((r) => named(r.title)).join(' of ')}.`,
          );
          // The first term there that starts when the complainant turns to it (SO!: the
          // klachtenfunctionaris's four weeks to decide whether the complaint is handled, counted
          // from the day she has it), so they know, before they ask, how long the next step may take.
          for (const r of onward) {
            const s = r.steps.find((x) => x.deadline?.from === 'rung-start' && x.actor !== 'system');
            const d = s?.deadline;
            if (!s || !d) continue;
            // "een termijn van zes weken", also where the regulation words it "binnen zes weken".
            const term = (typeof d.term === 'string' ? d.term : describeTerm(d.term)).replace(/^binnen\s+/i, '');
            // With two ways on, "daar" could be either: each term names its rung.
            const where = onward.length > 1 ? `Bij ${named(r.title)}` : 'Daar';
            lines.push(
              `${where} geldt voor ${named(s.title)} een termijn van ${term}, te rekenen vanaf de dag dat u daar met uw klacht komt.`,
            );
          }
        }
      }
      const extensions = extensionLines(terms.all);
      if (extensions.length) lines.push('', ...extensions);
      // The access token is stored only hashed, so a letter cannot carry it: the complainant got
      // the private link when submitting.
      lines.push(
        '',
        'Hoe het met uw klacht gaat, ziet u via de persoonlijke link die u kreeg toen u de klacht indiende.',
        ...(input.lostLinkUrl
          ? [
              'Bent u die link kwijt? Vraag dan een nieuwe aan met uw kenmerk en e-mailadres, op deze pagina:',
              input.lostLinkUrl,
            ]
          : []),
      );
      lines.push('', 'U kunt uw klacht op ieder moment intrekken.');
      const support = reg.eligibility.support.flatMap((s) => (s.referral ? [s.referral] : []));
      if (support.length) lines.push('', 'Wilt u hulp bij uw klacht? Dat kan gratis:', ...referralLines(reg, support));
      else lines.push(...clientSupportLines(reg, view));
      break;
    }
    case 'respondent-notice':
      lines.push(
        `Op ${receivedDay} is een klacht ingediend (kenmerk ${view.reference}) die over u of uw werk gaat.`,
        '',
        'De klacht luidt:',
        `"${r.description}"`,
        '',
        'De klachtenbehandelaar neemt contact met u op. U mag altijd uw kant van de zaak vertellen, en u mag het dossier inzien.',
      );
      break;
    case 'invitation':
      lines.push(
        // The step's title is the regulation's word for officers ("De klager en de beklaagde horen"):
        // the complainant reads it in plain words, said to them.
        `Wij nodigen u uit voor een gesprek over ${input.audience === 'complainant' ? 'uw klacht' : 'de klacht'} met kenmerk ${view.reference}.`,
        ...(input.step?.title
          ? [`Waarvoor: ${sentence(input.audience === 'complainant' ? plain(input.step.title) : input.step.title)}`]
          : []),
        ...(input.dueAt
          ? [
              '',
              `Dit gesprek vindt uiterlijk ${dayOf(input.dueAt)} plaats. Wij spreken de precieze tijd en plaats met u af.`,
            ]
          : []),
        '',
        'U mag iemand meenemen die u vertrouwt.',
      );
      break;
    case 'extension':
      lines.push(
        `Wij hebben meer tijd nodig om ${about} (kenmerk ${view.reference}) goed te behandelen.`,
        '',
        `De nieuwe datum is: uiterlijk ${input.dueAt ? dayOf(input.dueAt) : 'onbekend'}.`,
        `De reden is: ${sentence(input.reason ?? 'niet opgegeven')}`,
        // Only the complainant can object to the extension of their complaint's term.
        ...(complainant ? ['', 'Bent u het hier niet mee eens? Laat het ons weten.'] : []),
      );
      break;
    case 'inadmissible':
    case 'not-handled':
      lines.push(
        `Wij nemen ${about} van ${receivedDay} (kenmerk ${view.reference}) niet in behandeling.`,
        ...(input.note ? ['', `De reden: ${input.note}`] : []),
        ...(complainant
          ? ['', 'Bent u het hier niet mee eens? Laat het ons weten, dan kijken wij er opnieuw naar.']
          : []),
      );
      if (reg.referrals.length)
        lines.push(
          '',
          'U kunt ook terecht bij:',
          ...referralLines(
            reg,
            reg.referrals.map((x) => x.id),
          ),
        );
      break;
    case 'admissibility':
      lines.push(
        // The outcome first, in the words the officer's outcome has for the complainant (plain()).
        'Wij nemen uw klacht in behandeling.',
        `Het gaat om uw klacht van ${receivedDay}, met kenmerk ${view.reference}.`,
        ...(input.note ? ['', input.note] : []),
        // Where the regulation asks how the handling goes on, that item lists every step (below).
        ...(openDeadlines(view).length && !mustSay(input, 'further-handling')
          ? ['', 'Zo gaat het verder:', ...openDeadlines(view)]
          : []),
      );
      break;
    case 'closure':
      lines.push(
        `Wij sluiten ${about} (kenmerk ${view.reference}) af.`,
        ...(outcomeLine(input.outcomeTitle, complainant, 'De uitkomst').length
          ? ['', ...outcomeLine(input.outcomeTitle, complainant, 'De uitkomst')]
          : []),
        ...(input.note ? ['', input.note] : []),
        ...(complainant ? ['', 'Dank u wel dat u uw klacht met ons heeft gedeeld. Wij leren ervan.'] : []),
      );
      // A closed complaint still has a way on where the regulation offers one (Awb 9:12 names
      // the ombudsman for findings; the regulations name their next rung and outside bodies).
      if (input.audience === 'complainant' && view.closed?.result !== 'withdrawn') {
        const way = wayOnLines(reg, view.rungId);
        if (way.length)
          lines.push(
            '',
            'Bent u het niet eens met de uitkomst? Dan kunt u verder met uw klacht:',
            ...way.map((w) => `- ${w}`),
            'Laat het ons weten, en noem uw kenmerk.',
          );
      }
      break;
    case 'withdrawal':
      lines.push(
        `U heeft uw klacht (kenmerk ${view.reference}) ingetrokken. Wij sluiten het dossier.`,
        ...(input.reason ? ['', `Uw reden: ${input.reason}`] : []),
        '',
        'Was dit een vergissing, of wilt u later toch verder? Neem dan contact met ons op.',
      );
      break;
    case 'referral': {
      const ref = reg.referrals.find((x) => x.id === input.referralId);
      if (ref?.handling === 'forward') {
        // Doorsturen: we send the complaint on, as the complainant asked; not "we close your dossier".
        subjectOverride = `${forReader('Wij sturen uw klacht', input.audience)} door naar ${ref.name}`;
        lines.push(
          `Op ${complainant ? 'uw' : 'verzoek van de klager'}${complainant ? ' verzoek' : ''} sturen wij ${about} (kenmerk ${view.reference}) door naar ${ref.name}. Dat deden wij op ${dayOf(view.ended.at(-1)?.at ?? r.receivedAt)}.`,
          '',
          `${ref.name} behandelt de klacht verder en neemt zelf contact op. U hoeft de klacht daar niet opnieuw in te dienen.`,
          ...(ref.binding ? ['', `De uitspraak van ${ref.name} is bindend.`] : []),
          '',
          `Contact met ${ref.name}:`,
          ...contactDetails(ref.contact),
          ...(input.note ? ['', input.note] : []),
        );
        contentAt = lines.length;
        break;
      }
      lines.push(
        `Uw klacht (kenmerk ${view.reference}) kan verder buiten ${reg.organisation.name}.${ref ? ' Dat kan hier:' : ''}`,
        ...(ref ? ['', ...referralLines(reg, [ref.id])] : []),
        ...(input.note ? ['', input.note] : []),
        '',
        // Verwijzen: the complainant goes there and submits the complaint themselves.
        ...(ref ? ['U stuurt uw klacht daar zelf heen. Wij sturen hem niet door.', ''] : []),
        'Wij sluiten uw dossier.',
      );
      break;
    }
    case 'forwarding-cover': {
      // The cover letter to the body a complaint is forwarded to: the complaint itself, who made
      // it and how to reach them, and what the organisation did with it.
      const ref = reg.referrals.find((x) => x.id === input.referralId);
      const c = r.complainant;
      lines.splice(0, lines.length, `Aan ${ref?.name ?? 'de klachtencommissie'},`, '');
      lines.push(
        `Op verzoek van de klager sturen wij u een klacht door (ons kenmerk ${view.reference}). Wij ontvingen de klacht op ${receivedDay}.`,
        '',
        'De klager:',
        `  naam: ${c.name}`,
        ...(c.email ? [`  e-mail: ${c.email}`] : []),
        ...(c.phone ? [`  telefoon: ${c.phone}`] : []),
        '',
        'De klacht:',
        `"${r.description}"`,
        ...(view.ended.length
          ? [
              '',
              'Wat wij met de klacht deden:',
              ...view.ended.map((e) => {
                const step = reg.ladder.rungs.flatMap((x) => x.steps).find((s) => s.id === e.stepId);
                const outcome = step?.outcomes.find((o) => o.id === e.outcome);
                return `- ${dayOf(e.at)}: ${step ? sentence(step.title) : e.stepId}${outcome ? ` ${sentence(outcome.title)}` : ''}`;
              }),
            ]
          : []),
        ...(input.note ? ['', input.note] : []),
        '',
        ...contactLines(reg, view),
      );
      break;
    }
    case 'next-step-info': {
      const next = nextStepLines(reg, view);
      lines.push(
        `De behandeling van uw klacht (kenmerk ${view.reference}) heeft nog geen oplossing gegeven.`,
        ...(input.note ? ['', input.note] : []),
        ...(next.length ? ['', ...next] : []),
        ...(input.replyBy ? ['', ...replyByLines(input.replyBy, outsideAfterChoice(reg, view.rungId))] : []),
      );
      break;
    }
    case 'missing-information':
      // Awb 9:4 lid 2 names what a written complaint contains (name, address, description); as in
      // Awb 4:5, the complainant first gets the chance to add what is missing, within a term. The
      // complaint is already registered: its terms count from receipt all the same.
      lines.push(
        `Wij hebben uw klacht ontvangen op ${receivedDay}. Uw kenmerk is ${view.reference}.`,
        '',
        `Om uw klacht te behandelen, hebben wij nog dit van u nodig:`,
        ...(input.missing?.length
          ? input.missing.map((m) => `- ${FIELD_NAMES_NL[m] ?? m}`)
          : input.note
            ? [`- ${input.note}`]
            : []),
        '',
        input.dueAt
          ? `Stuur dit uiterlijk ${dayOf(input.dueAt)}. U kunt gewoon antwoorden op deze e-mail. Laat het kenmerk in het onderwerp staan.`
          : 'U kunt gewoon antwoorden op deze e-mail. Laat het kenmerk in het onderwerp staan.',
        ...(input.note && input.missing?.length ? ['', input.note] : []),
        // The regulation stops the clock while it waits (Awb 4:15 lid 1 onder a, by analogy).
        ...(input.suspension
          ? [
              '',
              'Zolang wij wachten, staat de termijn voor de behandeling van uw klacht stil.',
              `De termijn loopt weer ${input.suspension.resumesWhen}${input.dueAt ? `, of na ${dayOf(input.dueAt)}` : ''}.`,
              'De dagen dat de termijn stilstaat, komen er aan het eind bij. U krijgt dan de nieuwe datum.',
            ]
          : []),
        '',
        'Lukt dit niet, of heeft u hulp nodig? Neem dan contact met ons op. Wij helpen u graag.',
      );
      break;
    case 'suspended': {
      // Opschorting: that the clock stopped, why, what starts it again (ISSUE 18, PEOPLE.md).
      const sp = input.suspension;
      // Awb 4:15 lid 1: the clock stops "met ingang van de dag na" today; today still counts.
      lines.push(
        `Wij hebben de termijn voor de behandeling van uw klacht (kenmerk ${view.reference}) vandaag stilgezet.`,
        ...(sp?.from ? [`Vanaf ${formatDutchDate(sp.from)} telt de tijd niet mee.`] : []),
        '',
        `De reden: ${afterColon(sentence(sp?.title ?? 'niet opgegeven'))}`,
        ...(input.reason ? [sentence(input.reason)] : []),
        '',
        `De termijn loopt weer ${sp?.resumesWhen ?? 'als de reden voorbij is'}.`,
        ...(sp?.until ? [`Dat is uiterlijk ${dayOf(sp.until)}.`] : []),
        'De dagen dat de termijn stilstaat, komen er aan het eind bij. U krijgt dan de nieuwe datum van ons.',
        '',
        'Bent u het hier niet mee eens? Laat het ons weten.',
      );
      break;
    }
    case 'resumed': {
      const why = input.suspension?.why;
      const upcoming = openDeadlines(view);
      const { from, runsAgain } = input.suspension ?? {};
      const days = from && runsAgain ? Temporal.PlainDate.from(runsAgain).since(from).days : undefined;
      const last = runsAgain ? Temporal.PlainDate.from(runsAgain).subtract({ days: 1 }) : undefined;
      lines.push(
        `De termijn voor de behandeling van uw klacht (kenmerk ${view.reference}) loopt weer.`,
        ...(why === 'information'
          ? ['Wij hebben uw aanvulling ontvangen. Dank u wel.']
          : why === 'term-passed'
            ? ['De tijd om uw klacht aan te vullen is voorbij. Wij gaan verder met wat wij hebben.']
            : []),
        '',
        ...(days === undefined
          ? ['De dagen dat de termijn stilstond, komen erbij.']
          : days === 0
            ? ['De termijn stond geen hele dag stil. Er komen dus geen dagen bij.']
            : [
                // The count is in the term's own unit (working days for some): the dates say it all.
                `De termijn stond stil van ${formatDutchDate(from as string)} tot en met ${formatDutchDate(last as Temporal.PlainDate)}. Die ${days === 1 ? 'dag komt' : 'dagen komen'} erbij.`,
              ]),
        ...(upcoming.length ? ['Dit zijn de nieuwe data:', ...upcoming] : []),
        '',
        'Wij gaan nu verder met uw klacht.',
      );
      break;
    }
    case 'task':
      lines.push(
        `Er is een taak voor u in dossier ${view.reference}: ${sentence(input.step?.title ?? '')}`,
        input.dueAt ? `Uiterlijk: ${dayOf(input.dueAt)}.` : 'Voor deze stap geldt geen vaste termijn.',
        ...(input.dossierUrl ? ['', `Open het dossier: ${input.dossierUrl}`] : []),
      );
      break;
    case 'reminder':
      if (input.audience === 'complainant' && input.step?.kind === 'await-choice') {
        // The complainant's own term to go on: a friendly word with the options, not a task.
        const next = nextStepLines(reg, view);
        lines.push(
          `Wij hebben nog niet van u gehoord over uw klacht (kenmerk ${view.reference}).`,
          ...(next.length ? ['', ...next] : []),
          ...(input.dueAt ? ['', ...replyByLines(input.dueAt, outsideAfterChoice(reg, view.rungId))] : []),
        );
        break;
      }
      if (input.audience === 'complainant') {
        lines.push(
          `Wij wachten nog op u bij uw klacht (kenmerk ${view.reference}): ${sentence(input.step?.title ?? '')}`,
          input.dueAt ? `Dit kan tot uiterlijk ${dayOf(input.dueAt)}.` : '',
        );
        break;
      }
      lines.push(
        `Herinnering: in dossier ${view.reference} loopt de termijn af voor: ${sentence(input.step?.title ?? '')}`,
        input.dueAt ? `Uiterlijk: ${dayOf(input.dueAt)}.` : '',
        ...(input.dossierUrl ? ['', `Open het dossier: ${input.dossierUrl}`] : []),
      );
      break;
    case 'notice':
      lines.push(
        `Bericht over dossier ${view.reference}:`,
        '',
        input.note ?? '',
        ...(input.dossierUrl ? ['', `Open het dossier: ${input.dossierUrl}`] : []),
      );
      break;
    case 'alarm':
      lines.push(
        `De termijn is verstreken in dossier ${view.reference}: ${sentence(input.step?.title ?? '')}`,
        input.dueAt ? `De termijn liep tot ${dayOf(input.dueAt)}.` : '',
        ...(input.note ? [input.note] : []),
        'Zorg dat deze stap zo snel mogelijk wordt gezet, of verleng de termijn met een reden als de regeling dat toestaat.',
        ...(input.dossierUrl ? ['', `Open het dossier: ${input.dossierUrl}`] : []),
      );
      break;
    default:
      // Outcome letters: findings, judgement, ruling, decision, conversation report, advice.
      lines.push(
        `${forReader(SUBJECTS[kind] ?? 'Bericht over uw klacht', input.audience)} (kenmerk ${view.reference}).`,
        ...(outcomeLine(input.outcomeTitle, complainant).length
          ? ['', ...outcomeLine(input.outcomeTitle, complainant)]
          : []),
        ...(input.note ? ['', input.note] : []),
      );
      {
        // A committee that decides with a binding ruling (OCO: "een bindende en gemotiveerde
        // uitspraak") says so in the ruling: it is not advice the organisation may set aside.
        const committee = reg.committees.find((c) => c.role === input.step?.actor);
        if (kind === 'ruling' && committee?.decides === 'binding-ruling')
          lines.push('', `Deze uitspraak van ${committee.name} is bindend.`);
      }
      // What the regulation says the letter must contain comes before the way on.
      contentAt = lines.length;
      if (input.audience === 'complainant') {
        const next = nextStepLines(reg, view);
        if (next.length) lines.push('', ...next);
        if (next.length && input.replyBy)
          lines.push('', ...replyByLines(input.replyBy, outsideAfterChoice(reg, view.rungId)));
        if (input.referralId) lines.push('', 'U kunt ook terecht bij:', ...referralLines(reg, [input.referralId]));
      }
  }

  // What the regulation says the letter must contain, written in as text: not a list of promises.
  if (input.mustContain?.length && input.audience !== 'officer') {
    const added: string[] = [];
    for (const item of input.mustContain) {
      const content = contentOf(reg, item);
      if (!content) continue; // the lint refuses a regulation with an item it cannot map
      const block = contentBlock(input, content, [...lines, ...added]);
      const said = new Set([...lines, ...added].map((l) => l.trim()));
      // Said already (the acknowledgement's date, a way on the outcome letter names): not twice.
      if (block.length === 0 || block.every((l) => l.trim() === '' || said.has(l.trim()))) continue;
      added.push('', ...block);
    }
    lines.splice(contentAt ?? lines.length, 0, ...added);
  }
  if (complainant && input.inviteSatisfaction) lines.push('', ...satisfactionLines(view));
  if (input.audience !== 'officer') lines.push('', ...contactLines(reg, view));
  lines.push('', 'Met vriendelijke groet,', ...signature(reg, input.step));

  const forOfficer =
    kind === 'task' || kind === 'alarm' || kind === 'notice' || (kind === 'reminder' && input.audience === 'officer');
  const subject = `[${view.reference}] ${
    subjectOverride ??
    (forOfficer
      ? `${SUBJECTS[kind]}${input.step ? `: ${input.step.title}` : ''}`
      : kind === 'reminder'
        ? input.step?.kind === 'await-choice'
          ? 'Herinnering: wilt u verder met uw klacht?'
          : `Herinnering: ${input.step?.title ?? 'uw klacht'}`
        : forReader(SUBJECTS[kind] ?? 'Bericht over uw klacht', input.audience))
  }`;
  // Pages and letters alike drop the bidirectional controls a complainant typed (text.ts): quoted
  // in a mail, a name or story with U+202E reads backwards to the complainant and the officer.
  // The complainant is addressed as the regulation addresses them ("je" for Ondersteuningsteam and
  // SO! Trainingsbureau: address.ts); what people wrote themselves stays as they wrote it.
  // What people wrote is made once for the text and the subject, and only where the regulation says
  // "je": addressed() changes nothing in a regulation that says "u" (#19, session 17: it was made
  // twice for every letter to a complainant).
  const says = complainant && reg.address === 'je';
  const verbatim = says
    ? [
        r.complainant.name,
        r.description,
        excerpt(r.description),
        input.note ?? '',
        input.reason ?? '',
        ...Object.values(input.contents ?? {}),
        // The placeholder a working link is put in for as the mail is sent (Core.deliver).
        PAGE_LINK,
      ].map(withoutBidiOverrides)
    : [];
  const say = (t: string) => (says ? addressed(reg.address, t, verbatim) : t);
  const text = say(withoutBidiOverrides(lines.join('\n')));
  const shownSubject = say(withoutBidiOverrides(subject));
  const html = letterHtml(reg, shownSubject, text);
  return { kind, subject: shownSubject, text, html };
}

/**
 * The HTML part of a letter: the same text as the plain part (the plain text is the source, so the
 * two never say different things), laid out for reading on a phone: the organisation's name, the
 * subject as the heading, paragraphs, real lists, links that can be tapped, and inline styles only
 * (mail clients strip style sheets and never load external ones). Everything is escaped.
 */
export function letterHtml(reg: Regulation, subject: string, text: string): string {
  const URL = /(https?:\/\/[^\s<>"']+)/g;
  const inline = (line: string) => {
    // The name in the greeting is what the complainant typed: never a link, neither ours nor one
    // a mail client makes of "www.example.nl" or "naam@example.nl" (issue 14).
    const greeting = GREETING.exec(line);
    if (greeting) return `${escapeHtml(greeting[1] ?? '')} ${unlinkable(greeting[2] ?? '')},`;
    return escapeHtml(line).replace(URL, (found) => {
      // A full stop or comma after a link ends the sentence, not the address.
      const u = found.replace(/[.,;:!?)]+$/, '');
      return `<a href="${u}" style="color:#0b57d0;word-break:break-all">${u}</a>${found.slice(u.length)}`;
    });
  };
  const blocks = text.split(/\n{2,}/).map((block) => {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 0 && lines.every((l) => /^\s*- /.test(l)))
      return `<ul style="margin:0 0 16px;padding-left:24px">${lines.map((l) => `<li>${inline(l.replace(/^\s*- /, ''))}</li>`).join('')}</ul>`;
    // A heading line followed by a list ("U kunt ook terecht bij:" / "- ..."): keep them together.
    const first = lines.findIndex((l) => /^\s*- /.test(l));
    if (first > 0 && lines.slice(first).every((l) => /^\s*- /.test(l)))
      return `<p style="margin:0 0 4px">${lines.slice(0, first).map(inline).join('<br>')}</p><ul style="margin:0 0 16px;padding-left:24px">${lines
        .slice(first)
        .map((l) => `<li>${inline(l.replace(/^\s*- /, ''))}</li>`)
        .join('')}</ul>`;
    return `<p style="margin:0 0 16px">${lines.map((l) => inline(l.trim())).join('<br>')}</p>`;
  });
  const heading = subject.replace(/^\[[^\]]*\]\s*/, '');
  return [
    '<!doctype html><html lang="nl"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:16px;background:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">',
    '<div style="max-width:40em;margin:0 auto">',
    `<p style="margin:0 0 16px;font-weight:bold;font-size:18px">${escapeHtml(reg.organisation.name)}</p>`,
    `<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">${escapeHtml(heading)}</h1>`,
    ...blocks,
    '</div></body></html>',
  ].join('');
}

/** A letter's greeting line: "Beste Sanne de Vries,". */
const GREETING = /^(Beste|Geachte) (.+),$/;

/**
 * Text that no mail client turns into a link: each character an autolinker joins on (. @ : /)
 * stands in an element of its own between zero-width spaces, so neither one text
 * node nor the joined text reads as an address. It looks the same.
 */
function unlinkable(text: string): string {
  return escapeHtml(text).replace(/[.@:/]/g, (ch) => `&#8203;<span>${ch}</span>&#8203;`);
}

/**
 * The invitation to answer the page's one question (issue 17): what, where and how, and that it is
 * optional. By e-mail the letter carries the link; on paper it points to the link they were given.
 */
function satisfactionLines(view: DossierView): string[] {
  const byMail = !!view.received.complainant.email;
  return [
    'Wij willen graag weten wat u van de behandeling vond. Op uw eigen pagina staat daarvoor één vraag:',
    `"${SATISFACTION_QUESTION}"`,
    'U kiest ja of nee. Als u wilt, schrijft u er iets bij. Antwoorden hoeft niet.',
    byMail ? PAGE_LINK_LINE : 'U komt op uw pagina met de persoonlijke link die u van ons kreeg.',
  ];
}

/** The start of what the complainant wrote, cut between whole characters (never half an emoji). */
function excerpt(text: string, max = 300): string {
  return truncateText(text.replace(/\s+/g, ' ').trim(), max);
}
