/**
 * The officers' pages: sign-in, the worklist by nearest deadline, and the dossier with its
 * timeline, deadlines (with their explanation), letters and a form for exactly the actions the
 * current step allows (from the API's availableActions, not written per regulation).
 *
 * Sign-in keeps the officer's session in an HttpOnly cookie and sends it to the API as a bearer
 * token. How it gets there is a PageSignIn (sign-in.ts): locally `tokenSignIn` below, the
 * runtime's per-role token typed into a form; in AWS the Cognito hosted sign-in
 * (cognito-sign-in.tsx), chosen by lambdas/http.ts.
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Temporal } from 'temporal-polyfill';
import { findStep } from '../../statemachines/ladder.js';
import type { Regulation } from '../../statemachines/model.js';
import { localDate } from '../domain/calendar/deadline.js';
import { COMPLAINANT_ROLE_NL, dayOf, labelled, sentence } from '../domain/letters.js';
import { DEADLINE_STATUS_NL, RESULT_NL } from '../domain/timeline.js';
import { parseDutchDate } from './dutch-date.js';
import { Layout, Notice, Ref, withRefs } from './layout.js';
import { ErrorSummary, type Errors, Field, formOf, html, supportReferrals, Text, type Values } from './pages.js';
import { MailSection } from './postvak-pages.js';
import { CHANNEL_LABELS, registerPrintPage, registerRecordPage } from './record-page.js';
import { registerReportPage } from './report-page.js';
import { OFFICER_COOKIE, OfficerSessions, type PageSignIn } from './sign-in.js';

const COOKIE = OFFICER_COOKIE;

function SignIn(props: { reg: Regulation; error?: string }) {
  return (
    <Layout reg={props.reg} title="Inloggen voor medewerkers" error={!!props.error} officer="signed-out">
      <h1 class="utrecht-heading-1">Inloggen voor medewerkers</h1>
      <Notice kind="error" text={props.error} />
      <form method="post" action="/medewerkers/inloggen">
        <div class="kf-field utrecht-form-field">
          <label class="utrecht-form-label" for="token">
            Uw toegangscode
          </label>
          <p class="kf-hint" id="token-hint">
            De code van uw rol. Lokaal staat die in officers.json en in het venster waarin klachtflow draait.
          </p>
          <input
            class="utrecht-textbox utrecht-textbox--html-input"
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            aria-describedby="token-hint"
          />
        </div>
        <button type="submit" class="utrecht-button utrecht-button--primary-action">
          Inloggen
        </button>
      </form>
    </Layout>
  );
}

/** Whole calendar days from today to the day of `iso` in the Netherlands (negative: past). */
function daysUntil(iso: string, now: number): number {
  const today = localDate(new Date(now).toISOString());
  return today.until(localDate(iso), { largestUnit: 'day' }).days;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Where a worklist item stands, for sorting and for the words beside it. */
export function urgencyOf(
  d: { nextDueAt?: string; lateSince?: string; suspendedSince?: string },
  now: number,
  waiting: boolean,
): { kind: 'late' | 'soon' | 'later' | 'none' | 'waiting' | 'suspended'; at?: string } {
  // The clock stands still (opschorting): never late while it does.
  if (d.suspendedSince && !d.lateSince) return { kind: 'suspended', at: d.suspendedSince };
  const at = d.lateSince ?? d.nextDueAt;
  if (!at) return { kind: 'none' };
  if (waiting) return { kind: 'waiting', at };
  if (d.lateSince || Date.parse(at) < now) return { kind: 'late', at };
  return { kind: daysUntil(at, now) <= 3 ? 'soon' : 'later', at };
}

const ORDER = { late: 0, soon: 1, later: 2, waiting: 3, suspended: 4, none: 5 } as const;

function Worklist(props: {
  reg: Regulation;
  items: any[];
  now: number;
  rung?: string;
  /** Mail in the postvak that waits for a decision, when the regulation takes e-mail. */
  held?: { count: number; oldest?: string };
}) {
  const { reg, now } = props;
  const rows = props.items
    .map((d) => {
      const step = d.currentStep ? findStep(reg, d.currentStep)?.step : undefined;
      // The complainant's own term (to choose the next rung) is theirs: nothing is late for the
      // organisation, and the list says whom the dossier waits for.
      const waiting = step?.actor === 'complainant';
      return { d, step, waiting, urgency: urgencyOf(d, now, waiting) };
    })
    // Late first (longest late on top), then soon, then the rest by date; the index sorts by date
    // already, this keeps a late dossier on top even before its breach was recorded.
    .sort(
      (a, b) => ORDER[a.urgency.kind] - ORDER[b.urgency.kind] || (a.urgency.at ?? '').localeCompare(b.urgency.at ?? ''),
    );
  const late = rows.filter((r) => r.urgency.kind === 'late').length;
  return (
    <Layout reg={reg} title="Werklijst" officer>
      <h1 class="utrecht-heading-1">Werklijst</h1>
      <p class="utrecht-paragraph">
        {props.items.length === 0
          ? 'Er zijn geen open klachten.'
          : `${plural(props.items.length, 'open klacht', 'open klachten')}${late ? `, waarvan ${late} te laat` : ''}. Te laat staat bovenaan, dan wat binnenkort moet.`}
      </p>
      {props.held?.count ? (
        // A held mail may be a complaint whose terms already run from its receipt.
        <p class="utrecht-paragraph">
          <a class="utrecht-link" href="/medewerkers/postvak">
            {props.held.count === 1 ? '1 e-mail wacht' : `${props.held.count} e-mails wachten`} in het postvak
          </a>
          {props.held.oldest ? `, de oudste sinds ${dayOf(props.held.oldest)}` : ''}.
        </p>
      ) : null}
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href="/medewerkers/klacht-vastleggen">
          Een klacht vastleggen
        </a>{' '}
        die telefonisch, per brief, persoonlijk of via een collega binnenkwam.
      </p>
      <form method="get" action="/medewerkers/werklijst" class="kf-field">
        <label class="utrecht-form-label" for="rung">
          Toon klachten bij
        </label>{' '}
        <select class="utrecht-select utrecht-select--html-select" id="rung" name="rung">
          <option value="">iedereen</option>
          {reg.ladder.rungs.map((r) => (
            <option value={r.id} selected={props.rung === r.id}>
              {r.title}
            </option>
          ))}
        </select>{' '}
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">
          Toon
        </button>
      </form>
      <ol class="kf-list" aria-label="Open klachten">
        {rows.map(({ d, step, waiting, urgency }) => {
          const who = waiting
            ? 'de klager'
            : (reg.roles.find((r) => r.id === d.assignee)?.title ?? (d.assignee ? d.assignee : 'klachtflow zelf'));
          const days = urgency.at ? daysUntil(urgency.at, now) : 0;
          return (
            <li
              class={`kf-item${urgency.kind === 'late' ? ' kf-item--late' : urgency.kind === 'soon' ? ' kf-item--soon' : ''}`}
            >
              <p class="utrecht-paragraph">
                <a class="utrecht-link" href={`/medewerkers/dossiers/${d.id}`}>
                  <strong>{d.complainantName ?? 'Naam onbekend'}</strong>, <Ref>{d.reference}</Ref>
                </a>
              </p>
              <p class="utrecht-paragraph">
                {urgency.kind === 'late' ? (
                  <strong class="kf-error">
                    Te laat, sinds {dayOf(urgency.at as string)} ({plural(-days, 'dag', 'dagen')})
                  </strong>
                ) : urgency.kind === 'soon' ? (
                  <strong>
                    {days === 0 ? 'Vandaag' : `Nog ${plural(days, 'dag', 'dagen')}`}: uiterlijk{' '}
                    {dayOf(urgency.at as string)}
                  </strong>
                ) : urgency.kind === 'later' ? (
                  `Nog ${plural(days, 'dag', 'dagen')}: uiterlijk ${dayOf(urgency.at as string)}`
                ) : urgency.kind === 'waiting' ? (
                  `De klager kan kiezen tot ${dayOf(urgency.at as string)}`
                ) : urgency.kind === 'suspended' ? (
                  <>
                    <span class="kf-tag">opgeschort</span>De termijn staat stil sinds {dayOf(urgency.at as string)}
                  </>
                ) : (
                  'Voor deze stap geldt geen termijn'
                )}
              </p>
              <p class="utrecht-paragraph">
                Nu: {step ? sentence(step.title) : 'klachtflow zet de volgende stap.'} Aan zet: {who}.
              </p>
              {d.newMessageAt ? (
                <p class="utrecht-paragraph">
                  <span class="kf-tag">Nieuw bericht</span> van de klager, {dayOf(d.newMessageAt)}
                </p>
              ) : null}
              {d.undeliveredSince ? (
                <p class="utrecht-paragraph">
                  <span class="kf-tag">Brief niet aangekomen</span> {(d.undeliveredTo ?? []).join(', ')},{' '}
                  {dayOf(d.undeliveredSince)}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
    </Layout>
  );
}

/** What the mail service reported about a letter, in words (lambdas/mail-events.ts). */
const DELIVERY_NL: Record<string, string> = {
  bounce: 'niet aangekomen: het adres bestaat niet of weigert',
  complaint: 'als ongewenst gemeld: misschien niet gelezen',
  reject: 'niet aangekomen: geweigerd door de mailservice',
  delay: 'nog niet aangekomen: wordt opnieuw geprobeerd',
};

/**
 * Letters that did not arrive (a bounce, a spam report, a rejection), with the address, so the
 * officer can phone or ask for another address: the dossier must not look as if the complainant
 * was told. Shown while the letter's problem stands; the worklist shows it until an officer acts.
 */
/** The form to send a bounced letter again, as it was sent when the address was refused. */
interface ResendInput {
  letterId: string;
  email: string;
  error: string;
}

function Undelivered(props: { d: any; resend?: ResendInput }) {
  const all = (props.d.letters ?? []) as any[];
  const letters = all.filter((l: any) => l.delivery && l.delivery.problem !== 'delay');
  if (!letters.length) return null;
  return (
    <section class="kf-box" aria-labelledby="undelivered">
      <h2 class="utrecht-heading-2" id="undelivered">
        Brief niet aangekomen
      </h2>
      <ul class="utrecht-unordered-list">
        {letters.map((l: any, i: number) => {
          const again = all.filter((x: any) => x.resendOf === l.letterId);
          const id = `opnieuw-${i}`;
          const sent = props.resend?.letterId === l.letterId ? props.resend : undefined;
          return (
            <li>
              <strong>{l.subject.replace(/^\[[^\]]+\]\s*/, '')}</strong> aan {l.delivery.addresses.join(', ')} (
              {dayOf(l.delivery.at)}): {DELIVERY_NL[l.delivery.problem] ?? l.delivery.problem}.
              {l.delivery.detail ? (
                <p class="utrecht-paragraph">
                  <small>Antwoord van de mailserver: {l.delivery.detail}</small>
                </p>
              ) : null}
              {again.map((x: any) => (
                <p class="utrecht-paragraph">
                  Opnieuw verstuurd naar {x.to.join(', ')} op {dayOf(x.sentAt ?? x.queuedAt)}.
                </p>
              ))}
              {props.d.mayResend && l.audience === 'complainant' && again.length === 0 ? (
                // Once sent again it does not go a third time (the API answers 409): no form then.
                // The address the complainant gave on the phone or by letter: recorded, and this
                // letter goes once more, to that address only.
                <form
                  method="post"
                  action={`/medewerkers/dossiers/${props.d.id}/brieven/${encodeURIComponent(l.letterId)}/opnieuw`}
                  novalidate
                >
                  <div class={`utrecht-form-field kf-field${sent ? ' utrecht-form-field--invalid kf-invalid' : ''}`}>
                    <label class="utrecht-form-label" for={id}>
                      Ander e-mailadres van de klager
                    </label>
                    <p class="utrecht-form-field-description kf-hint" id={`${id}-hint`}>
                      Het oude adres blijft in de geschiedenis staan. Nieuwe brieven gaan naar dit adres.
                    </p>
                    {sent ? (
                      <p class="utrecht-form-field-error-message kf-error" id={`${id}-error`}>
                        {sent.error}
                      </p>
                    ) : null}
                    <input
                      class={`utrecht-textbox utrecht-textbox--html-input${sent ? ' utrecht-textbox--invalid' : ''}`}
                      type="email"
                      autocomplete="off"
                      id={id}
                      name="email"
                      value={sent?.email ?? ''}
                      aria-describedby={`${id}-hint${sent ? ` ${id}-error` : ''}`}
                      aria-invalid={sent ? 'true' : undefined}
                    />
                  </div>
                  <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                    Verstuur de brief opnieuw
                  </button>
                </form>
              ) : null}
            </li>
          );
        })}
      </ul>
      {letters.some((l: any) => !all.some((x: any) => x.resendOf === l.letterId)) ? (
        // What to do while a letter has not gone again; once it has, that advice is done.
        <p class="utrecht-paragraph">
          Bel of schrijf de ontvanger, of vraag een ander e-mailadres. De brief kunt u afdrukken bij "Brieven en
          berichten".
        </p>
      ) : null}
    </section>
  );
}

const IMPROVEMENT_STATUS: Record<string, string> = { open: 'open', 'in-progress': 'in uitvoering', done: 'afgerond' };

/**
 * The improvement register over all dossiers, earliest date first (ONS: "De klachtenfunctionaris
 * bewaakt en registreert de stand van zaken uitvoering verbeteracties"). Late actions say so in
 * words, not only in colour. One card per action: it fits a phone without scrolling sideways.
 */
function Register(props: { reg: Regulation; items: any[]; status?: string; message?: string }) {
  const late = props.items.filter((i) => i.overdue).length;
  return (
    <Layout reg={props.reg} title="Verbeterregister" officer>
      <Notice kind="status" text={props.message} />
      <h1 class="utrecht-heading-1">Verbeterregister</h1>
      <p class="utrecht-paragraph">
        Verbeteracties uit klachten, de vroegste datum bovenaan.{' '}
        {props.items.length === 1 ? '1 actie' : `${props.items.length} acties`}
        {late ? `, waarvan ${late} te laat` : ''}.
      </p>
      <form method="get" action="/medewerkers/verbeterregister" class="kf-field">
        <label class="utrecht-form-label" for="status">
          Toon acties die
        </label>{' '}
        <select class="utrecht-select utrecht-select--html-select" id="status" name="status">
          <option value="">open, in uitvoering of afgerond zijn</option>
          {Object.entries(IMPROVEMENT_STATUS).map(([value, title]) => (
            <option value={value} selected={props.status === value}>
              {title} zijn
            </option>
          ))}
        </select>{' '}
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">
          Toon
        </button>
      </form>
      {props.items.length === 0 ? <p class="utrecht-paragraph">Er zijn geen verbeteracties.</p> : null}
      <ol class="kf-list" aria-label="Verbeteracties">
        {props.items.map((i, n) => (
          <li class={`kf-item${i.overdue ? ' kf-item--late' : ''}`}>
            <p class="utrecht-paragraph">
              <strong>{i.action}</strong>
            </p>
            <p class="utrecht-paragraph">
              Uiterlijk {dayOf(i.due)}
              {i.overdue ? <strong class="kf-error"> (te laat)</strong> : null}. Wie: {i.ownerTitle}. Uit klacht{' '}
              <a class="utrecht-link" href={`/medewerkers/dossiers/${i.dossierId}`}>
                <Ref>{i.reference}</Ref>
              </a>
              .
            </p>
            <form method="post" action={`/medewerkers/verbeterregister/${i.dossierId}/${i.improvementId}`}>
              <label class="utrecht-form-label" for={`stand-${n}`}>
                Hoe staat deze actie ervoor?
              </label>{' '}
              <select class="utrecht-select utrecht-select--html-select" id={`stand-${n}`} name="status">
                {Object.entries(IMPROVEMENT_STATUS).map(([value, title]) => (
                  <option value={value} selected={i.status === value}>
                    {title}
                  </option>
                ))}
              </select>{' '}
              <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                Bewaar
              </button>
            </form>
          </li>
        ))}
      </ol>
    </Layout>
  );
}

/** What an action's button says it does. */
const ACTION_BUTTONS: Record<string, string> = {
  outcome: 'Leg de uitkomst vast',
  extend: 'Verleng de termijn',
  handover: 'Draag over',
  suspend: 'Zet de termijn stil',
  resume: 'Laat de termijn weer lopen',
};

/**
 * An action form sent back with what was wrong (a 422): the values as typed and a message per field
 * name (`outcome`, `note`, `contents.findings`), shown beside each field and in the summary.
 */
interface ActionInput {
  type: string;
  stepId: string;
  termId?: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

/** The element id of an action form's field: where the error summary's link goes. */
function actionFieldId(a: { type: string; stepId: string; termId?: string }, name: string): string {
  if (name === 'outcome') return 'outcome';
  if (name.startsWith('contents.')) return `${a.stepId}-${name.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  return `${a.type}-${a.stepId}${a.termId ? `-${a.termId}` : ''}-text`;
}

/** Whether a sent-back form belongs to this action. */
const sameAction = (a: any, input?: ActionInput) =>
  !!input && input.type === a.type && input.stepId === a.stepId && (input.termId ?? '') === (a.termId ?? '');

function ActionForm(props: { reg: Regulation; id: string; action: any; input?: ActionInput }) {
  const a = props.action;
  const f = a.fields;
  // A step's own extension and a term for the whole handling can be on one page: ids stay unique.
  const suffix = a.termId ? `-${a.termId}` : '';
  const group = `${a.type}-${a.stepId}${suffix}`;
  const input = sameAction(a, props.input) ? props.input : undefined;
  const values = input?.values ?? {};
  const errors = input?.errors ?? {};
  const noteName = a.type === 'outcome' ? 'note' : 'reason';
  const noteError = errors[noteName];
  return (
    <form method="post" action={`/medewerkers/dossiers/${props.id}/acties`} class="kf-box">
      <input type="hidden" name="type" value={a.type} />
      <input type="hidden" name="stepId" value={a.stepId} />
      {a.termId ? <input type="hidden" name="termId" value={a.termId} /> : null}
      {a.type === 'outcome' ? (
        // No outcome is chosen beforehand: one click must never record a decision nobody took.
        <fieldset
          class={`utrecht-form-fieldset kf-field${errors.outcome ? ' utrecht-form-fieldset--invalid kf-invalid' : ''}`}
          aria-describedby={errors.outcome ? 'outcome-error' : undefined}
        >
          <legend class="utrecht-form-fieldset__legend">{labelled(a.title, 'wat is de uitkomst?')}</legend>
          {errors.outcome ? (
            <p class="utrecht-form-field-error-message kf-error" id="outcome-error">
              {errors.outcome}
            </p>
          ) : null}
          {f.outcome.options.map((o: any, i: number) => (
            <div class="kf-choice">
              <input
                class="utrecht-radio-button utrecht-radio-button--html-input"
                type="radio"
                id={i === 0 ? 'outcome' : `outcome-${o.value}`}
                name="outcome"
                value={o.value}
                checked={values.outcome === o.value}
              />
              <label
                class="utrecht-form-label utrecht-form-label--radio"
                for={i === 0 ? 'outcome' : `outcome-${o.value}`}
              >
                {o.title}
              </label>
            </div>
          ))}
        </fieldset>
      ) : null}
      {a.type === 'extend' ? (
        <>
          <h3 class="utrecht-heading-3">{a.title}</h3>
          <div class="kf-field">
            <label class="utrecht-form-label" for={`term${suffix}`}>
              Met hoeveel tijd?
            </label>
            <p class="kf-hint" id={`term${suffix}-hint`}>
              {a.cap ? `${a.cap} ` : ''}Bijvoorbeeld: twee weken, of 10 werkdagen.
            </p>
            <input
              class="utrecht-textbox utrecht-textbox--html-input"
              id={`term${suffix}`}
              name="term"
              aria-describedby={`term${suffix}-hint`}
            />
          </div>
        </>
      ) : null}
      {a.type === 'suspend' ? (
        <>
          <h3 class="utrecht-heading-3">{a.title}</h3>
          <p class="kf-hint">
            De termijn telt niet mee vanaf morgen tot de dag dat u hem weer laat lopen. Die dagen komen er aan het eind
            bij. De klager krijgt een brief als de regeling dat vraagt.
          </p>
          <div class="kf-field">
            <label class="utrecht-form-label" for="ground">
              Waarom staat de termijn stil?
            </label>
            <select class="utrecht-select utrecht-select--html-select" id="ground" name="ground">
              <option value="">Kies een grond uit de regeling</option>
              {f.ground.options.map((o: any) => (
                <option value={o.value}>{o.title}</option>
              ))}
            </select>
          </div>
        </>
      ) : null}
      {a.type === 'resume' ? (
        <>
          <h3 class="utrecht-heading-3">{a.title}</h3>
          <p class="kf-hint">
            Vanaf vandaag telt de termijn weer. klachtflow berekent de nieuwe einddatum en stuurt de klager een brief
            met de nieuwe data.
          </p>
        </>
      ) : null}
      {a.type === 'handover' ? (
        <>
          <h3 class="utrecht-heading-3">{a.title}</h3>
          <div class="kf-field">
            <label class="utrecht-form-label" for="to">
              Aan wie?
            </label>
            <select class="utrecht-select utrecht-select--html-select" id="to" name="to">
              <option value="">Kies aan wie</option>
              {f.to.options.map((o: any) => (
                <option value={o.value}>{o.title}</option>
              ))}
            </select>
          </div>
        </>
      ) : null}
      {a.type === 'outcome' ? <ContentFields reg={props.reg} action={a} values={values} errors={errors} /> : null}
      <div class={`utrecht-form-field kf-field${noteError ? ' utrecht-form-field--invalid kf-invalid' : ''}`}>
        <label class="utrecht-form-label" for={`${group}-text`}>
          {a.type === 'outcome'
            ? 'Toelichting voor de brief (niet verplicht)'
            : a.type === 'resume'
              ? 'Toelichting (niet verplicht)'
              : 'Reden'}
        </label>
        {/* The letter says "je" where the regulation does (lambdas/domain/address.ts) and keeps
            what the officer typed as typed: their words must say it too. */}
        {a.type === 'suspend' ? (
          <p class="kf-hint" id={`${group}-text-hint`}>
            {props.reg.address === 'je'
              ? 'De klager leest deze reden in de brief. Schrijf dus aan de klager, met "je" zoals de regeling, bijvoorbeeld: "Je praat eerst met een bemiddelaar."'
              : 'De klager leest deze reden in de brief. Schrijf dus aan de klager, bijvoorbeeld: "U praat eerst met een bemiddelaar."'}
          </p>
        ) : a.type === 'outcome' && props.reg.address === 'je' ? (
          <p class="kf-hint" id={`${group}-text-hint`}>
            Komt in de brief. Schrijf "je" tegen de klager, zoals de regeling en de rest van de brief.
          </p>
        ) : null}
        {noteError ? (
          <p class="utrecht-form-field-error-message kf-error" id={`${group}-text-error`}>
            {noteError}
          </p>
        ) : null}
        <textarea
          class={`utrecht-textarea utrecht-textarea--html-textarea${noteError ? ' utrecht-textarea--invalid' : ''}`}
          id={`${group}-text`}
          name={noteName}
          rows={4}
          aria-describedby={
            [
              noteError ? `${group}-text-error` : '',
              a.type === 'suspend' || (a.type === 'outcome' && props.reg.address === 'je') ? `${group}-text-hint` : '',
            ]
              .filter(Boolean)
              .join(' ') || undefined
          }
          aria-invalid={noteError ? 'true' : undefined}
        >
          {values[noteName] ?? ''}
        </textarea>
      </div>
      {a.type === 'extend' && f.consent ? (
        <div class="kf-choice kf-field">
          <input
            class="utrecht-checkbox utrecht-checkbox--html-input"
            type="checkbox"
            id={`consent${suffix}`}
            name="consent"
            value="ja"
          />
          <label class="utrecht-form-label utrecht-form-label--checkbox" for={`consent${suffix}`}>
            De klager stemt schriftelijk in met een langere verlenging (niet verplicht)
          </label>
        </div>
      ) : null}
      {a.type === 'suspend' ? (
        <div class="kf-choice kf-field">
          <input
            class="utrecht-checkbox utrecht-checkbox--html-input"
            type="checkbox"
            id="suspend-consent"
            name="consent"
            value="ja"
          />
          <label class="utrecht-form-label utrecht-form-label--checkbox" for="suspend-consent">
            De klager stemt in met het stilzetten (
            {f.consent?.requiredFor?.length
              ? `nodig bij: ${f.consent.requiredFor.join(', ')}`
              : f.consent?.required
                ? 'nodig bij sommige gronden'
                : 'niet verplicht'}
            )
          </label>
        </div>
      ) : null}
      <button type="submit" class="utrecht-button utrecht-button--primary-action">
        {ACTION_BUTTONS[a.type as string] ?? 'Leg vast'}
      </button>
    </form>
  );
}

/**
 * What the outcome's letters must contain that the officer writes (the findings, the judgement,
 * the measures and by when), each under the regulation's words, saying with which outcomes it is
 * needed: the letter writes it in as it is typed here.
 */
function ContentFields(props: {
  reg: Regulation;
  action: any;
  values: Record<string, string>;
  errors: Record<string, string>;
}) {
  const a = props.action;
  const outcomes = new Map<string, string>(a.fields.outcome.options.map((o: any) => [o.value, o.title]));
  const fields = Object.entries(a.fields as Record<string, any>).filter(([k]) => k.startsWith('contents.'));
  if (fields.length === 0) return null;
  return (
    <>
      {fields.map(([name, f]) => {
        const id = `${a.stepId}-${name.replace(/[^a-zA-Z0-9-]/g, '-')}`;
        const needed = (f.requiredFor as string[]).map((o) => outcomes.get(o) ?? o);
        // The letter says "je" where the regulation does (lambdas/domain/address.ts) and keeps what
        // the officer typed as typed: a "u" of theirs would stand in a "je" letter.
        const hint = `Komt in de brief. Nodig bij: ${needed.join('; ')}.${f.type === 'date' ? ' Bijvoorbeeld: 15-01-2027.' : ''}${
          props.reg.address === 'je' && f.type !== 'date'
            ? ' Schrijf "je" tegen de klager, zoals de regeling en de rest van de brief.'
            : ''
        }`;
        // The Utrecht form field with an error: the message under the label and hint, tied to the
        // control by aria-describedby, the control marked aria-invalid (NL Design System).
        const error = props.errors[name];
        const describedBy = `${id}-hint${error ? ` ${id}-error` : ''}`;
        return (
          <div class={`utrecht-form-field kf-field${error ? ' utrecht-form-field--invalid kf-invalid' : ''}`}>
            <label class="utrecht-form-label" for={id}>
              {f.label}
            </label>
            <p class="utrecht-form-field-description kf-hint" id={`${id}-hint`}>
              {hint}
            </p>
            {error ? (
              <p class="utrecht-form-field-error-message kf-error" id={`${id}-error`}>
                {error}
              </p>
            ) : null}
            {f.type === 'date' ? (
              <input
                class={`utrecht-textbox utrecht-textbox--html-input${error ? ' utrecht-textbox--invalid' : ''}`}
                id={id}
                name={name}
                value={props.values[name] ?? ''}
                aria-describedby={describedBy}
                aria-invalid={error ? 'true' : undefined}
              />
            ) : (
              <textarea
                class={`utrecht-textarea utrecht-textarea--html-textarea${error ? ' utrecht-textarea--invalid' : ''}`}
                id={id}
                name={name}
                rows={4}
                aria-describedby={describedBy}
                aria-invalid={error ? 'true' : undefined}
              >
                {props.values[name] ?? ''}
              </textarea>
            )}
          </div>
        );
      })}
    </>
  );
}

/**
 * Blameworthy conduct of an employee: any officer records it; only the readers the regulation
 * names (ONS: the manager) see what was recorded.
 */
function ConductNotes(props: { id: string; notes?: any[] }) {
  return (
    <section>
      <h2 class="utrecht-heading-2">Verwijtbaar handelen</h2>
      {props.notes ? (
        props.notes.length ? (
          <ul class="utrecht-unordered-list">
            {props.notes.map((n: any) => (
              <li>
                {dayOf(n.at)}, {n.by}: {n.text}
              </li>
            ))}
          </ul>
        ) : (
          <p class="utrecht-paragraph">Er zijn geen aantekeningen.</p>
        )
      ) : (
        <p class="utrecht-paragraph">
          Alleen de leidinggevende leest deze aantekeningen. De klager en andere medewerkers zien ze niet.
        </p>
      )}
      <form method="post" action={`/medewerkers/dossiers/${props.id}/verwijtbaar`} class="kf-box">
        <div class="kf-field">
          <label class="utrecht-form-label" for="conduct-text">
            Wat deed de medewerker volgens u verwijtbaar?
          </label>
          <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="conduct-text" name="text" rows={4} />
        </div>
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">
          Leg vast voor de leidinggevende
        </button>
      </form>
    </section>
  );
}

/** Who a letter went to, in words: the parties by their place in the complaint, roles by title. */
function recipientName(reg: Regulation, id: string): string {
  const party: Record<string, string> = {
    complainant: 'de klager',
    respondent: 'de beklaagde',
    'respondent-manager': 'de leidinggevende van de beklaagde',
  };
  return party[id] ?? reg.roles.find((r) => r.id === id)?.title.toLowerCase() ?? id;
}

/** An officer as the read log names them: a local role token by its role's title. */
function officerName(reg: Regulation, sub: string): string {
  const local = /^(.+)@local$/.exec(sub)?.[1];
  return (local && reg.roles.find((r) => r.id === local)?.title) || sub;
}

const WHAT_READ: Record<string, string> = { dossier: 'dossier', export: 'inzagekopie' };

/** "09:05" in the Netherlands. */
function timeOf(iso: string): string {
  return Temporal.Instant.from(iso)
    .toZonedDateTimeISO('Europe/Amsterdam')
    .toPlainTime()
    .toString({ smallestUnit: 'minute' });
}

/** The read log grouped: one line per person per day, with the times (GDPR art. 5(2): who looked). */
export function groupReads(
  reg: Regulation,
  reads: { by: string; at: string; what: string }[],
): { who: string; day: string; times: string[] }[] {
  const groups = new Map<string, { who: string; day: string; times: string[] }>();
  for (const r of [...reads].sort((a, b) => b.at.localeCompare(a.at))) {
    const day = dayOf(r.at);
    const key = `${r.by}\u0000${day}`;
    const g = groups.get(key) ?? { who: officerName(reg, r.by), day, times: [] };
    const what = WHAT_READ[r.what] ?? r.what;
    g.times.push(what === 'dossier' ? timeOf(r.at) : `${timeOf(r.at)} (${what})`);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ ...g, times: g.times.reverse() }));
}

/** The ladder as text: every rung and its steps, the current step marked; other rungs folded. */
function StepList(props: { reg: Regulation; d: any }) {
  const { reg, d } = props;
  const done = new Set((d.timeline ?? []).map((t: any) => t.stepId));
  return (
    <ol class="utrecht-ordered-list kf-steps">
      {reg.ladder.rungs.map((rung) => {
        const here = rung.id === d.rung;
        const steps = (
          <ol class="utrecht-unordered-list kf-steps">
            {rung.steps.map((step) => {
              const now = d.currentStep?.id === step.id;
              return (
                <li class={now ? 'kf-current' : undefined} aria-current={now ? 'step' : undefined}>
                  {step.title}
                  {now ? ' (nu)' : done.has(step.id) ? ' (gedaan)' : ''}
                </li>
              );
            })}
          </ol>
        );
        return (
          <li>
            {here ? (
              <>
                <strong>{rung.title}</strong> (hier staat de klacht)
                {steps}
              </>
            ) : (
              <details>
                <summary>{rung.title}</summary>
                {steps}
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}

const ROLE_OF_COMPLAINANT = COMPLAINANT_ROLE_NL;

/** Who complains and how to reach them, on whose behalf, about whom, and how it came in. */
function Facts(props: { reg: Regulation; d: any }) {
  const { reg, d } = props;
  const r = d.received;
  const c = r.complainant;
  const address = [c.address?.street, [c.address?.postcode, c.address?.city].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  const about = [
    r.respondent?.name,
    r.respondent?.team,
    r.aboutRole ? `de ${reg.roles.find((x) => x.id === r.aboutRole)?.title.toLowerCase() ?? r.aboutRole}` : undefined,
  ].filter(Boolean);
  const channel =
    r.channel === 'web' ? 'via het klachtformulier' : (CHANNEL_LABELS[r.channel] ?? r.channel).toLowerCase();
  const rows: [string, unknown][] = [
    ['Klager', `${c.name} (${ROLE_OF_COMPLAINANT[r.role] ?? r.role})`],
    ['Namens', r.onBehalfOf],
    [
      'E-mail',
      c.email ? (
        <a class="utrecht-link" href={`mailto:${c.email}`}>
          {c.email}
        </a>
      ) : undefined,
    ],
    [
      'Telefoon',
      c.phone ? (
        <a class="utrecht-link" href={`tel:${c.phone.replace(/[^\d+]/g, '')}`}>
          {c.phone}
        </a>
      ) : undefined,
    ],
    ['Adres', address || undefined],
    ['Over wie', about.length ? about.join(', ') : undefined],
    // The complainant ticked "Ik wil gratis hulp bij mijn klacht"; their page names the helpers.
    [
      'Hulp gevraagd',
      r.wantsSupport
        ? `Ja. Op de pagina van de klager staat waar die gratis hulp krijgt: ${
            supportReferrals(reg)
              .map((x) => x.name)
              .join(' of ') || 'zie de regeling'
          }. Vraag in uw contact of dat gelukt is.`
        : undefined,
    ],
    ['Wanneer gebeurd', r.incidentDate ? dayOf(r.incidentDate) : undefined],
    [
      'Binnengekomen',
      `${dayOf(r.receivedAt)} om ${timeOf(r.receivedAt)}, ${channel}${r.takenBy ? `, aangenomen door ${r.takenBy}` : ''}`,
    ],
  ];
  return (
    <dl class="kf-facts">
      {rows
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      {!c.email && !c.phone && !address ? (
        <>
          <dt>Bereikbaar</dt>
          <dd class="kf-error">Geen e-mail, telefoon of adres bekend.</dd>
        </>
      ) : null}
    </dl>
  );
}

export interface ImprovementInput {
  values: Values;
  errors: Errors;
}

function ImprovementForm(props: { reg: Regulation; id: string; input?: ImprovementInput }) {
  const values = props.input?.values ?? {};
  const errors = props.input?.errors ?? {};
  return (
    <form method="post" action={`/medewerkers/dossiers/${props.id}/verbeteracties`} class="kf-box" novalidate>
      <h3 class="utrecht-heading-3">Nieuwe verbeteractie</h3>
      <Text id="improvement-action" name="action" label="Wat gaat er beter?" values={values} errors={errors} />
      <Field id="improvement-owner" label="Wie zorgt ervoor?" error={errors['improvement-owner']}>
        <select
          class="utrecht-select utrecht-select--html-select"
          id="improvement-owner"
          name="owner"
          aria-invalid={errors['improvement-owner'] ? 'true' : undefined}
          aria-describedby={errors['improvement-owner'] ? 'improvement-owner-error' : undefined}
        >
          <option value="">Kies wie</option>
          {props.reg.roles.map((r) => (
            <option value={r.id} selected={values['improvement-owner'] === r.id}>
              {r.title}
            </option>
          ))}
        </select>
      </Field>
      <Text
        id="improvement-due"
        name="due"
        label="Klaar op"
        hint="Een datum, bijvoorbeeld 15-01-2027."
        values={values}
        errors={errors}
      />
      <button type="submit" class="utrecht-button utrecht-button--secondary-action">
        Voeg toe aan het verbeterregister
      </button>
    </form>
  );
}

function DossierPage(props: {
  reg: Regulation;
  d: any;
  message?: string;
  error?: string;
  /** An action form sent back with its values and a message per field (a 422). */
  action?: ActionInput;
  /** The address for a bounced letter, refused (a 400 or 422). */
  resend?: ResendInput;
  improvement?: ImprovementInput;
  conduct?: any[];
}) {
  const { reg, d } = props;
  const actionErrors: Record<string, string> = props.action
    ? Object.fromEntries(
        Object.entries(props.action.errors).map(([name, m]) => [actionFieldId(props.action as ActionInput, name), m]),
      )
    : {};
  const resendAt = props.resend
    ? ((d.letters ?? []) as any[])
        .filter((l: any) => l.delivery && l.delivery.problem !== 'delay')
        .findIndex((l: any) => l.letterId === props.resend?.letterId)
    : -1;
  if (props.resend && resendAt >= 0) actionErrors[`opnieuw-${resendAt}`] = props.resend.error;
  const errors =
    !!props.error || Object.keys(actionErrors).length > 0 || Object.keys(props.improvement?.errors ?? {}).length > 0;
  const messages = (d.messages ?? []) as any[];
  const reads = groupReads(reg, d.reads ?? []);
  return (
    <Layout reg={reg} title={`Dossier ${d.reference}`} error={errors} officer>
      <Notice kind="error" text={props.error} />
      <Notice kind="status" text={props.message} />
      {props.improvement && Object.keys(props.improvement.errors).length ? (
        <ErrorSummary errors={props.improvement.errors} />
      ) : null}
      {Object.keys(actionErrors).length ? <ErrorSummary errors={actionErrors} /> : null}
      <h1 class="utrecht-heading-1">
        Dossier <Ref>{d.reference}</Ref>: {d.received.complainant.name}
      </h1>
      <p class="utrecht-paragraph">
        {d.status === 'closed'
          ? `Afgesloten op ${dayOf(d.closed?.at ?? d.received.receivedAt)}: ${RESULT_NL[d.closed?.result] ?? d.closed?.result}.`
          : d.currentStep
            ? `Nu: ${sentence(d.currentStep.title)}`
            : 'klachtflow zet de volgende stap.'}
      </p>
      {d.complainantSatisfaction ? (
        <p class="utrecht-paragraph">
          De klager zei zelf op {dayOf(d.complainantSatisfaction.at)}:{' '}
          {d.complainantSatisfaction.satisfied ? 'tevreden' : 'niet tevreden'} over de behandeling
          {d.complainantSatisfaction.remark ? `: "${d.complainantSatisfaction.remark}"` : '.'}
        </p>
      ) : null}
      <Undelivered d={d} resend={props.resend} />
      <Facts reg={reg} d={d} />
      <h2 class="utrecht-heading-2">De klacht</h2>
      <div class="kf-box">
        <p class="utrecht-paragraph kf-pre">{d.received.description}</p>
      </div>
      {d.received.transcript ? (
        <details class="kf-box">
          <summary>Verslag of tekst van de brief</summary>
          <p class="utrecht-paragraph kf-pre">{d.received.transcript}</p>
        </details>
      ) : null}
      {d.received.window?.outside ? <p class="utrecht-paragraph kf-error">{d.received.window.text}</p> : null}
      {messages.length ? (
        <>
          <h3 class="utrecht-heading-3">Berichten</h3>
          <ul class="kf-list">
            {messages.map((m) => (
              <li class="kf-item">
                <p class="utrecht-paragraph">
                  <strong>
                    {m.from === 'complainant' ? 'De klager' : 'Een medewerker'}, {dayOf(m.at)} om {timeOf(m.at)}
                    {m.via === 'email' ? ', per e-mail' : ''}
                  </strong>
                  {d.newMessageAt && m.from === 'complainant' && m.at >= d.newMessageAt ? (
                    <>
                      {' '}
                      <span class="kf-tag">nieuw</span>
                    </>
                  ) : null}
                </p>
                <p class="utrecht-paragraph kf-pre">{m.text}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <MailSection d={d} />
      {d.currentStep ? (
        <>
          <h2 class="utrecht-heading-2">Nu: {d.currentStep.title}</h2>
          <p class="utrecht-paragraph">
            Aan zet:{' '}
            {d.currentStep.actor === 'complainant'
              ? 'de klager'
              : (reg.roles.find((r) => r.id === d.currentStep.assignee)?.title ?? d.currentStep.assignee)}
            .
          </p>
          {d.suspension ? (
            <p class="utrecht-paragraph kf-box">
              <strong>De termijn staat stil sinds {dayOf(d.suspension.since)}</strong>: {d.suspension.title}.{' '}
              {sentence(d.suspension.reason)} De termijn loopt weer {d.suspension.resumesWhen}
              {d.suspension.until ? `, uiterlijk ${dayOf(d.suspension.until)}` : ''}.
            </p>
          ) : null}
          {d.availableActions.length === 0 ? (
            <p class="utrecht-paragraph">U kunt bij deze stap nu niets doen.</p>
          ) : null}
          {d.availableActions.map((a: any) => (
            <ActionForm reg={reg} id={d.id} action={a} input={props.action} />
          ))}
        </>
      ) : null}
      <h2 class="utrecht-heading-2">De stappen van de klachtenregeling</h2>
      <StepList reg={reg} d={d} />
      <h2 class="utrecht-heading-2">Termijnen</h2>
      <ul class="utrecht-unordered-list">
        {d.deadlines.map((x: any) => (
          <li>
            <details>
              <summary>
                {x.suspended ? labelled(x.title, 'staat stil') : labelled(x.title, `uiterlijk ${dayOf(x.dueAt)}`)} (
                {DEADLINE_STATUS_NL[x.status] ?? x.status}
                {x.extended ? ', verlengd' : ''}
                {x.suspended ? ', opgeschort' : ''})
              </summary>
              <p class="utrecht-paragraph">{x.explanation.text}</p>
            </details>
          </li>
        ))}
      </ul>
      <h2 class="utrecht-heading-2">Wat er gebeurde</h2>
      <ol class="utrecht-ordered-list">
        {(d.history ?? []).map((h: any) => (
          <li>
            <strong>
              {dayOf(h.at)} {timeOf(h.at)}
            </strong>{' '}
            ({officerName(reg, h.who)}): {h.text}
          </li>
        ))}
      </ol>
      {d.registration ? <Registration reg={reg} id={d.id} form={d.registration} /> : null}
      <h2 class="utrecht-heading-2">Verbeteracties</h2>
      {(d.improvements ?? []).length ? (
        <ul class="utrecht-unordered-list">
          {(d.improvements ?? []).map((i: any) => (
            <li>
              {i.action} ({reg.roles.find((r) => r.id === i.owner)?.title ?? i.owner}, uiterlijk {dayOf(i.due)}):{' '}
              {IMPROVEMENT_STATUS[i.status] ?? i.status}
            </li>
          ))}
        </ul>
      ) : (
        <p class="utrecht-paragraph">Nog geen verbeteracties uit deze klacht.</p>
      )}
      <ImprovementForm reg={reg} id={d.id} input={props.improvement} />
      <ConductNotes id={d.id} notes={props.conduct} />
      <h2 class="utrecht-heading-2">Brieven en berichten</h2>
      {d.letters.map((l: any) => (
        <details class="kf-box">
          <summary>
            {/* "Nieuwe taak: Valt de klacht binnen de termijn? (aan ...)", never "termijn?, aan". */}
            {l.subject.replace(/^\[[^\]]+\]\s*/, '')} (aan{' '}
            {l.recipients?.length
              ? l.recipients.map((x: string) => recipientName(reg, x)).join(' en ')
              : l.to.join(', ') || 'niemand'}
            )
            {l.undeliverable.length
              ? `; per post aan ${l.undeliverable.map((x: string) => recipientName(reg, x)).join(' en ')}`
              : ''}
            {l.delivery ? ` (${DELIVERY_NL[l.delivery.problem] ?? l.delivery.problem})` : ''}
          </summary>
          <p class="utrecht-paragraph kf-pre">{withRefs(l.text)}</p>
          {l.audience === 'complainant' || l.undeliverable.length || l.delivery ? (
            <p class="utrecht-paragraph">
              <a class="utrecht-link" href={`/medewerkers/dossiers/${d.id}/brieven/${encodeURIComponent(l.letterId)}`}>
                Afdrukken als brief
              </a>
            </p>
          ) : null}
        </details>
      ))}
      <h2 class="utrecht-heading-2">Wie las dit dossier</h2>
      <ul class="utrecht-unordered-list">
        {reads.slice(0, 30).map((g) => (
          <li>
            {g.who}, {g.day}: {g.times.join(', ')}
          </li>
        ))}
      </ul>
    </Layout>
  );
}

/** The regulation's registration form: derived answers shown, the rest to fill in. */
function Registration(props: { reg: Regulation; id: string; form: any }) {
  const { form } = props;
  return (
    <section>
      <h2 class="utrecht-heading-2">{form.title}</h2>
      {form.missing.length ? (
        <p class="utrecht-paragraph">
          Nog in te vullen:{' '}
          {form.missing.length === 1 ? '1 verplichte vraag' : `${form.missing.length} verplichte vragen`}.
        </p>
      ) : null}
      <form method="post" action={`/medewerkers/dossiers/${props.id}/registratie`} class="kf-box">
        {form.questions.map((q: any) => (
          <div class="kf-field utrecht-form-field">
            <label class="utrecht-form-label" for={`q-${q.id}`}>
              {q.text}
              {q.required ? '' : ' (niet verplicht)'}
            </label>
            {q.derived ? (
              <p class="utrecht-paragraph" id={`q-${q.id}`}>
                {q.answer ? officerName(props.reg, q.answer) : 'volgt uit het dossier'}
              </p>
            ) : q.type === 'yes-no' ? (
              <select class="utrecht-select utrecht-select--html-select" id={`q-${q.id}`} name={q.id}>
                <option value="">-</option>
                <option value="ja" selected={q.answer === 'ja'}>
                  ja
                </option>
                <option value="nee" selected={q.answer === 'nee'}>
                  nee
                </option>
              </select>
            ) : q.type === 'choice' && !q.other ? (
              <select class="utrecht-select utrecht-select--html-select" id={`q-${q.id}`} name={q.id}>
                <option value="">-</option>
                {q.options.map((o: string) => (
                  <option value={o} selected={q.answer === o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                class="utrecht-textbox utrecht-textbox--html-input"
                id={`q-${q.id}`}
                name={q.id}
                value={q.answer ?? ''}
                list={q.options.length ? `l-${q.id}` : undefined}
              />
            )}
            {q.type === 'choice' && q.other ? (
              <datalist id={`l-${q.id}`}>
                {q.options.map((o: string) => (
                  <option value={o} />
                ))}
              </datalist>
            ) : null}
          </div>
        ))}
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">
          Bewaar het formulier
        </button>
      </form>
    </section>
  );
}

/**
 * Locally: the runtime's per-role token (officers.json), typed into a form and checked against the
 * API. The cookie holds a session of its own (`sessions`), which the runtime's API also accepts;
 * signing out ends it.
 */
export function tokenSignIn(sessions: OfficerSessions): PageSignIn {
  return {
    register(app, { reg, api }) {
      app.get('/medewerkers', (c) =>
        sessions.codeOf(getCookie(c, COOKIE))
          ? c.redirect('/medewerkers/werklijst', 303)
          : html(c, <SignIn reg={reg} />),
      );

      app.post('/medewerkers/inloggen', async (c) => {
        const token = ((await formOf(c)).token ?? '').trim();
        const res = await api.request('/dossiers?limit=1', { headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 200)
          return html(
            c,
            <SignIn reg={reg} error="Deze code klopt niet. Controleer hem en probeer het opnieuw." />,
            401,
          );
        sessions.end(getCookie(c, COOKIE));
        setCookie(c, COOKIE, sessions.start(token), {
          httpOnly: true,
          sameSite: 'Strict',
          path: '/medewerkers',
          secure: new URL(c.req.url).protocol === 'https:',
        });
        return c.redirect('/medewerkers/werklijst', 303);
      });

      app.post('/medewerkers/uitloggen', (c) => {
        sessions.end(getCookie(c, COOKIE));
        deleteCookie(c, COOKIE, { path: '/medewerkers' });
        return c.redirect('/medewerkers', 303);
      });
    },
  };
}

/** What was just done, above the fresh page. */
const DONE: Record<string, string> = {
  uitkomst: 'De uitkomst is vastgelegd. Hieronder ziet u de stand van nu.',
  verlengd: 'De termijn is verlengd.',
  stilgezet: 'De termijn staat stil.',
  hervat: 'De termijn loopt weer. Hieronder ziet u de nieuwe data.',
  overgedragen: 'Het dossier is overgedragen.',
  registratie: 'Het registratieformulier is bewaard.',
  verbeteractie: 'De verbeteractie staat in het verbeterregister.',
  aantekening: 'De aantekening is vastgelegd voor de leidinggevende.',
  aanvulling: 'De brief met de vraag om aanvulling is verstuurd.',
  opnieuw: 'Het nieuwe e-mailadres is vastgelegd en de brief is opnieuw verstuurd.',
  '1': 'Vastgelegd.',
};

const ERRORS: Record<number, string> = {
  409: 'Dat kon niet meer: het dossier is intussen verder gegaan. Bekijk de stand hieronder.',
};

export function registerOfficerPages(
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the pages
  app: Hono<any, any, any>,
  deps: {
    reg: Regulation;
    api: { request: (path: string, init?: RequestInit) => Response | Promise<Response> };
    now: () => Date;
    /**
     * How officers sign in. @default tokenSignIn with sessions of its own (the API must accept
     * them: the runtime passes the sessions it resolves)
     */
    signIn?: PageSignIn;
    /** Resolves when the dossier's ladder has taken the last action (bounded); see `fresh`. */
    settle?: (id: string) => Promise<void>;
  },
) {
  const { reg, api } = deps;
  const get = (c: Context, path: string) =>
    api.request(path, { headers: { authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}` } });

  const call = (c: Context, path: string, init: RequestInit = {}) =>
    Promise.resolve(
      api.request(path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}` },
      }),
    );
  registerRecordPage(app, { reg, call, now: deps.now });
  registerPrintPage(app, { reg, call });
  registerReportPage(app, { reg, call, now: deps.now });

  (deps.signIn ?? tokenSignIn(new OfficerSessions())).register(app, { reg, api });

  app.get('/medewerkers/werklijst', async (c) => {
    const asked = c.req.query('rung') || undefined;
    // Only the regulation's own rungs filter; anything else in the address shows the whole list.
    const rung = reg.ladder.rungs.some((r) => r.id === asked) ? asked : undefined;
    const res = await get(c, `/dossiers?limit=200${rung ? `&rung=${encodeURIComponent(rung)}` : ''}`);
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status !== 200) throw new Error(`worklist: ${res.status}`);
    const page = (await res.json()) as { items: any[] };
    const postvak = await get(c, '/inbound-mail?status=held');
    const held =
      postvak.status === 200
        ? ((await postvak.json()) as { items: { receivedAt: string }[] }).items.map((h) => h.receivedAt).sort()
        : [];
    return html(
      c,
      <Worklist
        reg={reg}
        items={page.items}
        now={deps.now().getTime()}
        rung={rung}
        held={{ count: held.length, ...(held[0] ? { oldest: held[0] } : {}) }}
      />,
    );
  });

  app.get('/medewerkers/verbeterregister', async (c) => {
    const status = c.req.query('status') || undefined;
    const res = await get(c, `/improvements${status ? `?status=${encodeURIComponent(status)}` : ''}`);
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    const items = res.status === 200 ? ((await res.json()) as { items: any[] }).items : [];
    return html(
      c,
      <Register
        reg={reg}
        items={items}
        status={status}
        message={c.req.query('gedaan') ? 'De stand is bewaard.' : undefined}
      />,
    );
  });

  app.post('/medewerkers/verbeterregister/:id/:improvementId', async (c) => {
    const { id, improvementId } = c.req.param();
    const res = await api.request(`/dossiers/${id}/improvements/${improvementId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: String((await formOf(c)).status ?? '') }),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    return c.redirect(`/medewerkers/verbeterregister${res.status === 200 ? '?gedaan=1' : ''}`, 303);
  });

  const dossier = async (
    c: Context,
    opts: {
      message?: string;
      error?: string;
      action?: ActionInput;
      resend?: ResendInput;
      improvement?: ImprovementInput;
    } = {},
    status: 200 | 409 | 422 = 200,
  ) => {
    const res = await get(c, `/dossiers/${c.req.param('id')}`);
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status !== 200)
      return html(
        c,
        <Layout reg={reg} title="Niet gevonden" officer>
          <h1 class="utrecht-heading-1">Dit dossier bestaat niet</h1>
          <p class="utrecht-paragraph">
            <a class="utrecht-link" href="/medewerkers/werklijst">
              Naar de werklijst
            </a>
          </p>
        </Layout>,
        404,
      );
    const d = (await res.json()) as any;
    // Readers of conduct notes get them; for everyone else the API says no, and the page shows none.
    const notes = await get(c, `/dossiers/${c.req.param('id')}/conduct-notes`);
    const conduct = notes.status === 200 ? ((await notes.json()) as { items: any[] }).items : undefined;
    return html(c, <DossierPage reg={reg} d={d} conduct={conduct} {...opts} />, status);
  };
  app.get('/medewerkers/dossiers/:id', (c) => {
    const done = c.req.query('gedaan') ?? '';
    return dossier(c, { message: Object.hasOwn(DONE, done) ? DONE[done] : undefined });
  });

  // The page shows the dossier after a redirect, so it asks the API for no dossier in the answer
  // to a change (RFC 7240 return=minimal: 204; lambdas/answer-shape.ts), which it would throw away.
  const minimal = { prefer: 'return=minimal' } as const;

  /**
   * Post/redirect/get to the fresh state: the ladder takes an outcome asynchronously (Step
   * Functions), so the page waits, bounded, until the dossier stands at its next step (or closed)
   * before it redirects; the page then never shows the form that was just sent.
   */
  const fresh = async (c: Context, done: keyof typeof DONE) => {
    const id = c.req.param('id') as string;
    await deps.settle?.(id);
    return c.redirect(`/medewerkers/dossiers/${id}?gedaan=${done}`, 303);
  };

  app.post('/medewerkers/dossiers/:id/verbeteracties', async (c) => {
    const form = await formOf(c);
    const values: Values = {
      'improvement-action': (form.action ?? '').trim(),
      'improvement-owner': (form.owner ?? '').trim(),
      'improvement-due': (form.due ?? '').trim(),
    };
    const errors: Errors = {};
    if (!values['improvement-action']) errors['improvement-action'] = 'Schrijf wat er beter gaat.';
    if (!reg.roles.some((r) => r.id === values['improvement-owner']))
      errors['improvement-owner'] = 'Kies wie ervoor zorgt.';
    const due = parseDutchDate(values['improvement-due']);
    if (!due) errors['improvement-due'] = 'Vul een bestaande datum in, bijvoorbeeld 15-01-2027.';
    if (Object.keys(errors).length) return dossier(c, { improvement: { values, errors } }, 422);
    const res = await api.request(`/dossiers/${c.req.param('id')}/improvements`, {
      method: 'POST',
      headers: {
        ...minimal,
        authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ action: values['improvement-action'], owner: values['improvement-owner'], due }),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 200 || res.status === 204)
      return c.redirect(`/medewerkers/dossiers/${c.req.param('id')}?gedaan=verbeteractie`, 303);
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return dossier(
      c,
      {
        improvement: {
          values,
          errors: { 'improvement-action': json.error?.message ?? 'Dat lukte niet. Probeer het opnieuw.' },
        },
      },
      422,
    );
  });

  // A bounced letter to a corrected address: the address refused shows beside its field, as typed.
  app.post('/medewerkers/dossiers/:id/brieven/:letterId/opnieuw', async (c) => {
    const { id, letterId } = c.req.param();
    const email = String((await formOf(c)).email ?? '').trim();
    const res = await api.request(`/dossiers/${id}/letters/${encodeURIComponent(letterId)}/resend`, {
      method: 'POST',
      headers: {
        ...minimal,
        authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ email }),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 200 || res.status === 204) return fresh(c, 'opnieuw');
    const json = (await res.json().catch(() => ({}))) as {
      error?: { message?: string; issues?: { path?: string; message?: string }[] };
    };
    const beside = json.error?.issues?.find((i) => i.path === 'email')?.message;
    if (beside) return dossier(c, { resend: { letterId, email, error: beside } }, 422);
    return dossier(
      c,
      { error: json.error?.message ?? ERRORS[res.status] ?? 'Dat lukte niet.' },
      res.status === 409 ? 409 : 422,
    );
  });

  app.post('/medewerkers/dossiers/:id/verwijtbaar', async (c) => {
    const res = await api.request(`/dossiers/${c.req.param('id')}/conduct-notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: String((await formOf(c)).text ?? '') }),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 201) return c.redirect(`/medewerkers/dossiers/${c.req.param('id')}?gedaan=aantekening`, 303);
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return dossier(c, { error: json.error?.message ?? 'Dat lukte niet.' }, 422);
  });

  app.post('/medewerkers/dossiers/:id/registratie', async (c) => {
    const form = await formOf(c);
    const answers = Object.fromEntries(
      Object.entries(form)
        .filter(([, v]) => typeof v === 'string' && v.trim() !== '')
        .map(([k, v]) => [k, String(v).trim()]),
    );
    const res = await api.request(`/dossiers/${c.req.param('id')}/registration`, {
      method: 'POST',
      headers: {
        ...minimal,
        authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ answers }),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 200 || res.status === 204) return fresh(c, 'registratie');
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return dossier(c, { error: json.error?.message ?? 'Dat lukte niet.' }, 422);
  });

  /** The fields for what a letter must contain (`contents.<key>`), dates typed the Dutch way as ISO. */
  const contentsOf = (form: Record<string, unknown>) => {
    const entries = Object.entries(form)
      .filter(([k, v]) => k.startsWith('contents.') && typeof v === 'string' && v.trim() !== '')
      .map(([k, v]) => {
        const value = String(v).trim();
        return [k.slice('contents.'.length), /^[\d\s./-]+$/.test(value) ? (parseDutchDate(value) ?? value) : value];
      });
    return entries.length ? { contents: Object.fromEntries(entries) } : {};
  };

  app.post('/medewerkers/dossiers/:id/acties', async (c) => {
    const form = await formOf(c);
    const text = (k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim() : '');
    const body =
      text('type') === 'outcome'
        ? {
            type: 'outcome',
            stepId: text('stepId'),
            outcome: text('outcome'),
            ...(text('note') ? { note: text('note') } : {}),
            ...contentsOf(form),
          }
        : text('type') === 'suspend'
          ? {
              type: 'suspend',
              stepId: text('stepId'),
              ...(text('ground') ? { ground: text('ground') } : {}),
              reason: text('reason'),
              ...(text('consent') === 'ja' ? { consent: true } : {}),
            }
          : text('type') === 'resume'
            ? { type: 'resume', stepId: text('stepId'), ...(text('reason') ? { reason: text('reason') } : {}) }
            : text('type') === 'extend'
              ? {
                  type: 'extend',
                  stepId: text('stepId'),
                  ...(text('termId') ? { termId: text('termId') } : {}),
                  term: text('term'),
                  reason: text('reason'),
                  ...(text('consent') === 'ja' ? { consent: true } : {}),
                }
              : { type: 'handover', stepId: text('stepId'), to: text('to'), reason: text('reason') };
    // What was typed, to show the form again as it was sent when something is wrong.
    const sent = {
      type: text('type'),
      stepId: text('stepId'),
      ...(text('termId') ? { termId: text('termId') } : {}),
      values: Object.fromEntries(
        Object.entries(form).flatMap(([k, v]) => (typeof v === 'string' && !k.startsWith('_') ? [[k, v]] : [])),
      ),
    };
    // Nothing chosen: say so beside the choices, and record nothing.
    if (body.type === 'outcome' && !text('outcome'))
      return dossier(c, { action: { ...sent, errors: { outcome: 'Kies een uitkomst.' } } }, 422);
    if (body.type === 'handover' && !body.to)
      return dossier(c, { error: 'Kies aan wie u het dossier overdraagt.' }, 422);
    const res = await api.request(`/dossiers/${c.req.param('id')}/actions`, {
      method: 'POST',
      headers: {
        ...minimal,
        authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 200 || res.status === 204)
      return fresh(
        c,
        (
          {
            outcome: 'uitkomst',
            extend: 'verlengd',
            handover: 'overgedragen',
            suspend: 'stilgezet',
            resume: 'hervat',
          } as const
        )[body.type as 'outcome'] ?? 'uitkomst',
      );
    const json = (await res.json().catch(() => ({}))) as {
      error?: { message?: string; issues?: { path?: string; message?: string }[] };
    };
    // A field the form has (what the letter must contain, the outcome, the note): its message
    // beside it and in the summary, the form as typed (a 422 with `contents.findings`).
    const fields = new Set(['outcome', 'note', 'reason', ...Object.keys(sent.values)]);
    const beside = Object.fromEntries(
      (res.status === 422 ? (json.error?.issues ?? []) : []).flatMap((i) =>
        i.path && i.message && fields.has(i.path) ? [[i.path, i.message]] : [],
      ),
    );
    if (Object.keys(beside).length) return dossier(c, { action: { ...sent, errors: beside } }, 422);
    return dossier(
      c,
      { error: ERRORS[res.status] ?? json.error?.message ?? 'Dat lukte niet.' },
      res.status === 409 ? 409 : 422,
    );
  });
}
