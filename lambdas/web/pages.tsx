/**
 * The complainant's pages: the complaint form, its confirmation, and the page behind the private
 * link. Everything they ask and say comes from the regulation. They talk to the JSON API in the
 * same process (one validation, one set of rules), and work without JavaScript.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { acknowledgedAtReceipt, findStep, rungAcknowledges } from '../../statemachines/ladder.js';
import { capitalise } from '../../statemachines/letter-content.js';
import type { Regulation, Step } from '../../statemachines/model.js';
import { type ComplainantRole, intakeDimensions } from '../../statemachines/vocabulary.js';
import { type AddressForm, addressed } from '../domain/address.js';
import { formatDutchDate, localDate } from '../domain/calendar/deadline.js';
import { describeTerm, parseTerm } from '../domain/calendar/term.js';
import {
  afterColon,
  dayOf,
  dueLine,
  endSentence,
  named,
  outsideAfterChoice,
  SATISFACTION_QUESTION,
  sentence,
  wayOnLines,
} from '../domain/letters.js';
import { escapeHtml, MAX_STORY, withoutBidiOverrides } from '../domain/text.js';
import { RESULT_NL } from '../domain/timeline.js';
import { csrfTokenOf, withCsrfFields } from './guard.js';
import { Layout, Notice, Ref, withRefs } from './layout.js';

/** The fields of a posted form; a body that is no form reads as empty (the page then says what is missing). */
export async function formOf(c: Context): Promise<Record<string, string>> {
  try {
    const raw = await c.req.parseBody();
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
  } catch {
    return {};
  }
}

/**
 * What people wrote themselves on a complainant's page: their story, what they added, their
 * remark, the values of a form shown again. (Shown in a `kf-pre` block, which addressedPage
 * leaves alone anyway; named here too for wherever else they stand.)
 */
function ownWords(k: any, values: Values = {}): string[] {
  return [
    k?.description,
    ...(k?.messages ?? []).map((m: any) => m.text),
    k?.satisfaction?.answer?.remark,
    ...Object.values(values),
  ].filter((x): x is string => typeof x === 'string');
}

/**
 * A complainant's page in the regulation's form of address ("je": lambdas/domain/address.ts): its
 * text and the words a screen reader speaks (aria-label, title, placeholder, alt); never a link,
 * a field's value, a script, or what people wrote (`verbatim`, as the page escapes it too). A
 * `kf-pre` block is text shown as it was written or sent (the story, messages, a remark, the
 * letters, said in the regulation's form of address when they were written): left as it is,
 * which also keeps a page with many letters cheap (each letter line as `verbatim` cost 660 ms
 * CPU for 600 lines).
 */
export function addressedPage(reg: Regulation, page: unknown, verbatim: readonly string[] = []): string {
  const rendered = String(page);
  if (reg.address !== 'je') return rendered;
  const own = verbatim.flatMap((v) => [v, escapeHtml(v)]);
  const say = (t: string) => addressed(reg.address, t, own);
  return rendered.replace(
    /(<(script|style|textarea)\b[^>]*>[\s\S]*?<\/\2>|<p\b[^>]*\bkf-pre\b[^>]*>[\s\S]*?<\/p>)|(<[^>]*>)|([^<]+)/g,
    (m, block?: string, _name?: string, tag?: string, text?: string) =>
      block
        ? block
        : tag
          ? tag.replace(
              /\s(aria-label|title|placeholder|alt)="([^"]*)"/g,
              (_, a: string, v: string) => ` ${a}="${say(v)}"`,
            )
          : text !== undefined
            ? say(text)
            : m,
  );
}

/** A form id is a UUID we made; anything else is ignored rather than put into a header. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A page as HTML with its doctype (hono/jsx renders the element only), never cached. Every post
 * form gets the request's form token (guard.ts), so no page has to remember it.
 */
export function html(c: Context, page: unknown, status: 200 | 401 | 403 | 404 | 409 | 422 | 429 = 200) {
  c.header('Cache-Control', 'no-store');
  // Without the bidirectional controls people typed (text.ts): stored as typed, never shown so.
  return c.html(withCsrfFields(`<!doctype html>${withoutBidiOverrides(String(page))}`, csrfTokenOf(c)), status);
}

export const ROLE_LABELS: Record<ComplainantRole, string> = {
  client: 'Ik ben cliënt (ik krijg of kreeg zelf hulp)',
  parent: 'Ik ben ouder of verzorger',
  guardian: 'Ik ben voogd',
  child: 'Ik ben een kind of jongere en klaag zelf',
  'legal-representative': 'Ik ben wettelijk vertegenwoordiger',
  'authorised-person': 'Ik ben gemachtigd door de cliënt',
  'surviving-relative': 'Ik ben nabestaande van de cliënt',
  'partner-organisation': 'Ik werk bij een partnerorganisatie',
};

export type Values = Record<string, string>;
export type Errors = Record<string, string>;

/** Where an API field path is shown on the form. */
export const FIELD_OF: Record<string, string> = {
  'complainant.name': 'name',
  'complainant.email': 'email',
  'complainant.phone': 'phone',
  'complainant.address': 'street',
  'complainant.address.street': 'street',
  'complainant.address.postcode': 'postcode',
  'complainant.address.city': 'city',
  'complainant.birthDate': 'birth-day',
  role: 'role',
  variant: 'variant',
  description: 'description',
  incidentDate: 'incident-day',
  lastContactDate: 'contact-day',
  'respondent.name': 'respondent',
  consent: 'consent',
};

