/**
 * The dossier's history in words: every event that tells what happened to the complaint, in the
 * regulation's own titles, for the officer's dossier page and for inspection of the dossier
 * (Awb 9:9, the GDPR right of access). Derived from the events, so nothing that happened is left
 * out and nothing is told that did not happen. Internal bookkeeping (task tokens, reminders,
 * sent-receipts) is left out; notes on blameworthy conduct never appear here (#8: only their
 * readers see them, on their own part of the dossier page).
 */
import { findStep } from '../../statemachines/ladder.js';
import type { Regulation } from '../../statemachines/model.js';
import { describeTerm, parseTerm } from './calendar/term.js';
import { type DossierEvent, ERASED } from './dossier.js';
import { dayOf, FIELD_NAMES_NL, labelled, sentence } from './letters.js';

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
 * A step and its outcome in one line, the step's title left out where the outcome already says it
 * ("Ontvangstbevestiging verstuurd.", not "Ontvangstbevestiging: Ontvangstbevestiging verstuurd.").
 */
function saidOnce(title: string, outcome: string): string {
  const t = title
    .trim()
    .replace(/[.?!:]$/, '')
    .toLowerCase();
  return outcome.toLowerCase().startsWith(t) ? outcome : labelled(title, outcome);
}

export function timeline(reg: Regulation, events: readonly DossierEvent[]): TimelineEntry[] {
  const role = (id: string) => reg.roles.find((r) => r.id === id)?.title ?? id;
  const step = (id: string) => findStep(reg, id)?.step;
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
        // "Stap begonnen: Is de klacht ontvankelijk? Aan zet: Klachtenfunctionaris." (it read
        // "Is de klacht ontvankelijk? Begonnen, bij Klachtenfunctionaris.").
        if (e.data.actor !== 'system')
          add(
            e,
            `Stap begonnen: ${sentence(step(e.data.stepId)?.title ?? e.data.stepId)} Aan zet: ${
              e.data.assignee === 'complainant' ? 'de klager' : role(e.data.assignee)
            }.`,
          );
        break;
      case 'step.ended': {
        const s = step(e.data.stepId);
        const escalatedTo = /^escalated:(.+)$/.exec(e.data.outcome)?.[1];
        const rung = escalatedTo ? reg.ladder.rungs.find((r) => r.id === escalatedTo) : undefined;
        const outcome = s?.outcomes.find((o) => o.id === e.data.outcome)?.title;
        add(
          e,
          escalatedTo
            ? `De klager vroeg om de volgende stap: ${rung?.title ?? escalatedTo}.`
            : saidOnce(s?.title ?? e.data.stepId, sentence(outcome ?? e.data.outcome)),
          e.data.by,
        );
        break;
      }
      case 'handover':
        add(e, `Overgedragen aan ${role(e.data.to)}. Reden: ${e.data.reason}`);
        break;
      case 'letter.queued':
        letters.set(e.data.letterId, e.data.subject.replace(/^\[[^\]]*\]\s*/, ''));
        // Every letter is klachtflow's, written from the regulation's texts, whoever's commit queued
        // it: a step's end letters go out with the officer's decision or with the ladder's next
        // begin, whichever writes first (procedure/ladder-tasks.ts), and the history must not name
        // the officer for one and the service for the same letter another time.
        if (e.data.audience !== 'officer')
          add(
            e,
            `Brief aan ${AUDIENCE_NL[e.data.audience]}: ${e.data.subject.replace(/^\[[^\]]*\]\s*/, '')}${
              e.data.undeliverable.length ? ' (geen e-mailadres: per post)' : ''
            }.`,
            'klachtflow',
          );
        break;
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
