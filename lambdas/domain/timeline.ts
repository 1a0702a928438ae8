/**
 * The dossier's history in words: every event that tells what happened to the complaint, in the
 * regulation's own titles, for the officer's dossier page and for inspection of the dossier
 * (Awb 9:9, the GDPR right of access). Derived from the events, so nothing that happened is left
 * out and nothing is told that did not happen. Internal bookkeeping (task tokens, reminders,
 * sent-receipts) is left out; notes on blameworthy conduct never appear here (#8: only their
 * readers see them, on their own part of the dossier page).
 */
import { findStep, NO_ANSWER } from '../../statemachines/ladder.js';
import { capitalise } from '../../statemachines/letter-content.js';
import type { Regulation } from '../../statemachines/model.js';
import { describeTerm, parseTerm } from './calendar/term.js';
import { type DossierEvent, ERASED } from './dossier.js';
import { afterColon, dayOf, FIELD_NAMES_NL, labelled, named, plain, sentence } from './letters.js';

export interface TimelineEntry {
  at: string;
  /** Who did it, in words: an officer's account, "de klager", or "klachtflow" for what the ladder did. */
  who: string;
  text: string;
}

/** How a complaint ended, in words (also the report's labels). */
export const RESULT_NL: Record<string, string> = {
  resolved: 'opgelost',
  'not-resolved': 'niet opgelost',
  withdrawn: 'ingetrokken',
  inadmissible: 'niet ontvankelijk',
  'not-handled': 'niet behandeld',
  'well-founded': 'gegrond',
  'partly-well-founded': 'deels gegrond',
  unfounded: 'ongegrond',
  referred: 'doorverwezen',
};

export const IMPROVEMENT_NL = { open: 'open', 'in-progress': 'in uitvoering', done: 'afgerond' } as const;

/** A deadline's state, in words. */
export const DEADLINE_STATUS_NL: Record<string, string> = {
  open: 'loopt',
  met: 'gehaald',
  breached: 'verstreken',
  cancelled: 'vervallen',
};

const CHANNEL_NL: Record<string, string> = {
  web: 'via het klachtformulier',
  email: 'per e-mail',
  phone: 'telefonisch',
  letter: 'per brief',
  'in-person': 'persoonlijk',
  employee: 'via een medewerker',
};

/** Why the clock runs again, in words. */
const RESUMED_NL: Record<string, string> = {
  resumed: 'hervat door een medewerker',
  information: 'de klager vulde de klacht aan',
  'term-passed': 'de termijn om aan te vullen is voorbij',
  'step-ended': 'de stap is afgerond',
};

/** What the mail service reported, in words. */
const BOUNCED_NL = {
  bounce: 'Onbestelbaar (het adres bestaat niet of weigert)',
  complaint: 'Als ongewenst gemeld',
  reject: 'Geweigerd door de mailservice',
} as const;

const AUDIENCE_NL = { complainant: 'de klager', respondent: 'de beklaagde', officer: 'medewerkers' } as const;

/**
 * The words that carry meaning in a title: five letters or more (the small words any sentence may
 * say twice, "de klager … de klacht", "van", "naar", "niet", are all shorter).
 */
function meaningful(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 5));
}

/** Whether the outcome already names what the step is about: it repeats one of the title's words. */
function outcomeNamesStep(title: string, outcome: string): boolean {
  const own = meaningful(title);
  return [...meaningful(outcome)].some((w) => own.has(w));
}

/**
 * How a complainant's choice ended (the generated choice step, statemachines/ladder.ts), said as
 * what the complainant did: its title "Keuze van de klager: verder met de klacht of afsluiten" and
 * an outcome "Verder naar: …" in one line said "verder" twice around three colons.
 */