export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  optional?: boolean;
  error?: string;
  children: unknown;
}) {
  return (
    <div class={`kf-field utrecht-form-field${props.error ? ' kf-invalid' : ''}`}>
      <label class="utrecht-form-label" for={props.id}>
        {props.label}
        {props.optional ? ' (niet verplicht)' : ''}
      </label>
      {props.hint ? (
        <p class="utrecht-form-field-description kf-hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="utrecht-form-field-error-message kf-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

/**
 * The ids in a rendered form, top to bottom: the order of its fields as the page shows them. Read
 * from what the form renders (hono/jsx writes each attribute as ` id="…"`, escaped), so the order
 * cannot drift from the page.
 */
export function idsInOrder(rendered: string): string[] {
  const decode = (v: string) =>
    v.replace(
      /&(quot|#39|lt|gt|amp);/g,
      (_, e: string) => ({ quot: '"', '#39': "'", lt: '<', gt: '>', amp: '&' })[e] ?? '',
    );
  return [...rendered.matchAll(/<[a-z][^>]*?\sid="([^"]*)"/g)].map((m) => decode(m[1] ?? ''));
}

/**
 * The list of what is wrong, above a form: each item links to its field (WCAG 3.3.1), in `order`
 * (the fields as the form shows them, top to bottom) where given: the summary leads through the
 * form, not through the order in which the checks happened to report (GOV.UK error summary).
 */
export function ErrorSummary(props: { errors: Errors; order?: readonly string[] }) {
  const at = (field: string) => {
    const i = props.order?.indexOf(field) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const problems = Object.entries(props.errors).sort(([a], [b]) => at(a) - at(b));
  if (problems.length === 0) return null;
  return (
    <div class="kf-summary" role="alert" aria-labelledby="fouten-kop" tabindex={-1} id="fouten">
      <h2 class="utrecht-heading-2" id="fouten-kop">
        Er ging iets mis
      </h2>
      <ul class="utrecht-unordered-list">
        {problems.map(([field, message]) => (
          <li>
            <a class="utrecht-link" href={`#${field}`}>
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The one checkbox that must be ticked (consent to use the data), with its error beside it. */
export function Consent(props: { values: Values; errors: Errors; children: unknown }) {
  const error = props.errors.consent;
  return (
    <div class={`kf-field${error ? ' kf-invalid' : ''}`}>
      {error ? (
        <p class="kf-error" id="consent-error">
          {error}
        </p>
      ) : null}
      <div class="kf-choice">
        <input
          class="utrecht-checkbox utrecht-checkbox--html-input"
          type="checkbox"
          id="consent"
          name="consent"
          value="ja"
          checked={props.values.consent === 'ja'}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'consent-error' : undefined}
        />
        <label class="utrecht-form-label utrecht-form-label--checkbox" for="consent">
          {props.children}
        </label>
      </div>
    </div>
  );
}

export function describedBy(id: string, hint: boolean, error?: string) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

export function Text(props: {
  id: string;
  name?: string;
  label: string;
  values: Values;
  errors: Errors;
  hint?: string;
  optional?: boolean;
  type?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'tel' | 'text';
}) {
  const error = props.errors[props.id];
  return (
    <Field id={props.id} label={props.label} hint={props.hint} optional={props.optional} error={error}>
      <input
        class="utrecht-textbox utrecht-textbox--html-input"
        id={props.id}
        name={props.name ?? props.id}
        type={props.type ?? 'text'}
        value={props.values[props.id] ?? ''}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(props.id, !!props.hint, error)}
      />
    </Field>
  );
}

export function DateField(props: {
  prefix: string;
  legend: string;
  hint: string;
  values: Values;
  errors: Errors;
  optional?: boolean;
}) {
  const error = props.errors[`${props.prefix}-day`];
  const part = (suffix: string, label: string, cls = '') => (
    <div>
      <label class="utrecht-form-label" for={`${props.prefix}-${suffix}`}>
        {label}
      </label>
      <input
        class={`utrecht-textbox utrecht-textbox--html-input ${cls}`}
        id={`${props.prefix}-${suffix}`}
        name={`${props.prefix}-${suffix}`}
        inputmode="numeric"
        value={props.values[`${props.prefix}-${suffix}`] ?? ''}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={`${props.prefix}-hint${error ? ` ${props.prefix}-day-error` : ''}`}
      />
    </div>
  );
  return (
    <fieldset class={`kf-field utrecht-form-fieldset${error ? ' kf-invalid' : ''}`}>
      <legend class="utrecht-form-fieldset__legend">
        {props.legend}
        {props.optional ? ' (niet verplicht)' : ''}
      </legend>
      <p class="kf-hint" id={`${props.prefix}-hint`}>
        {props.hint}
      </p>
      {error ? (
        <p class="kf-error" id={`${props.prefix}-day-error`}>
          {error}
        </p>
      ) : null}
      <div class="kf-date">
        {part('day', 'Dag')}
        {part('month', 'Maand')}
        {part('year', 'Jaar', 'kf-year')}
      </div>
    </fieldset>
  );
}

export function Radios(props: {
  name: string;
  legend: string;
  options: { value: string; label: string; hint?: string }[];
  values: Values;
  errors: Errors;
}) {
  const error = props.errors[props.name];
  return (
    <fieldset
      class={`kf-field utrecht-form-fieldset${error ? ' kf-invalid' : ''}`}
      aria-describedby={error ? `${props.name}-error` : undefined}
    >
      <legend class="utrecht-form-fieldset__legend">{props.legend}</legend>
      {error ? (
        <p class="kf-error" id={`${props.name}-error`}>
          {error}
        </p>
      ) : null}
      {props.options.map((o, i) => (
        <div class="kf-choice">
          <input
            class="utrecht-radio-button utrecht-radio-button--html-input"
            type="radio"
            id={i === 0 ? props.name : `${props.name}-${o.value}`}
            name={props.name}
            value={o.value}
            checked={props.values[props.name] === o.value}
          />
          <label
            class="utrecht-form-label utrecht-form-label--radio"
            for={i === 0 ? props.name : `${props.name}-${o.value}`}
          >
            {o.label}
            {o.hint ? <span class="kf-hint"> {o.hint}</span> : null}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/**
 * A report question of the regulation (ONS: which team; OCO: what about), never required. Ids
 * are by position: the choices are the regulation's words and may hold spaces or "|".
 */
function ReportQuestion(props: {
  id: string;
  question: string;
  choices: string[];
  values: Values;
  errors: Errors;
  address: AddressForm;
}) {
  const name = `answer-${props.id}`;
  const error = props.errors[name];
  const options = [...props.choices.map((c) => ({ value: c, label: c })), { value: '', label: 'Weet ik niet' }];
  return (
    <fieldset
      class={`kf-field utrecht-form-fieldset${error ? ' kf-invalid' : ''}`}
      aria-describedby={`${name}-hint${error ? ` ${name}-error` : ''}`}
    >
      <legend class="utrecht-form-fieldset__legend">{props.question} (niet verplicht)</legend>
      <p class="kf-hint" id={`${name}-hint`}>
        {addressed(
          props.address,
          'Zo kunnen wij van klachten leren. In ons overzicht van klachten staat dit zonder uw naam.',
        )}
      </p>
      {error ? (
        <p class="kf-error" id={`${name}-error`}>
          {error}
        </p>
      ) : null}
      {options.map((o, i) => (
        <div class="kf-choice">
          <input
            class="utrecht-radio-button utrecht-radio-button--html-input"
            type="radio"
            id={i === 0 ? name : `${name}-${i}`}
            name={name}
            value={o.value}
            checked={(props.values[name] ?? '') === o.value && props.values[name] !== undefined}
          />
          <label class="utrecht-form-label utrecht-form-label--radio" for={i === 0 ? name : `${name}-${i}`}>
            {o.label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/** What happens after submitting, in words, from the regulation's first rung. */
function nextSteps(reg: Regulation, variantId?: string): string[] {
  const variant = reg.intake.variants.find((v) => v.id === variantId) ?? reg.intake.variants[0];
  const rung = reg.ladder.rungs.find((r) => r.id === variant?.startsAt);
  return (rung?.steps ?? [])
    .filter((s) => s.deadline)
    .slice(0, 3)
    .map((s) => `Binnen ${describeTerm(parseTerm(s.deadline?.term ?? '1 dag'))}: ${named(s.title)}`);
}

export function ComplaintForm(props: { reg: Regulation; values: Values; errors: Errors; formId: string }) {
  const { reg, values } = props;
  // Every word of the form in the regulation's form of address, the API's messages shown in it too.
  const a = (text: string) => addressed(reg.address, text);
  const errors = Object.fromEntries(Object.entries(props.errors).map(([field, m]) => [field, a(m)]));
  const problems = Object.entries(errors);
  const lastContact = reg.eligibility.window.find((w) => w.anchor === 'last-contact');
  const aboutRole = reg.conflictOfInterest.find((c) => c.when === 'complaint-about-role' && c.role);
  const aboutTitle = aboutRole ? reg.roles.find((r) => r.id === aboutRole.role)?.title : undefined;
  const support = reg.referrals.filter((r) => reg.eligibility.support.some((s) => s.referral === r.id));
  // Which fields the regulation requires, per variant (Awb 9:4 lid 2 names name, address and
  // description): a field no variant requires is "(niet verplicht)"; one only some variants require
  // says for which.
  type Field = Regulation['intake']['variants'][number]['requiredFields'][number];
  const need = (field: Field, hint?: string) => {
    const by = reg.intake.variants.filter((v) => v.requiredFields.includes(field));
    const only = by.length > 0 && by.length < reg.intake.variants.length;
    const which = only ? a(`Verplicht als u kiest voor: ${by.map((v) => v.title).join(', ')}.`) : undefined;
    const joined = [hint, which].filter(Boolean).join(' ');
    return { optional: by.length === 0, ...(joined ? { hint: joined } : {}) };
  };
  const form = (
    <form method="post" action="/klacht-indienen" novalidate class="utrecht-form">
      <input type="hidden" name="formulier" value={props.formId} />
      <Radios
        name="role"
        legend="Wie dient de klacht in?"
        options={reg.eligibility.roles.map((r) => ({ value: r.role, label: ROLE_LABELS[r.role] }))}
        values={values}
        errors={errors}
      />
      {reg.eligibility.minimumAgeAlone ? (
        <p class="utrecht-paragraph kf-hint">
          {/* Said as the whole form says it (a child reads the same form as a parent). */}
          {a(
            `Bent u ${reg.eligibility.minimumAgeAlone.age} jaar of ouder? Dan mag u zelf een klacht indienen. Bent u jonger? Dan doet een ouder of voogd het voor u.`,
          )}
        </p>
      ) : null}
      {reg.intake.variants.length > 1 ? (
        <Radios
          name="variant"
          legend={a('Bij wie wilt u de klacht neerleggen?')}
          options={reg.intake.variants.map((v) => ({
            value: v.id,
            label: a(v.title),
            ...(v.description ? { hint: a(v.description) } : {}),
          }))}
          values={values}
          errors={errors}
        />
      ) : null}
      <h2 class="utrecht-heading-2">{a('Uw gegevens')}</h2>
      <p class="utrecht-paragraph kf-hint">
        {a(
          'We hebben ze nodig om contact met u op te nemen over uw klacht. Vul ten minste één manier in om u te bereiken.',
        )}
      </p>
      <Text id="name" label={a('Uw naam')} values={values} errors={errors} autocomplete="name" />
      <Text
        id="email"
        label="E-mailadres"
        type="email"
        {...need(
          'email',
          acknowledgesAtOnce(reg)
            ? a('Dan krijgt u de bevestiging en de brieven per e-mail.')
            : a('Dan krijgt u onze brieven per e-mail.'),
        )}
        values={values}
        errors={errors}
        autocomplete="email"
      />
      <Text
        id="phone"
        label="Telefoonnummer"
        type="tel"
        {...need('phone')}
        values={values}
        errors={errors}
        autocomplete="tel"
      />
      <Text
        id="street"
        label="Straat en huisnummer"
        {...need('address')}
        values={values}
        errors={errors}
        autocomplete="street-address"
      />
      <Text
        id="postcode"
        label="Postcode"
        {...need('address', 'Bijvoorbeeld 1234 AB.')}
        values={values}
        errors={errors}
        autocomplete="postal-code"
      />
      <Text
        id="city"
        label="Woonplaats"
        {...need('address')}
        values={values}
        errors={errors}
        autocomplete="address-level2"
      />
      <Text
        id="onBehalfOf"
        label={a('Klaagt u namens iemand anders? Vul dan zijn of haar naam in')}
        optional
        values={values}
        errors={errors}
      />
      <h2 class="utrecht-heading-2">{a('Uw klacht')}</h2>
      <Field
        id="description"
        label={a('Wat is er gebeurd? Waarover bent u ontevreden?')}
        error={errors.description}
        hint={a('Schrijf het in uw eigen woorden. Zo lang als u wilt.')}
      >
        <textarea
          class="utrecht-textarea utrecht-textarea--html-textarea"
          id="description"
          name="description"
          rows={8}
          aria-invalid={errors.description ? 'true' : undefined}
          aria-describedby={describedBy('description', true, errors.description)}
        >
          {values.description ?? ''}
        </textarea>
      </Field>
      {intakeDimensions(reg).map((d) => (
        <ReportQuestion
          id={d.id}
          question={a(d.question)}
          choices={d.values}
          values={values}
          errors={errors}
          address={reg.address}
        />
      ))}
      <DateField
        prefix="incident"
        legend="Wanneer gebeurde het?"
        hint={a('Bijvoorbeeld 20 8 2026. Weet u het niet precies? Vul dan ongeveer in.')}
        optional={need('incidentDate').optional}
        values={values}
        errors={errors}
      />
      {lastContact ? (
        <DateField
          prefix="contact"
          legend={a('Wanneer had u voor het laatst contact met ons?')}
          hint={a(
            `U kunt klagen tot ${describeTerm(parseTerm(lastContact.term))} na het laatste contact. Bijvoorbeeld 1 9 2026.`,
          )}
          optional
          values={values}
          errors={errors}
        />
      ) : null}
      <Text
        id="respondent"
        label={a('Over wie gaat uw klacht?')}
        {...need('respondent', 'Bijvoorbeeld de naam van een medewerker of een team.')}
        values={values}
        errors={errors}
      />
      {aboutRole && aboutTitle ? (
        <div class="kf-choice kf-field">
          <input
            class="utrecht-checkbox utrecht-checkbox--html-input"
            type="checkbox"
            id="aboutRole"
            name="aboutRole"
            value={aboutRole.role}
            checked={values.aboutRole === aboutRole.role}
          />
          <label class="utrecht-form-label utrecht-form-label--checkbox" for="aboutRole">
            {a(
              `Mijn klacht gaat over de ${aboutTitle.toLowerCase()} zelf (niet verplicht). Dan behandelt iemand anders uw klacht.`,
            )}
          </label>
        </div>
      ) : null}
      {support.length ? (
        <div class="kf-field">
          <div class="kf-choice">
            <input
              class="utrecht-checkbox utrecht-checkbox--html-input"
              type="checkbox"
              id="wantsSupport"
              name="wantsSupport"
              value="ja"
              checked={values.wantsSupport === 'ja'}
            />
            <label class="utrecht-form-label utrecht-form-label--checkbox" for="wantsSupport">
              Ik wil gratis hulp bij mijn klacht (niet verplicht)
            </label>
          </div>
          {support.map((r) => (
            <p class="utrecht-paragraph kf-hint">
              {r.name}: {r.contact.phone ?? ''} {r.contact.web ?? ''}
            </p>
          ))}
        </div>
      ) : null}
      <Consent values={values} errors={errors}>
        Ik geef {reg.organisation.name} toestemming mijn gegevens te gebruiken om mijn klacht te behandelen.
      </Consent>
      <h2 class="utrecht-heading-2">Wat gebeurt er na het versturen?</h2>
      <ul class="utrecht-unordered-list">
        <li>
          {a('U ziet meteen uw kenmerk en een persoonlijke link om uw klacht te volgen. Kwijt?')}{' '}
          <a class="utrecht-link" href="/klacht/link-kwijt">
            Vraag een nieuwe link aan
          </a>
          .
        </li>
        {nextSteps(reg, values.variant).map((line) => (
          <li>{a(line)}</li>
        ))}
      </ul>
      <button type="submit" class="utrecht-button utrecht-button--primary-action utrecht-button--submit">
        {a('Verstuur uw klacht')}
      </button>
    </form>
  );
  // The error summary follows the form as this regulation yields it, top to bottom: the ids of
  // the rendered form in document order, so a field the regulation adds, drops or moves is in
  // its place without a second list to keep in step (GOV.UK error summary).
  const order = idsInOrder(String(form));
  return (
    <Layout reg={reg} title="Klacht indienen" error={problems.length > 0}>
      <ErrorSummary errors={errors} order={order} />
      <h1 class="utrecht-heading-1">Klacht indienen bij {reg.organisation.name}</h1>
      <p class="utrecht-paragraph">
        {a(
          'Bent u niet tevreden? Vertel het ons. Wij behandelen uw klacht volgens onze klachtenregeling. Alle vragen zijn verplicht, tenzij er "(niet verplicht)" staat.',
        )}
      </p>
      {form}
    </Layout>
  );
}

export function dateOf(values: Values, prefix: string): string | undefined {
  const d = values[`${prefix}-day`]?.trim();
  const m = values[`${prefix}-month`]?.trim();
  const y = values[`${prefix}-year`]?.trim();
  if (!d && !m && !y) return undefined;
  return `${(y ?? '').padStart(4, '0')}-${(m ?? '').padStart(2, '0')}-${(d ?? '').padStart(2, '0')}`;
}

/**
 * Whether every complaint sent with this form gets a written acknowledgement as it starts: each
 * variant (the form offers all) begins on a rung with an acknowledgement step, or klachtflow sends
 * one itself for a complaint received in writing, as the form's is (Awb 9:6 whatever route follows;
 * elsewhere the confirmation by e-mail: statemachines/ladder.ts acknowledgedAtReceipt). Until session 12 SO!
 * Trainingsbureau's form sent nothing, and promised nothing.
 */
export function acknowledgesAtOnce(reg: Regulation): boolean {
  // Every variant, as the form offers every one (its radio group).
  const starts = reg.intake.variants.map((v) => v.startsAt);
  return starts.length > 0 && starts.every((id) => rungAcknowledges(reg, id) || acknowledgedAtReceipt(reg, id, 'web'));
}

/**
 * An address as a mail program copies it, with the name around it ('"Fatma Yılmaz"
 * <fatma@example.nl>', 'Fatma <fatma@example.nl>'): the address inside the angle brackets. Anything
 * else goes to the API as it was typed, which judges it.
 */
function pastedAddress(v: string | undefined): string | undefined {
  // Only at an address's length (RFC 5321 paths are at most 256): the pattern backtracks on long text.
  const m = v && v.length <= 400 ? /^[^<>]*<\s*([^<>\s@]+@[^<>\s]+)\s*>\s*$/.exec(v) : null;
  return m?.[1] ?? v;
}

/** The form's fields as the API's body. */
export function bodyOf(reg: Regulation, values: Values): Record<string, unknown> {
  const opt = (v?: string) => (v?.trim() ? v.trim() : undefined);
  const answers = Object.fromEntries(
    intakeDimensions(reg).flatMap((d) => {
      const v = opt(values[`answer-${d.id}`]);
      return v ? [[d.id, v]] : [];
    }),
  );
  const address = { street: opt(values.street), postcode: opt(values.postcode), city: opt(values.city) };
  return {
    complainant: {
      name: values.name ?? '',
      email: pastedAddress(opt(values.email)),
      phone: opt(values.phone),
      ...(address.street || address.postcode || address.city ? { address } : {}),
    },
    role: values.role ?? '',
    description: values.description ?? '',
    incidentDate: dateOf(values, 'incident'),
    lastContactDate: dateOf(values, 'contact'),
    variant: opt(values.variant),
    onBehalfOf: opt(values.onBehalfOf),
    respondent: opt(values.respondent) ? { name: opt(values.respondent) } : undefined,
    aboutRole: opt(values.aboutRole),
    wantsSupport: values.wantsSupport === 'ja' ? true : undefined,
    ...(Object.keys(answers).length ? { answers } : {}),
    consent: values.consent === 'ja',
  };
}

const MESSAGES: Record<string, string> = {
  role: 'Kies wie de klacht indient.',
  consent: 'Geef toestemming om uw gegevens voor de klacht te gebruiken.',
  'incident-day': 'Vul een bestaande datum in, bijvoorbeeld 20 8 2026.',
  'contact-day': 'Vul een bestaande datum in, bijvoorbeeld 1 9 2026.',
};

/** The form's date fields (three inputs each) by the field an error is shown at, and their prefix. */
const DATE_FIELDS: Record<string, string> = { 'incident-day': 'incident', 'contact-day': 'contact' };

/** A day that exists, as `dateOf` composes it from the three fields. */
function isCalendarDate(s: string | undefined): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? '');
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function registerComplainantPages(
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the pages
  app: Hono<any, any, any>,
  deps: {
    reg: Regulation;
    api: { request: (path: string, init: RequestInit, env?: object) => Response | Promise<Response> };
    /** The private link as the service gives it out (from configuration, never from the request's Host). */
    link: (id: string, token: string) => string;
  },
) {
  const { reg, api } = deps;
  const form = (c: Context) => html(c, <ComplaintForm reg={reg} values={{}} errors={{}} formId={randomUUID()} />);
  app.get('/', form);
  app.get('/klacht-indienen', form);

  app.post('/klacht-indienen', async (c) => {
    const values: Values = await formOf(c);
    if (values.formulier && !UUID.test(values.formulier)) values.formulier = randomUUID();
    const res = await api.request('/complaints', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(values.formulier ? { 'idempotency-key': `form-${values.formulier}` } : {}),
      },
      body: JSON.stringify(bodyOf(reg, values)),
    });
    const json = (await res.json()) as any;
    if (res.status === 201) {
      // Post/redirect/get: a reload does not send the complaint again.
      return c.redirect(`/klacht/${json.id}/${json.accessToken}?nieuw=1`, 303);
    }
    if (res.status >= 500) throw new Error('api');
    const errors: Errors = {};
    for (const issue of json.error?.issues ?? []) {
      const field =
        FIELD_OF[issue.path] ??
        (String(issue.path).startsWith('answers.') ? `answer-${String(issue.path).slice(8)}` : undefined) ??
        (String(issue.path).startsWith('complainant') ? 'name' : String(issue.path).split('.')[0] || 'description');
      if (errors[field]) continue;
      const date = DATE_FIELDS[field];
      if (date) {
        // Three fields (dag, maand, jaar) that make no day: the form's words, not the API's format
        // ("JJJJ-MM-DD"); a day that exists keeps the API's reason (in the future, or missing).
        errors[field] = isCalendarDate(dateOf(values, date)) ? issue.message : (MESSAGES[field] ?? issue.message);
      } else if (field === 'description' && (values.description ?? '').trim().length > MAX_STORY) {
        // Nothing they wrote may be lost: say how long it may be and where the whole story can go.
        const mail = reg.organisation.contact.email;
        errors[field] =
          `Uw tekst is te lang voor dit formulier. Gebruik ten hoogste ${MAX_STORY.toLocaleString('nl-NL')} tekens.` +
          (mail ? ` Is uw verhaal langer? Stuur het dan per e-mail naar ${mail}.` : '');
      } else errors[field] = MESSAGES[field] && !issue.message.startsWith('Vul') ? MESSAGES[field] : issue.message;
    }
    if (Object.keys(errors).length === 0) errors.description = json.error?.message ?? 'Controleer uw gegevens.';
    return html(
      c,
      <ComplaintForm reg={reg} values={values} errors={errors} formId={values.formulier ?? randomUUID()} />,
      422,
    );
  });

  app.get('/klacht/link-kwijt', (c) => html(c, addressedPage(reg, <LostLink reg={reg} />)));
  app.post('/klacht/link-kwijt', async (c) => {
    const form = await formOf(c);
    // The request's own environment goes along, so the API sees who is asking (its rate limit).
    const res = await api.request(
      '/complaints/link',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          reference: (form.reference ?? '').slice(0, 40),
          email: (form.email ?? '').slice(0, 254),
        }),
      },
      c.env,
    );
    if (res.status === 429) {
      const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      return html(
        c,
        addressedPage(reg, <LostLink reg={reg} error={json.error?.message ?? 'Te vaak geprobeerd.'} />),
        429,
      );
    }
    return html(c, addressedPage(reg, <LostLink reg={reg} sent />));
  });

  const complaint = async (c: Context) => {
    const { id, token } = c.req.param() as { id: string; token: string };
    const res = await api.request(`/complaints/${id}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) return undefined;
    return (await res.json()) as any;
  };
  const privateHeaders = (c: Context) => {
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
  };

  app.get('/klacht/:id/:token', async (c) => {
    privateHeaders(c);
    const k = await complaint(c);
    if (!k) return html(c, addressedPage(reg, <NotFound reg={reg} />), 404);
    return html(
      c,
      addressedPage(
        reg,
        <ComplaintPage
          reg={reg}
          k={k}
          path={c.req.path}
          link={deps.link(c.req.param('id'), c.req.param('token'))}
          isNew={c.req.query('nieuw') === '1'}
          notice={c.req.query('bericht')}
        />,
        ownWords(k),
      ),
    );
  });

  app.post('/klacht/:id/:token/bericht', async (c) => {
    const { id, token } = c.req.param();
    const text = (await formOf(c)).text ?? '';
    const res = await api.request(`/complaints/${id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    return c.redirect(`/klacht/${id}/${token}?bericht=${res.status === 200 ? 'toegevoegd' : 'leeg'}`, 303);
  });

  // The complainant's own answer after closure (optional). A missing choice shows the page again
  // with the error beside the question and the remark kept; an answer the API refuses (not closed,
  // withdrawn, changed too often) shows its Dutch reason in the same place.
  app.post('/klacht/:id/:token/tevreden', async (c) => {
    privateHeaders(c);
    const { id, token } = c.req.param();
    const values = await formOf(c);
    const remark = (values.toelichting ?? '').trim();
    const answer = values.tevreden === 'ja' ? true : values.tevreden === 'nee' ? false : undefined;
    const errors: Errors = {};
    if (answer === undefined) errors.tevreden = 'Kies ja of nee. Wilt u niets zeggen? Dan hoeft u niets te sturen.';
    else {
      const res = await api.request(`/complaints/${id}/satisfaction`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ satisfied: answer, ...(remark ? { remark } : {}) }),
      });
      if (res.status === 200) return c.redirect(`/klacht/${id}/${token}?bericht=tevreden`, 303);
      if (res.status >= 500) throw new Error('api');
      const json = (await res.json().catch(() => ({}))) as {
        error?: { message?: string; issues?: { path: string; message: string }[] };
      };
      const aboutRemark = json.error?.issues?.find((i) => i.path === 'remark');
      if (aboutRemark) errors.toelichting = aboutRemark.message;
      else errors.tevreden = json.error?.message ?? 'Dat lukte niet. Probeer het opnieuw.';
    }
    const k = await complaint(c);
    if (!k) return html(c, addressedPage(reg, <NotFound reg={reg} />), 404);
    return html(
      c,
      addressedPage(
        reg,
        <ComplaintPage
          reg={reg}
          k={k}
          path={`/klacht/${id}/${token}`}
          link={deps.link(id, token)}
          isNew={false}
          satisfaction={{ values, errors }}
        />,
        ownWords(k, values),
      ),
      422,
    );
  });

  app.get('/klacht/:id/:token/intrekken', async (c) => {
    privateHeaders(c);
    const k = await complaint(c);
    if (!k) return html(c, addressedPage(reg, <NotFound reg={reg} />), 404);
    return html(
      c,
      addressedPage(reg, <WithdrawPage reg={reg} k={k} path={c.req.path.replace(/\/intrekken$/, '')} />, ownWords(k)),
    );
  });

  app.post('/klacht/:id/:token/intrekken', async (c) => {
    const { id, token } = c.req.param();
    const reason = ((await formOf(c)).reason ?? '').trim();
    await api.request(`/complaints/${id}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(reason ? { reason } : {}),
    });
    return c.redirect(`/klacht/${id}/${token}?bericht=ingetrokken`, 303);
  });

  app.post('/klacht/:id/:token/verder', async (c) => {
    const { id, token } = c.req.param();
    const to = (await formOf(c)).to ?? '';
    const res = await api.request(`/complaints/${id}/escalate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(to ? { to } : {}),
    });
    return c.redirect(`/klacht/${id}/${token}?bericht=${res.status === 200 ? 'verder' : 'niet-verder'}`, 303);
  });
}

export function LostLink(props: { reg: Regulation; sent?: boolean; error?: string }) {
  const c = props.reg.organisation.contact;
  return (
    <Layout reg={props.reg} title="Link naar uw klacht kwijt" error={!!props.error}>
      <h1 class="utrecht-heading-1">Link naar uw klacht kwijt?</h1>
      <Notice kind="error" text={props.error} />
      {props.sent ? (
        <div class="kf-box" role="status">
          <p class="utrecht-paragraph">
            Als het kenmerk en het e-mailadres bij een klacht horen, sturen wij binnen enkele minuten een nieuwe link
            naar dat adres. De oude link werkt dan niet meer.
          </p>
          <p class="utrecht-paragraph">
            Geen e-mail gekregen? Kijk ook bij uw ongewenste e-mail{c.phone ? `, of bel ons: ${c.phone}` : ''}.
          </p>
        </div>
      ) : null}
      <p class="utrecht-paragraph">
        Vul het kenmerk van uw klacht in (bijvoorbeeld KL-2026-0001) en het e-mailadres dat u bij de klacht gaf.
      </p>
      <form method="post" action="/klacht/link-kwijt">
        <div class="kf-field utrecht-form-field">
          <label class="utrecht-form-label" for="reference">
            Kenmerk
          </label>
          <input class="utrecht-textbox utrecht-textbox--html-input" id="reference" name="reference" />
        </div>
        <div class="kf-field utrecht-form-field">
          <label class="utrecht-form-label" for="email">
            E-mailadres
          </label>
          <input
            class="utrecht-textbox utrecht-textbox--html-input"
            id="email"
            name="email"
            type="email"
            autocomplete="email"
          />
        </div>
        <button type="submit" class="utrecht-button utrecht-button--primary-action">
          Stuur mij een nieuwe link
        </button>
      </form>
    </Layout>
  );
}

export function NotFound(props: { reg: Regulation }) {
  return (
    <Layout reg={props.reg} title="Niet gevonden">
      <h1 class="utrecht-heading-1">Deze klacht vinden we niet</h1>
      <p class="utrecht-paragraph">
        De link klopt niet of is niet compleet. Gebruik de link die u kreeg toen u de klacht indiende.
      </p>
      <p class="utrecht-paragraph">
        Heeft u de link niet meer?{' '}
        <a class="utrecht-link" href="/klacht/link-kwijt">
          Vraag een nieuwe link aan
        </a>{' '}
        met het kenmerk van uw klacht en uw e-mailadres. Of neem contact met ons op.
      </p>
    </Layout>
  );
}

const NOTICES: Record<string, string> = {
  toegevoegd: 'Uw informatie is toegevoegd. De behandelaar krijgt er bericht van.',
  leeg: 'Schrijf eerst wat u wilt toevoegen.',
  ingetrokken: 'U heeft uw klacht ingetrokken. U krijgt hierover een bevestiging.',
  // Not every rung sends a letter when it begins (ONS: the manager): the page says where it is now.
  verder: 'Uw klacht gaat naar de volgende stap. Hieronder ziet u waar uw klacht nu is.',
  'niet-verder': 'Dat kan nu nog niet. U krijgt bericht zodra u een volgende stap kunt kiezen.',
  tevreden: 'Dank u wel voor uw antwoord. Wij gebruiken het om van klachten te leren.',
};

/**
 * Notices about what a complainant just did on an open complaint. The notice rides in the address
 * (`?bericht=verder`), so a reload or a bookmark weeks later shows it again: once the complaint is
 * closed, "Uw klacht gaat naar de volgende stap" is no longer true, and it is not shown.
 */
const WHILE_OPEN = new Set(['toegevoegd', 'leeg', 'verder', 'niet-verder']);

/**
 * They ticked "Ik wil gratis hulp bij mijn klacht" on the form: where that help is and how to reach
 * it, from the regulation's own support and referrals (SO! Trainingsbureau: "Iedereen die te maken
 * heeft met jeugdhulp ... kan gratis ondersteuning krijgen van een vertrouwenspersoon van het AKJ").
 * The helpers are independent of the organisation, so they are reached by the complainant, not
 * sent their data; the officer's dossier says help was asked for.
 */
export function supportReferrals(reg: Regulation): Regulation['referrals'] {
  return reg.referrals.filter((r) => reg.eligibility.support.some((s) => s.referral === r.id));
}

function FreeHelp(props: { reg: Regulation }) {
  const helpers = supportReferrals(props.reg);
  if (!helpers.length) return null;
  return (
    <section id="hulp" aria-labelledby="hulp-kop">
      <h2 class="utrecht-heading-2" id="hulp-kop">
        Gratis hulp bij uw klacht
      </h2>
      <p class="utrecht-paragraph">
        U vroeg om gratis hulp. Die krijgt u van {helpers.length > 1 ? 'een van deze' : 'deze'} onafhankelijke{' '}
        {helpers.length > 1 ? 'organisaties' : 'organisatie'}. Neem zelf contact op. Zij horen niet bij ons.
      </p>
      {helpers.map((r) => (
        <>
          <h3 class="utrecht-heading-3">{r.name}</h3>
          <ul class="utrecht-unordered-list">
            {r.contact.phone ? (
              <li>
                Telefoon:{' '}
                <a class="utrecht-link" href={`tel:${r.contact.phone.replace(/[^+\d]/g, '')}`}>
                  {r.contact.phone}
                </a>
              </li>
            ) : null}
            {r.contact.email ? (
              <li>
                E-mail:{' '}
                <a class="utrecht-link" href={`mailto:${r.contact.email}`}>
                  {r.contact.email}
                </a>
              </li>
            ) : null}
            {r.contact.web ? (
              <li>
                Website:{' '}
                <a class="utrecht-link" href={`https://${r.contact.web.replace(/^https?:\/\//, '')}`}>
                  {r.contact.web}
                </a>
              </li>
            ) : null}
          </ul>
        </>
      ))}
    </section>
  );
}

/**
 * Whom to contact with a question, the same person or role the letters name (PEOPLE.md: a named
 * contact person and how to reach them), not only the organisation's general address in the footer.
 */
function AskUs(props: {
  contact: { who: string; reach: { email?: string; phone?: string; postalAddress?: string }; askFor?: string };
}) {
  const { who, reach, askFor } = props.contact;
  return (
    <>
      <h2 class="utrecht-heading-2">Vragen over uw klacht?</h2>
      <p class="utrecht-paragraph">Neem contact op met {who}.</p>
      <ul class="utrecht-unordered-list">
        {reach.email ? (
          <li>
            E-mail:{' '}
            <a class="utrecht-link" href={`mailto:${reach.email}`}>
              {reach.email}
            </a>
          </li>
        ) : null}
        {reach.phone ? (
          <li>
            Telefoon:{' '}
            <a class="utrecht-link" href={`tel:${reach.phone.replace(/[^+\d]/g, '')}`}>
              {reach.phone}
            </a>
            {askFor ? ` (vraag naar ${askFor})` : ''}
          </li>
        ) : null}
        {reach.postalAddress ? <li>Post: {reach.postalAddress}</li> : null}
      </ul>
    </>
  );
}

/** What klachtflow does right now at a step it takes by itself, said to the complainant. */
function takenNow(step: Step): string {
  const toThem = step.letter?.to.includes('complainant');
  if (toThem && step.letter?.kind === 'acknowledgement') return 'Wij sturen u nu een ontvangstbevestiging.';
  if (toThem) return `Wij sturen u nu een brief: ${named(step.title)}.`;
  return `Wij doen nu de stap ${named(step.title)}.`;
}

export function ComplaintPage(props: {
  reg: Regulation;
  k: any;
  path: string;
  link: string;
  isNew: boolean;
  notice?: string;
  /** The satisfaction form as it was sent, with what was wrong (after a failed answer). */
  satisfaction?: { values: Values; errors: Errors };
}) {
  const { reg, k } = props;
  const failed = Object.values(props.satisfaction?.errors ?? {}).some(Boolean);
  // A step klachtflow takes by itself (actor system: the acknowledgement, Awb 9:6) is taken the
  // moment the complaint reaches it: its term (ONS: "Uiterlijk binnen een week bevestigt de
  // klachtenfunctionaris de ontvangst") bounds klachtflow, it is no wait for the complainant. The
  // page says it is being done now, and "by when" of what follows.
  const bySystem = (stepId: string | undefined) => !!stepId && findStep(reg, stepId)?.step.actor === 'system';
  // A deadline whose clock stands still has no date yet: it gets one when the clock runs again.
  const open = k.deadlines
    .filter((d: any) => d.status === 'open' && !d.suspended && !bySystem(d.step))
    .sort((a: any, b: any) => a.dueAt.localeCompare(b.dueAt));
  const next = open[0];
  const step = k.currentStep;
  // The step being taken: the current one, or while the ladder starts (the page may be read
  // before its first task ran) the first step of the rung the complaint entered, or one whose
  // term is open.
  const taking =
    k.status !== 'open'
      ? undefined
      : step
        ? findStep(reg, step.id)?.step
        : (reg.ladder.rungs.find((r) => r.id === k.rung?.id)?.steps[0] ??
          k.deadlines
            .filter((d: any) => d.status === 'open' && bySystem(d.step))
            .map((d: any) => findStep(reg, d.step)?.step)[0]);
  const now = taking?.actor === 'system' ? taking : undefined;
  // The step's own term, and a term for the whole handling (Awb 9:11, Wkkgz art. 17), whether
  // their clocks run or stand still: only with neither is there "no fixed term".
  const running = k.deadlines.filter((d: any) => d.status === 'open');
  const ownTerm = running.find((d: any) => d.step === step?.id);
  const wholeTerm = running.some((d: any) => d.term);
  const choice = k.currentStep?.id?.startsWith('choice-') ? findStep(reg, k.currentStep.id) : undefined;
  const options = choice?.step.outcomes.filter((o) => o.next.startsWith('rung:')) ?? [];
  // Who to ask at the rung the complaint is at, where the regulation names its own address.
  const contact = reg.ladder.rungs.find((r) => r.id === k.rung?.id)?.entry.contact;
  const ask = [contact?.email && `mail ${contact.email}`, contact?.phone && `bel ${contact.phone}`].filter(Boolean);
  // Said once: where "Vragen over uw klacht?" below gives the same address and number, not here too
  // (SO!: Mieke Pater's mail and phone stood twice on the confirmation; review of session 11).
  const sameAsBelow =
    !!k.contact &&
    (!contact?.email || contact.email === k.contact.reach?.email) &&
    (!contact?.phone || contact.phone === k.contact.reach?.phone);
  const rungContact = k.status === 'open' && ask.length && !sameAsBelow ? `${capitalise(ask.join(' of '))}.` : '';
  return (
    <Layout reg={reg} title={props.isNew ? 'Uw klacht is ontvangen' : `Uw klacht ${k.reference}`} error={failed}>
      {failed ? <ErrorSummary errors={props.satisfaction?.errors as Errors} /> : null}
      {props.notice &&
      Object.hasOwn(NOTICES, props.notice) &&
      !(k.status === 'closed' && WHILE_OPEN.has(props.notice)) ? (
        <div class="utrecht-alert utrecht-alert--info kf-box" role="status">
          <p class="utrecht-paragraph">{NOTICES[props.notice]}</p>
        </div>
      ) : null}
      {props.isNew ? (
        <>
          <h1 class="utrecht-heading-1" tabindex={-1} autofocus>
            Uw klacht is ontvangen
          </h1>
          <p class="utrecht-paragraph">Dank u wel. Uw kenmerk is:</p>
          <p class="kf-reference">
            <Ref>{k.reference}</Ref>
          </p>
          <div class="kf-box">
            <p class="utrecht-paragraph">
              <strong>Bewaar deze pagina.</strong> Met dit adres volgt u uw klacht; alleen wie het adres heeft kan haar
              zien:
            </p>
            <p class="utrecht-paragraph">
              <a class="utrecht-link" href={props.link}>
                {props.link}
              </a>
            </p>
            <p class="utrecht-paragraph">
              Bent u de link later kwijt?{' '}
              <a class="utrecht-link" href="/klacht/link-kwijt">
                Vraag een nieuwe link aan
              </a>{' '}
              met uw kenmerk en e-mailadres.
            </p>
          </div>
        </>
      ) : (
        <h1 class="utrecht-heading-1">
          Uw klacht <Ref>{k.reference}</Ref>
        </h1>
      )}
      <h2 class="utrecht-heading-2">Waar staat uw klacht nu?</h2>
      {k.status === 'closed' ? (
        <p class="utrecht-paragraph">Uw klacht is afgesloten{k.closed?.at ? ` op ${dayOf(k.closed.at)}` : ''}.</p>
      ) : choice ? (
        // The complainant's turn: say it to them, with their own term where the regulation sets one.
        <p class="utrecht-paragraph">
          {/* How the rung ended, in the regulation's terms (api.ts rungEndOf): a judgement is no
              "no solution found" (SO!: the director's "oordeel"). */}
          {k.rungEnd?.judged
            ? endSentence(`Bij ${named(k.rung?.title ?? '')} is uw klacht beoordeeld: ${RESULT_NL[k.rungEnd.judged]}`)
            : k.rungEnd?.solved === false
              ? endSentence(`Bij ${named(k.rung?.title ?? '')} is geen oplossing gevonden`)
              : endSentence(`Bij ${named(k.rung?.title ?? '')} is de behandeling afgerond`)}{' '}
          U kiest nu of u verder wilt met uw klacht.
          {next
            ? ` Laat het ons uiterlijk ${dayOf(next.dueAt)} weten. Hebben wij dan niets van u gehoord? Dan sluiten wij uw klacht af.`
            : ''}
          {/* That date is ours, not the outside body's (letters.ts outsideAfterChoice). */}
          {next ? outsideAfterChoice(reg, k.rung?.id).map((line) => ` ${line}`) : null}
        </p>
      ) : (
        // The rung and the step by their names (quoted: a title may be a question, a statement or
        // a noun), then by when. A step's own term that stands still is said in the box below.
        <p class="utrecht-paragraph">
          {k.rung ? endSentence(`Uw klacht is bij ${named(k.rung.title)}`) : ''}
          {k.acknowledging && !now ? ' Wij sturen u nu een ontvangstbevestiging.' : ''}
          {now ? ` ${takenNow(now)}` : ''}
          {step && !now ? ` De stap ${named(step.title)} is nu aan de beurt.` : ''}
          {!now && ownTerm && !ownTerm.suspended ? ` Deze stap is uiterlijk ${dayOf(ownTerm.dueAt)} klaar.` : ''}
          {step && !now && !ownTerm && wholeTerm ? ' Deze stap heeft geen eigen termijn.' : ''}
          {next && next.step !== step?.id
            ? ` ${now ? `Daarna ${endSentence(dueLine(next.title, next.dueAt)).replace(/^Uiterlijk/, 'uiterlijk')}` : endSentence(dueLine(next.title, next.dueAt))}`
            : ''}
          {/* A step the regulation sets no term for (ONS: "De manager zal zo snel mogelijk een
              oplossing proberen te vinden"), and no term for the whole handling runs: say so, and
              who to ask, rather than leave it blank. */}
          {step && !now && !ownTerm && !wholeTerm ? ' De regeling noemt voor deze stap geen vaste termijn.' : ''}
          {rungContact ? ` Vragen hierover? ${rungContact}` : ''}
        </p>
      )}
      {k.status !== 'closed' && k.suspension ? (
        // Opschorting: that the clock stopped, why, and what starts it again.
        <div class="kf-box" role="status">
          <h3 class="utrecht-heading-3">De termijn staat stil</h3>
          <p class="utrecht-paragraph">
            Op {dayOf(k.suspension.since)} hebben wij de termijn voor de behandeling van uw klacht stilgezet.
            {k.suspension.stillFrom ? ` Vanaf ${dayOf(k.suspension.stillFrom)} telt de tijd niet mee.` : ''} De reden:{' '}
            {afterColon(sentence(k.suspension.title))}
          </p>
          <p class="utrecht-paragraph">
            De termijn loopt weer {k.suspension.resumesWhen}.
            {k.suspension.until
              ? ` Is dat na ${dayOf(k.suspension.until)} nog niet zo? Dan loopt de termijn vanzelf weer.`
              : ''}{' '}
            De dagen dat de termijn stilstaat, komen er aan het eind bij. U krijgt dan een brief met de nieuwe data.
          </p>
          {k.suspension.onInformation ? (
            <p class="utrecht-paragraph">
              Wat kunt u doen? Stuur de informatie hieronder bij <a href="#informatie">Informatie toevoegen</a>, of
              antwoord op onze e-mail. Dan loopt de termijn meteen weer.
            </p>
          ) : null}
        </div>
      ) : null}
      {open.length > 1 ? (
        <>
          <h3 class="utrecht-heading-3">Wat komt er, en wanneer</h3>
          <ul class="utrecht-unordered-list">
            {open.map((d: any) => (
              <li>{dueLine(d.title, d.dueAt)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {k.status === 'open' && k.extensionNotes?.length
        ? k.extensionNotes.map((line: string) => <p class="utrecht-paragraph">{line}</p>)
        : null}
      {k.contact ? <AskUs contact={k.contact} /> : null}
      {k.wantsSupport && k.status !== 'closed' ? <FreeHelp reg={reg} /> : null}
      {k.status === 'closed' ? <WayOn reg={reg} k={k} /> : null}
      {k.satisfaction?.asked ? (
        <Satisfaction
          path={props.path}
          answer={k.satisfaction.answer}
          values={props.satisfaction?.values ?? {}}
          errors={props.satisfaction?.errors ?? {}}
        />
      ) : null}
      <h2 class="utrecht-heading-2">Uw klacht</h2>
      <div class="kf-box">
        <p class="utrecht-paragraph kf-pre">{k.description}</p>
      </div>
      {(k.messages ?? []).length ? (
        <>
          <h3 class="utrecht-heading-3">Wat u later toevoegde</h3>
          <ul class="kf-list">
            {k.messages.map((m: any) => (
              <li class="kf-item">
                <p class="utrecht-paragraph">
                  <strong>{dayOf(m.at)}</strong>
                </p>
                <p class="utrecht-paragraph kf-pre">{m.text}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 class="utrecht-heading-2">Wat er al gebeurde</h2>
      <ul class="utrecht-unordered-list">
        <li>Klacht ontvangen op {formatDutchDate(localDate(k.receivedAt))}.</li>
        {/* Each outcome with the step it ended where the outcome alone does not say what ("Niet
            opgelost"), and the step said once where it does (lambdas/domain/timeline.ts). */}
        {k.steps.map((s: any) => (
          <li>
            {s.text} ({dayOf(s.at)})
          </li>
        ))}
      </ul>
      {k.letters.length ? (
        <>
          <h2 class="utrecht-heading-2">Brieven aan u</h2>
          {k.letters.map((l: any) => (
            <details class="kf-box">
              <summary>
                {l.subject.replace(/^\[[^\]]+\]\s*/, '')} ({dayOf(l.at)})
              </summary>
              <p class="utrecht-paragraph kf-pre">{withRefs(l.text)}</p>
            </details>
          ))}
        </>
      ) : null}
      {k.status === 'open' ? (
        <>
          {options.length ? (
            <>
              <h2 class="utrecht-heading-2">Wilt u verder met uw klacht?</h2>
              {options.map((o) => (
                <form method="post" action={`${props.path}/verder`} class="kf-choose">
                  <input type="hidden" name="to" value={o.next.slice(5)} />
                  <button type="submit" class="utrecht-button utrecht-button--primary-action">
                    {o.title}
                  </button>
                </form>
              ))}
            </>
          ) : null}
          <h2 class="utrecht-heading-2" id="informatie">
            Informatie toevoegen
          </h2>
          <form method="post" action={`${props.path}/bericht`}>
            <div class="kf-field utrecht-form-field">
              <label class="utrecht-form-label" for="text">
                Wat wilt u toevoegen?
              </label>
              <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="text" name="text" rows={5} />
            </div>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">
              Voeg informatie toe
            </button>
          </form>
          <h2 class="utrecht-heading-2">Klacht intrekken</h2>
          <p class="utrecht-paragraph">
            U kunt uw klacht op ieder moment intrekken.{' '}
            <a class="utrecht-link" href={`${props.path}/intrekken`}>
              Klacht intrekken
            </a>
          </p>
        </>
      ) : null}
    </Layout>
  );
}

/**
 * After closure: where the complainant can still go (the rungs this one leads to, and the outside
 * bodies the regulation names: a committee, a disputes body, an ombudsman), from the regulation.
 */
function WayOn(props: { reg: Regulation; k: any }) {
  const lines = wayOnLines(props.reg, props.k.rung?.id);
  const c = props.reg.organisation.contact;
  if (props.k.closed?.result === 'withdrawn') return null;
  return (
    <>
      <h2 class="utrecht-heading-2">Bent u het niet eens met de uitkomst?</h2>
      {lines.length ? (
        <>
          <p class="utrecht-paragraph">Dan kunt u verder met uw klacht:</p>
          <ul class="utrecht-unordered-list">
            {lines.map((l) => (
              <li>{l}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p class="utrecht-paragraph">
        Laat het ons weten{c.phone ? `: bel ${c.phone}` : ''}
        {c.email ? `${c.phone ? ' of mail' : ': mail'} ${c.email}` : ''}. Noem uw kenmerk <Ref>{props.k.reference}</Ref>
        .
      </p>
    </>
  );
}

/**
 * After closure: one optional question, whether they are satisfied with how the complaint was
 * handled, and room for a remark. Nothing is chosen beforehand. Once answered, the page says what
 * they answered; they may change it (procedure/complainant-actions.ts says why a change replaces).
 */
function Satisfaction(props: {
  path: string;
  answer: { satisfied: boolean; remark?: string; at: string } | null;
  values: Values;
  errors: Errors;
}) {
  const { answer } = props;
  const failed = Object.keys(props.errors).length > 0;
  // Changing an answer starts from the answer given; a first answer starts from nothing.
  const values: Values = failed
    ? props.values
    : answer
      ? { tevreden: answer.satisfied ? 'ja' : 'nee', toelichting: answer.remark ?? '' }
      : {};
  const form = (
    <form method="post" action={`${props.path}/tevreden`} novalidate>
      <Radios
        name="tevreden"
        legend={SATISFACTION_QUESTION}
        options={[
          { value: 'ja', label: 'Ja, ik ben tevreden' },
          { value: 'nee', label: 'Nee, ik ben niet tevreden' },
        ]}
        values={values}
        errors={props.errors}
      />
      <Field id="toelichting" label="Wilt u er iets over zeggen?" optional error={props.errors.toelichting}>
        <textarea
          class="utrecht-textarea utrecht-textarea--html-textarea"
          id="toelichting"
          name="toelichting"
          rows={3}
          aria-invalid={props.errors.toelichting ? 'true' : undefined}
          aria-describedby={describedBy('toelichting', false, props.errors.toelichting)}
        >
          {values.toelichting ?? ''}
        </textarea>
      </Field>
      <button type="submit" class="utrecht-button utrecht-button--primary-action">
        Verstuur uw antwoord
      </button>
    </form>
  );
  return (
    <section aria-labelledby="tevredenheid">
      <h2 class="utrecht-heading-2" id="tevredenheid" tabindex={-1}>
        Wat vindt u ervan?
      </h2>
      {answer && !failed ? (
        <>
          <p class="utrecht-paragraph">
            U zei op {dayOf(answer.at)}: {answer.satisfied ? 'ik ben tevreden' : 'ik ben niet tevreden'}.
          </p>
          {answer.remark ? <p class="utrecht-paragraph kf-pre">{answer.remark}</p> : null}
          <details class="kf-box">
            <summary>Uw antwoord veranderen</summary>
            {form}
          </details>
        </>
      ) : (
        <>
          <p class="utrecht-paragraph">
            Uw antwoord helpt ons om van klachten te leren. U hoeft niets in te vullen. In ons overzicht van klachten
            staat uw antwoord zonder uw naam.
          </p>
          {form}
        </>
      )}
    </section>
  );
}

export function WithdrawPage(props: { reg: Regulation; k: any; path: string }) {
  return (
    <Layout reg={props.reg} title="Klacht intrekken">
      <h1 class="utrecht-heading-1">
        Weet u zeker dat u uw klacht <Ref>{props.k.reference}</Ref> wilt intrekken?
      </h1>
      <p class="utrecht-paragraph">
        Dan stoppen wij met de behandeling en sluiten wij het dossier. U krijgt een bevestiging.
      </p>
      <form method="post" action={`${props.path}/intrekken`}>
        <div class="kf-field utrecht-form-field">
          <label class="utrecht-form-label" for="reason">
            Waarom trekt u de klacht in? (niet verplicht)
          </label>
          <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="reason" name="reason" rows={3} />
        </div>
        <button type="submit" class="utrecht-button utrecht-button--primary-action">
          Ja, trek mijn klacht in
        </button>
      </form>
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href={props.path}>
          Nee, terug naar mijn klacht
        </a>
      </p>
    </Layout>
  );
}
