/**
 * The report a regulation asks for (ONS: yearly per municipality and department; OCO: half-yearly
 * on number, subject, internal or referred, what was learned), computed from the dossiers
 * themselves. Anonymised: no name, contact detail, birth date or free text of anyone, and groups
 * smaller than five are merged so that nobody can be singled out.
 */

import { Temporal } from 'temporal-polyfill';
import { findStep } from '../../statemachines/ladder.js';
import type { Regulation, ReportDimension } from '../../statemachines/model.js';
import { type DimensionKind, dimensionKind, stepsInSpan } from '../../statemachines/vocabulary.js';
import { localDate } from './calendar/deadline.js';
import { DUTCH_MONTHS } from './calendar/months.js';
import { type DeadlineView, type DossierView, deadlineId } from './dossier.js';
import { IMPROVEMENT_NL, RESULT_NL } from './timeline.js';

/** Groups smaller than this are merged into "overig" (privacy: small groups identify people). */
export const MIN_GROUP = 5;
export const MERGED = 'overig (minder dan 5)';

export interface Report {
  regulation: string;
  organisation: string;
  period: { from: string; to: string };
  total: number;
  open: number;
  closed: number;
  results: Record<string, number>;
  internalOrReferred: { internal: number; referred: number };
  byMunicipality: Record<string, number>;
  byVariant: Record<string, number>;
  byRung: Record<string, number>;
  byMonth: Record<string, number>;
  handlingDays: { average: number | null; longest: number | null };
  improvements: Record<string, number>;
  /**
   * What complainants said themselves, asked on their page after closure ("Bent u tevreden over hoe
   * wij uw klacht behandelden?"): apart from an officer's answer in the registration form, and
   * without a guess where nobody answered ("geen antwoord") or nobody was asked.
   */
  complainantSatisfaction: Record<string, number>;
  /**
   * The improvement actions by owner, date and status. Their text is free text an officer wrote,
   * which may name someone: it stays in the improvement register, never in a report.
   */
  improvementActions: { owner: string; due: string; status: string; overdue: boolean }[];
  /** The figures the regulation itself asks for, one per dimension it names. */
  dimensions: {
    id: string;
    title: string;
    kind: DimensionKind | null;
    groups: Record<string, number>;
    note?: string;
  }[];
  deadlines: {
    step: string;
    title: string;
    met: number;
    metAfterExtension: number;
    /** Its term passed, and then someone did the step (decided, answered): late, not missed. */
    late: number;
    /** Its term passed and nobody did it: still waiting, withdrawn, or gone on without it. */
    breached: number;
    open: number;
    cancelled: number;
  }[];
  /**
   * The days the clock stood still (opschorting), per step where it was stopped: counted as the
   * terms count them, from the day after it stopped until the day it ran again (Awb 4:15 lid 1);
   * a suspension still under way counts until the end of the period or today.
   */
  suspendedDays: { step: string; title: string; suspensions: number; days: number }[];
  note: string;
}

/** Counts, with every group under MIN_GROUP merged into one (and that one too if it stays small). */
export function anonymise(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  let merged = 0;
  for (const [k, n] of Object.entries(counts)) {
    if (n >= MIN_GROUP) out[k] = n;
    else merged += n;
  }
  if (merged > 0) out[MERGED] = merged;
  return out;
}

/**
 * A place as a report may show it. What a complainant typed as their city (or an officer as the
 * place) is free text, and free text never reaches a report (README: "no names, contact details
 * or free text"): a place is one of the regulation's own values where it lists them, or else
 * something shaped like a Dutch place name ("'s-Hertogenbosch", "Bergen op Zoom"); anything else
 * counts as "anders" (a formula such as =HYPERLINK(...) among them).
 */