const CHOICE_NL: Record<string, { officer: string; complainant: string }> = {
  satisfied: { officer: 'Tevreden: de klacht is opgelost.', complainant: 'U bent tevreden: uw klacht is opgelost.' },
  stop: {
    officer: 'Niet tevreden, maar niet verder met de klacht.',
    complainant: 'U bent niet tevreden, maar u gaat niet verder met uw klacht.',
  },
  [NO_ANSWER]: {
    officer: 'Geen antwoord van de klager binnen de termijn om te kiezen.',
    complainant: 'U gaf binnen de termijn geen antwoord op de vraag of u verder wilt.',
  },
};

/**
 * A step's end in one line that says what happened once (issue: "De stap "Ontvangstbevestiging":
 * ontvangstbevestiging verstuurd."). Where the outcome already names what the step is about
 * ("Ontvangstbevestiging verstuurd", "De klacht is ontvankelijk") it stands alone; else the step's
 * title comes first ("Standpunt van de bestuurder: Klacht gegrond."). A complainant's choice and a
 * rung they asked for are said as what the complainant did. `complainant`: the words of their own
 * page ("u", the steps in plain words, the step named between quotes).
 */
export function stepEndedLine(
  reg: Regulation,
  stepId: string,
  outcomeId: string,
  reader: 'officer' | 'complainant' = 'officer',
): string {
  const you = reader === 'complainant';
  const at = findStep(reg, stepId);
  const escalatedTo = /^escalated:(.+)$/.exec(outcomeId)?.[1];
  const rungTo = escalatedTo ?? at?.step.outcomes.find((o) => o.id === outcomeId)?.next.match(/^rung:(.+)$/)?.[1];
  const isChoice = at?.step.kind === 'await-choice';
  if (escalatedTo || (isChoice && rungTo)) {
    const title = reg.ladder.rungs.find((r) => r.id === rungTo)?.title ?? rungTo ?? '';
    // The officers' line stands beside who did it ("de klager: …"), so it does not name them again.
    if (you) return `U ${escalatedTo ? 'vroeg om' : 'koos'} de volgende stap: ${named(title)}.`;
    return `${escalatedTo ? 'Gevraagd om' : 'Gekozen voor'} de volgende stap: ${title}.`;
  }
  const choice = isChoice ? CHOICE_NL[outcomeId] : undefined;
  if (choice) return choice[reader];
  const title = at?.step.title ?? stepId;
  // The complainant withdrew while the step ran (complainant-actions.ts): no step names that
  // outcome, and its id is English ("withdrawn"; review of session 11).
  if (outcomeId === 'withdrawn' && !at?.step.outcomes.some((o) => o.id === outcomeId))
    return you
      ? `U heeft uw klacht ingetrokken tijdens de stap ${named(plain(title))}.`
      : `Klacht ingetrokken door de klager tijdens: ${sentence(title).replace(/\.$/, '')}.`;
  // Any other id no step names is never shown as it is: the step ended.
  const outcome = at?.step.outcomes.find((o) => o.id === outcomeId)?.title ?? 'afgerond';
  const said = sentence(you ? plain(outcome) : outcome);
  if (outcomeNamesStep(you ? plain(title) : title, said)) return capitalise(said);
  return you ? `De stap ${named(title)}: ${afterColon(said)}` : labelled(title, said);
}

/**
 * A step's beginning: its title and who is to act, the role left out where the title names it
 * already ("De bestuurder zoekt een oplossing. Aan zet: Bestuurder." said "bestuurder" twice).
 */
function stepStartedLine(reg: Regulation, stepId: string, assignee: string): string {
  const step = findStep(reg, stepId)?.step;
  if (step?.kind === 'await-choice') return 'De klager mag kiezen: verder met de klacht of afsluiten.';
  const title = step?.title ?? stepId;
  const role = assignee === 'complainant' ? 'de klager' : (reg.roles.find((r) => r.id === assignee)?.title ?? assignee);
  const first = [...meaningful(role)][0];
  return first && meaningful(title).has(first)
    ? `Stap begonnen: ${sentence(title)}`
    : `Stap begonnen: ${sentence(title)} Aan zet: ${role}.`;
}