const PLACE_NAME = /^(?:'[st][ -])?\p{L}[\p{L}\p{M}'.]*(?:(?:[ -]|, )[\p{L}\p{M}'.]+){0,5}$/u;
function placeOf(raw: string | undefined, values?: readonly string[]): string {
  const t = raw?.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!t) return 'onbekend';
  if (values?.length) return values.find((v) => v.toLowerCase() === t.toLowerCase()) ?? 'anders';
  return t.length <= 60 && PLACE_NAME.test(t) ? t : 'anders';
}

function bump(map: Record<string, number>, key: string, n = 1) {
  map[key] = (map[key] ?? 0) + n;
}

/** Groups that count something other than people: merging them protects nobody. */
const UNMERGED: readonly DimensionKind[] = ['count', 'improvements'];

/** The group one dossier falls in for one dimension (undefined: the dimension counts no dossiers). */
function groupOf(reg: Regulation, dim: ReportDimension, kind: DimensionKind, d: DossierView): string | undefined {
  const registered = dim.registrationQuestion ? d.registration[dim.registrationQuestion]?.trim() : undefined;
  switch (kind) {
    case 'count':
      return 'totaal';
    case 'result':
      return d.closed ? (RESULT_NL[d.closed.result] ?? d.closed.result) : 'nog open';
    case 'satisfaction':
      // Only what someone said: the officer's answer in the registration form (ONS question 6,
      // "Is de klant tevreden over de klachtafhandeling?"). An outcome ("opgelost") is not the
      // complainant's satisfaction, so without an answer the report says nobody asked.
      if (registered === 'ja') return 'naar tevredenheid';
      if (registered === 'nee') return 'niet naar tevredenheid';
      if (!d.closed) return 'nog open';
      if (d.closed.result === 'withdrawn') return 'ingetrokken';
      return 'niet gevraagd';
    case 'internal-or-referred':
      if (!d.closed) return 'nog open';
      if (d.closed.result === 'withdrawn') return 'ingetrokken';
      return isReferred(reg, d) ? 'doorverwezen' : 'intern afgehandeld';
    case 'municipality':
      return placeOf(registered || d.received.complainant.address?.city, dim.values);
    case 'variant':
      return reg.intake.variants.find((v) => v.id === d.received.variant)?.title ?? d.received.variant;
    case 'rung':
      return reg.ladder.rungs.find((x) => x.id === d.rungId)?.title ?? d.rungId;
    case 'improvements':
      return undefined;
    case 'answer': {
      // The officer's registration answer completes (and corrects) what the complainant chose.
      const answer = registered || d.received.answers?.[dim.id];
      if (!answer) return 'onbekend';
      // Only the regulation's own choices are shown: a free answer could name someone.
      return dim.values?.includes(answer) ? answer : 'anders';
    }
  }
}

/** The complainant's own answer after closure, in the report's words (see Report.complainantSatisfaction). */
export function complainantSatisfactionOf(d: DossierView): string {
  if (d.complainantSatisfaction) return d.complainantSatisfaction.satisfied ? 'tevreden' : 'niet tevreden';
  if (!d.closed) return 'nog open';
  // A withdrawn complaint is not asked (the complainant stopped the handling themselves).
  if (d.closed.result === 'withdrawn') return 'ingetrokken, niet gevraagd';
  return 'geen antwoord';
}

function isReferred(reg: Regulation, d: DossierView): boolean {
  return d.closed?.result === 'referred' || reg.ladder.rungs.find((x) => x.id === d.rungId)?.kind === 'external';
}

/**
 * Whether a breached term was kept late rather than missed: after it passed, someone (not
 * klachtflow going on by itself, as OCO's acknowledgement after three working days; not a
 * withdrawal) ended its step, or for a term over the whole handling (Awb 9:11, Wkkgz art. 17) the
 * last step of its span the dossier left it by. SO! Trainingsbureau's director analyses the
 * complaints yearly: a decision made on day 29 of "binnen vier weken" is not one never made.
 */
function doneLate(reg: Regulation, d: DossierView, x: DeadlineView): boolean {
  // Not klachtflow ('klachtflow', 'klachtflow (termijn verstreken)'), not the complainant leaving
  // the step (withdrawn, or on to a rung they may ask for at any time: 'escalated:<rung>').
  const byPerson = (e: DossierView['ended'][number]) =>
    !e.by.startsWith('klachtflow') &&
    e.outcome !== 'withdrawn' &&
    !e.outcome.startsWith('escalated:') &&
    !e.outcome.startsWith('__');
  if (!x.termId) return d.ended.some((e) => deadlineId(e.stepId, e.activation) === x.deadlineId && byPerson(e));
  const term = reg.ladder.terms.find((t) => t.id === x.termId);
  if (!term) return false;
  const span = stepsInSpan(reg, term);
  const last = d.ended.filter((e) => span.includes(e.stepId) && e.at > x.dueAt).at(-1);
  // Left the span by it: no step of the span began after it (one did: still being handled).
  return !!last && byPerson(last) && !d.started.some((s) => s.seq > last.seq && span.includes(s.stepId));
}

/** The report over the dossiers received in the period. */
export function buildReport(
  reg: Regulation,
  dossiers: readonly DossierView[],
  period: { from: string; to: string },
  /** Today (YYYY-MM-DD), to mark improvement actions past their date. */
  today?: string,
): Report {
  const results: Record<string, number> = {};
  const byMunicipality: Record<string, number> = {};
  const byVariant: Record<string, number> = {};
  const byRung: Record<string, number> = {};
  const byMonth: Record<string, number> = {};
  const days: number[] = [];
  let referred = 0;
  const deadlines = new Map<string, Report['deadlines'][number]>();
  const improvements: Record<string, number> = {};
  const improvementActions: Report['improvementActions'] = [];
  const complainantSatisfaction: Record<string, number> = {};
  for (const d of dossiers) {
    const r = d.received;
    bump(complainantSatisfaction, complainantSatisfactionOf(d));
    bump(byMunicipality, placeOf(r.complainant.address?.city));
    bump(byVariant, reg.intake.variants.find((v) => v.id === r.variant)?.title ?? r.variant);
    bump(byRung, reg.ladder.rungs.find((x) => x.id === d.rungId)?.title ?? d.rungId);
    bump(byMonth, r.receivedAt.slice(0, 7));
    if (d.closed) {
      bump(results, RESULT_NL[d.closed.result] ?? d.closed.result);
      days.push((Date.parse(d.closed.at) - Date.parse(r.receivedAt)) / 86_400_000);
      if (isReferred(reg, d)) referred++;
    }
    for (const i of d.improvements) {
      bump(improvements, IMPROVEMENT_NL[i.status]);
      improvementActions.push({
        owner: reg.roles.find((r) => r.id === i.owner)?.title ?? i.owner,
        due: i.due,
        status: IMPROVEMENT_NL[i.status],
        overdue: i.status !== 'done' && i.due < (today ?? period.to),
      });
    }
    for (const x of d.deadlines) {
      // Attainment is about the organisation's terms; the complainant's term to choose is theirs.
      if (x.kind === 'complainant') continue;
      const row = deadlines.get(x.stepId) ?? {
        step: x.stepId,
        // A term for the whole handling is one row of its own, under its own name.
        title: x.termId ? x.title : (findStep(reg, x.stepId)?.step.title ?? x.stepId),
        met: 0,
        metAfterExtension: 0,
        late: 0,
        breached: 0,
        open: 0,
        cancelled: 0,
      };
      if (x.status === 'met' && x.extended) row.metAfterExtension++;
      else if (x.status === 'met') row.met++;
      else if (x.status === 'breached' && doneLate(reg, d, x)) row.late++;
      else if (x.status === 'breached') row.breached++;
      else if (x.status === 'open') row.open++;
      else row.cancelled++;
      deadlines.set(x.stepId, row);
    }
  }
  const suspended = new Map<string, Report['suspendedDays'][number]>();
  const until = today && today < period.to ? today : period.to;
  for (const d of dossiers) {
    for (const x of d.suspensions ?? []) {
      const row = suspended.get(x.stepId) ?? {
        step: x.stepId,
        title: findStep(reg, x.stepId)?.step.title ?? x.stepId,
        suspensions: 0,
        days: 0,
      };
      const first = localDate(x.from).add({ days: 1 });
      const last = x.endedAt ? localDate(x.endedAt) : Temporal.PlainDate.from(until).add({ days: 1 });
      row.suspensions++;
      row.days += Math.max(0, first.until(last, { largestUnit: 'days' }).days);
      suspended.set(x.stepId, row);
    }
  }
  const closed = dossiers.filter((d) => d.closed).length;
  const dimensions = reg.reporting.dimensions.map((dim): Report['dimensions'][number] => {
    const kind = dimensionKind(dim);
    if (!kind) {
      const note = `klachtflow weet niet wat "${dim.id}" telt: zeg het in de regeling met "of" (of "values").`;
      return { id: dim.id, title: dim.title, kind: null, groups: {}, note };
    }
    const groups: Record<string, number> = {};
    if (kind === 'improvements') Object.assign(groups, improvements);
    else
      for (const d of dossiers) {
        const g = groupOf(reg, dim, kind, d);
        if (g !== undefined) bump(groups, g);
      }
    if (kind === 'count') groups.totaal = dossiers.length;
    return { id: dim.id, title: dim.title, kind, groups: UNMERGED.includes(kind) ? groups : anonymise(groups) };
  });
  return {
    regulation: reg.id,
    organisation: reg.organisation.name,
    period,
    total: dossiers.length,
    open: dossiers.length - closed,
    closed,
    results: anonymise(results),
    internalOrReferred: { internal: closed - referred, referred },
    byMunicipality: anonymise(byMunicipality),
    byVariant: anonymise(byVariant),
    byRung: anonymise(byRung),
    byMonth,
    handlingDays: {
      average: days.length ? Math.round((days.reduce((a, b) => a + b, 0) / days.length) * 10) / 10 : null,
      longest: days.length ? Math.round(Math.max(...days) * 10) / 10 : null,
    },
    improvements,
    complainantSatisfaction: anonymise(complainantSatisfaction),
    improvementActions: improvementActions.sort((a, b) => a.due.localeCompare(b.due)),
    dimensions,
    deadlines: [...deadlines.values()],
    suspendedDays: [...suspended.values()],
    note: `Anoniem: geen namen, contactgegevens of vrije tekst; groepen kleiner dan ${MIN_GROUP} zijn samengevoegd.`,
  };
}

/** The report as CSV: one row per figure (dimension; group; number). */
export function reportCsv(report: Report): string {
  const rows: string[][] = [['onderdeel', 'groep', 'aantal']];
  rows.push(
    ['totaal', '', String(report.total)],
    ['open', '', String(report.open)],
    ['gesloten', '', String(report.closed)],
  );
  const add = (name: string, m: Record<string, number>) => {
    for (const [k, n] of Object.entries(m)) rows.push([name, k, String(n)]);
  };
  add('uitkomst', report.results);
  add('gemeente', report.byMunicipality);
  add('ingang', report.byVariant);
  add('trede', report.byRung);
  add('maand', report.byMonth);
  add('verbeteracties', report.improvements);
  add('tevreden volgens de klager zelf', report.complainantSatisfaction);
  for (const d of report.dimensions) {
    add(d.title, d.groups);
    if (d.note) rows.push([d.title, d.note, '']);
  }
  rows.push(
    ['intern afgehandeld', '', String(report.internalOrReferred.internal)],
    ['doorverwezen', '', String(report.internalOrReferred.referred)],
  );
  for (const d of report.deadlines) {
    rows.push(
      [`termijn ${d.title}`, 'gehaald', String(d.met)],
      [`termijn ${d.title}`, 'gehaald na verlenging', String(d.metAfterExtension)],
      [`termijn ${d.title}`, 'te laat afgerond', String(d.late)],
      [`termijn ${d.title}`, 'verstreken zonder besluit', String(d.breached)],
    );
  }
  for (const x of report.suspendedDays ?? []) {
    rows.push(
      [`opgeschort bij ${x.title}`, 'keren', String(x.suspensions)],
      [`opgeschort bij ${x.title}`, 'dagen', String(x.days)],
    );
  }
  rows.push(
    ['behandelduur gemiddeld (dagen)', '', String(report.handlingDays.average ?? '')],
    ['behandelduur langste (dagen)', '', String(report.handlingDays.longest ?? '')],
  );
  for (const i of report.improvementActions)
    rows.push([`verbeteractie van ${i.owner}`, `${i.status}${i.overdue ? ', te laat' : ''}, uiterlijk ${i.due}`, '1']);
  // A cell a spreadsheet would read as a formula (= + - @, or a tab or carriage return before one)
  // gets a leading apostrophe and quotes (OWASP, CSV injection), whatever the text's origin.
  const cell = (raw: string) => {
    const s = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[;"\n\r\t']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${rows.map((r) => r.map(cell).join(';')).join('\n')}\n`;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** "2026-09" as "september 2026"; anything else as it is. */
function monthLabel(key: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  return m ? `${DUTCH_MONTHS[Number(m[2]) - 1]} ${m[1]}` : key;
}

/** "2026-01-01" as "1 januari 2026". */
export function reportDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${Number(m[3])} ${monthLabel(`${m[1]}-${m[2]}`).split(' ')[0]} ${m[1]}` : iso;
}

/**
 * Horizontal bars as inline SVG, scaled to the width it is given. Each label stands on its own
 * line above its bar, so a long label ("Bevindingen en oplossingen aan de klant") never runs into
 * the bar or its number. The figures are in the label for screen readers too.
 */
export function bars(title: string, m: Record<string, number>, colour = '#1f5fa8'): string {
  const entries = Object.entries(m);
  if (entries.length === 0) return '';
  const max = Math.max(...entries.map(([, n]) => n), 1);
  const h = 52;
  const width = 440;
  const rows = entries
    .map(([k, n], i) => {
      const w = Math.round((n / max) * (width - 60));
      return `<text x="0" y="${i * h + 17}" font-size="17">${esc(k)}</text><rect x="0" y="${i * h + 24}" width="${w}" height="18" fill="${colour}"/><text x="${w + 6}" y="${i * h + 39}" font-size="17">${n}</text>`;
    })
    .join('');
  const said = entries.map(([k, n]) => `${k}: ${n}`).join(', ');
  return `<figure class="kf-chart"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(`${title}. ${said}`)}" width="100%" viewBox="0 0 ${width} ${entries.length * h}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">${rows}</svg></figure>`;
}

/** The charts of a report, in the order people read them (shared by the page and the file). */
export function reportCharts(report: Report): string[] {
  const attainment = Object.fromEntries(report.deadlines.map((d) => [d.title, d.met]));
  const extended = Object.fromEntries(report.deadlines.map((d) => [d.title, d.metAfterExtension]));
  const late = Object.fromEntries(report.deadlines.map((d) => [d.title, d.late]));
  const breached = Object.fromEntries(report.deadlines.map((d) => [d.title, d.breached]));
  const months = Object.fromEntries(Object.entries(report.byMonth).map(([k, n]) => [monthLabel(k), n]));
  // A regulation that names the municipality as its own dimension gets it once, in its own words.
  const ownMunicipality = report.dimensions.some((d) => d.kind === 'municipality');
  return [
    bars('Klachten per maand', months),
    bars('Uitkomst', report.results),
    ownMunicipality ? '' : bars('Per gemeente', report.byMunicipality),
    ...report.dimensions
      .filter((d) => d.kind !== 'count')
      .map((d) => (d.note ? `<p>${esc(d.title)}: ${esc(d.note)}</p>` : bars(d.title, d.groups))),
    bars('Tevreden volgens de klager zelf (gevraagd na afsluiting)', report.complainantSatisfaction),
    bars('Termijnen gehaald (zonder verlenging), per stap', attainment, '#2e7d32'),
    bars('Termijnen gehaald na verlenging, per stap', extended, '#6b5300'),
    bars('Termijnen verstreken, te laat afgerond, per stap', late, '#8a4b00'),
    bars('Termijnen verstreken zonder besluit, per stap', breached, '#b00020'),
  ].filter(Boolean);
}

/** The summary line of a report in words. */
export function reportSummary(report: Report): string {
  const days = (n: number | null) => (n === null ? '-' : `${String(n).replace('.', ',')} ${n === 1 ? 'dag' : 'dagen'}`);
  return `${report.total === 1 ? '1 klacht' : `${report.total} klachten`}: ${report.open} open, ${report.closed} afgesloten; ${report.internalOrReferred.internal} intern afgehandeld, ${report.internalOrReferred.referred} doorverwezen. Behandelduur: gemiddeld ${days(report.handlingDays.average)}, langste ${days(report.handlingDays.longest)}.`;
}

/** The improvement actions of a report in words, without their text (see Report). */
export function improvementLines(report: Report): string[] {
  return report.improvementActions.map(
    (i) => `${i.owner}: ${i.status}${i.overdue ? ', te laat' : ''}, uiterlijk ${reportDay(i.due)}`,
  );
}

/** The report as an HTML file with its charts inline (no external assets): the download. */
export function reportHtml(report: Report): string {
  const title = `Klachtenrapportage ${report.organisation}`;
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body { font-family: sans-serif; max-width: 48rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.5 } figure { margin: 1.5rem 0 } figcaption { font-weight: bold } table { border-collapse: collapse; display: block; overflow-x: auto } th, td { text-align: start; padding: 0.25rem 0.5rem; border-block-end: 1px solid #ccc }</style></head><body>
<h1>${esc(title)}</h1>
<p>Periode: ${esc(reportDay(report.period.from))} tot en met ${esc(reportDay(report.period.to))}. ${esc(report.note)}</p>
<p>${esc(reportSummary(report))}</p>
${reportCharts(report).join('\n')}
<h2>Termijnen per stap</h2>
<table><thead><tr><th scope="col">Stap</th><th scope="col">Gehaald</th><th scope="col">Gehaald na verlenging</th><th scope="col">Te laat afgerond</th><th scope="col">Verstreken zonder besluit</th><th scope="col">Loopt nog</th></tr></thead><tbody>
${report.deadlines.map((d) => `<tr><th scope="row">${esc(d.title)}</th><td>${d.met}</td><td>${d.metAfterExtension}</td><td>${d.late}</td><td>${d.breached}</td><td>${d.open}</td></tr>`).join('\n')}
</tbody></table>
<h2>Verbeteracties</h2>
${
  report.improvementActions.length
    ? `<ul>${improvementLines(report)
        .map((l) => `<li>${esc(l)}</li>`)
        .join('')}</ul>`
    : '<p>Geen verbeteracties.</p>'
}
</body></html>`;
}