export function timeline(reg: Regulation, events: readonly DossierEvent[]): TimelineEntry[] {
  const role = (id: string) => reg.roles.find((r) => r.id === id)?.title ?? id;
  const who = (by: string) => (by === 'complainant' ? 'de klager' : by.startsWith('klachtflow') ? 'klachtflow' : by);
  const deadlines = new Map<string, { title: string; kind: string }>();
  const titleOf = (id: string) => deadlines.get(id)?.title ?? id;
  const letters = new Map<string, string>();
  const out: TimelineEntry[] = [];
  const add = (e: DossierEvent, text: string, by = e.by) => out.push({ at: e.at, who: who(by), text });

  for (const e of events) {
    switch (e.type) {
      case 'received':
        add(
          e,
          `Klacht ontvangen ${CHANNEL_NL[e.data.channel] ?? e.data.channel}${e.data.takenBy ? `, aangenomen door ${e.data.takenBy}` : ''}.`,
        );
        break;
      case 'deadline.set':
        deadlines.set(e.data.deadlineId, { title: e.data.title, kind: e.data.kind });
        break;
      case 'deadline.extended':
        add(e, `Termijn verlengd: ${e.data.title}, nu uiterlijk ${dayOf(e.data.dueAt)}. Reden: ${e.data.reason}`);
        break;
      case 'deadline.breached':
        add(e, `Termijn verstreken: ${titleOf(e.data.deadlineId)}.`);
        break;
      case 'suspension.started':
        add(e, `Termijn stilgezet (opgeschort): ${e.data.title}. Reden: ${e.data.reason}`);
        break;
      case 'suspension.ended':
        add(
          e,
          `De termijn loopt weer${RESUMED_NL[e.data.why] ? ` (${RESUMED_NL[e.data.why]})` : ''}.${e.data.reason ? ` ${e.data.reason}` : ''}`,
        );
        break;
      case 'deadline.resumed':
        add(e, `Nieuwe datum na het stilstaan: ${e.data.title}, uiterlijk ${dayOf(e.data.dueAt)}.`);
        break;
      case 'deadline.cancelled':
        // The complainant's own term lapsing is news; a term that ended because the dossier moved
        // on or closed is not.
        if (deadlines.get(e.data.deadlineId)?.kind === 'complainant')
          add(e, `Termijn vervallen: ${titleOf(e.data.deadlineId)} (${e.data.reason}).`);
        break;
      case 'step.started':
        if (e.data.actor !== 'system') add(e, stepStartedLine(reg, e.data.stepId, e.data.assignee));
        break;
      case 'step.ended':
        add(e, stepEndedLine(reg, e.data.stepId, e.data.outcome), e.data.by);
        break;
      case 'handover':
        add(e, `Overgedragen aan ${role(e.data.to)}. Reden: ${e.data.reason}`);
        break;
      case 'letter.queued': {
        const subject = e.data.subject.replace(/^\[[^\]]*\]\s*/, '');
        letters.set(e.data.letterId, subject);
        // Every letter is klachtflow's, written from the regulation's texts, whoever's commit queued
        // it: a step's end letters go out with the officer's decision or with the ladder's next
        // begin, whichever writes first (procedure/ladder-tasks.ts), and the history must not name
        // the officer for one and the service for the same letter another time.
        if (e.data.audience !== 'officer')
          add(
            e,
            sentence(
              `Brief aan ${AUDIENCE_NL[e.data.audience]}: ${subject}${
                e.data.undeliverable.length ? ' (geen e-mailadres: per post)' : ''
              }`,
            ),
            'klachtflow',
          );
        break;
      }
      case 'letter.failed':
        add(e, 'Een brief kon niet worden verstuurd. Een medewerker moet hem op een andere manier bezorgen.');
        break;
      case 'letter.bounced':
      case 'letter.delayed': {
        const subject = letters.get(e.data.letterId) ?? 'een brief';
        const to = e.data.addresses.length ? ` aan ${e.data.addresses.join(', ')}` : '';
        add(
          e,
          e.type === 'letter.delayed'
            ? `De brief "${subject}"${to} is nog niet aangekomen: de ontvangende mailserver stelt hem uit. Het wordt nog een tijd geprobeerd.`
            : `${BOUNCED_NL[e.data.problem]}: de brief "${subject}"${to} is niet aangekomen${e.data.problem === 'complaint' ? ' of niet gelezen (in de map met ongewenste mail); er gaat geen e-mail meer naar dit adres' : ''}. Bel of schrijf de ontvanger, of vraag een ander e-mailadres.`,
        );
        break;
      }
      case 'message':
        add(
          e,
          `Bericht van ${e.data.from === 'complainant' ? 'de klager' : 'een medewerker'}${e.data.via === 'email' ? ' (per e-mail)' : ''}: ${e.data.text}`,
        );
        break;
      case 'attachment.added':
        add(e, `Bestand ontvangen: ${e.data.filename}.`);
        break;
      case 'intake.incomplete':
        add(e, `Gegevens ontbreken: ${e.data.missing.map((m) => FIELD_NAMES_NL[m] ?? m).join(', ')}.`);
        break;
      case 'intake.asked':
        add(e, `De klager is gevraagd de ontbrekende gegevens te sturen, uiterlijk ${dayOf(e.data.replyBy)}.`);
        break;
      case 'intake.completed':
        add(e, 'De ontbrekende gegevens zijn aangevuld.');
        break;
      case 'withdrawn':
        add(e, `De klager heeft de klacht ingetrokken${e.data.reason ? `. Reden: ${e.data.reason}` : '.'}`);
        break;
      case 'closed':
        add(e, `Dossier gesloten: ${RESULT_NL[e.data.result] ?? e.data.result}.`);
        break;
      case 'retention.scheduled':
        add(
          e,
          e.data.atLeast && e.data.term
            ? `Wordt bewaard tot ${dayOf(e.data.at)}: de regeling vraagt ten minste ${describeTerm(parseTerm(e.data.term))} na afsluiting. Daarna worden de persoonsgegevens gewist.`
            : `Wordt bewaard tot ${dayOf(e.data.at)}; daarna worden de persoonsgegevens gewist.`,
        );
        break;
      case 'access.renewed':
        add(e, 'Nieuwe persoonlijke link naar de klager gestuurd.');
        break;
      case 'contact.corrected':
        add(
          e,
          e.data.email === ERASED
            ? 'E-mailadres van de klager verbeterd.'
            : `E-mailadres van de klager verbeterd${e.data.previous ? `: was ${e.data.previous}` : ''}, nu ${e.data.email}. De brief "${letters.get(e.data.letterId) ?? 'die niet aankwam'}" gaat opnieuw, naar het nieuwe adres.`,
        );
        break;
      case 'access.granted':
        add(e, 'Persoonlijke link meegestuurd in een brief aan de klager.');
        break;
      case 'registration.answered':
        add(e, 'Registratieformulier bijgewerkt.');
        break;
      case 'satisfaction.answered':
        add(
          e,
          `De klager zegt zelf: ${e.data.satisfied ? 'tevreden' : 'niet tevreden'} over de behandeling${e.data.remark ? `. Toelichting: ${e.data.remark}` : '.'}`,
        );
        break;
      case 'improvement.added':
        add(e, `Verbeteractie: ${e.data.action}.`);
        break;
      case 'improvement.updated':
        add(e, `Verbeteractie ${IMPROVEMENT_NL[e.data.status]}${e.data.note ? `: ${e.data.note}` : '.'}`);
        break;
      case 'erased':
        add(e, 'De persoonsgegevens zijn gewist (de bewaartermijn is voorbij).');
        break;
      // Bookkeeping, and notes on conduct (never in a history others read).
      case 'execution.started':
      case 'deadline.suspended':
      case 'deadline.met':
      case 'step.awaiting':
      case 'letter.sent':
      case 'reminder.scheduled':
      case 'reminder.cancelled':
      case 'conduct.noted':
        break;
    }
  }
  return out;
}
