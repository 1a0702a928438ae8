/**
 * An officer records a complaint that came another way than the form: by phone, letter, in person
 * or through an employee (ONS: "telefonisch, per e-mail of per brief"; SWT: by talking to the
 * employee or phoning the manager; OCO: "ongeacht de manier waarop"; SO!: any oral or written
 * signal). It enters the same ladder, its terms counted from when it was received, which may be
 * before today. The page talks to the same JSON API (POST /dossiers) as any other client.
 *
 * The complainant never saw the form, so never got the private link: with an e-mail address it is
 * mailed; without one this page shows it once, to hand over with the printed acknowledgement.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { Temporal } from 'temporal-polyfill';
import type { Regulation } from '../../statemachines/model.js';
import { formatDutchDate } from '../domain/calendar/deadline.js';
import { Layout } from './layout.js';
import {
  bodyOf,
  Consent,
  DateField,
  ErrorSummary,
  type Errors,
  FIELD_OF,
  Field,
  formOf,
  html,
  Radios,
  Text,
  type Values,
} from './pages.js';

/** The channels an officer records, in the words of the desk (the API's `channel`). */
export const CHANNEL_LABELS: Record<string, string> = {
  phone: 'Telefonisch',
  letter: 'Per brief',
  'in-person': 'Persoonlijk, in een gesprek of aan de balie',
  employee: 'Via een medewerker',
  email: 'Per e-mail (doorgestuurd of overgenomen)',
};

const ZONE = 'Europe/Amsterdam';

/** "14:30" or "14.30" as hour and minute; anything else (25:99 too) is no time. */
function timeOf(text: string | undefined): { hour: number; minute: number } | undefined {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(text?.trim() ?? '');
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  return m && hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

/** Who complains, as the desk says it (the complainant's form says "Ik ben ..."). */
const ROLE_NAMES: Record<string, string> = {
  client: 'De cliënt zelf',
  parent: 'Een ouder of verzorger',
  guardian: 'Een voogd',
  child: 'Een kind of jongere, zelf',
  'legal-representative': 'Een wettelijk vertegenwoordiger',
  'authorised-person': 'Iemand die de cliënt heeft gemachtigd',
  'surviving-relative': 'Een nabestaande',
  'partner-organisation': 'Een partnerorganisatie',
};

/** The moment of receipt from the form's date and time, as an ISO instant with its Dutch offset. */
export function receivedAtOf(values: Values): string | undefined {
  const [d, m, y] = ['received-day', 'received-month', 'received-year'].map((k) => Number(values[k]?.trim()));
  const time = timeOf(values.time);
  if (!d || !m || !y || !time) return undefined;
  try {
    return Temporal.PlainDateTime.from(
      { year: y, month: m, day: d, hour: time.hour, minute: time.minute },
      { overflow: 'reject' },
    )
      .toZonedDateTime(ZONE)
      .toString({ timeZoneName: 'never', smallestUnit: 'second' });
  } catch {
    return undefined;
  }
}

/** The channels this regulation accepts beside the form (from its intake variants), in a fixed order. */
function channelsOf(reg: Regulation): string[] {
  const named = new Set(reg.intake.variants.flatMap((v) => v.channels));
  const all = Object.keys(CHANNEL_LABELS);
  const accepted = all.filter((c) => named.has(c as never));
  // A regulation that names only the form still gets complaints by phone and letter; the officer
  // may record them (Awb 9:1 and the Wkkgz take a complaint however it is expressed).
  return accepted.length ? [...accepted, ...all.filter((c) => !accepted.includes(c))] : all;
}

export function RecordForm(props: { reg: Regulation; values: Values; errors: Errors; formId: string }) {
  const { reg, values, errors } = props;
  const problems = Object.entries(errors);
  return (
    <Layout reg={reg} title="Klacht vastleggen" error={problems.length > 0} officer>
      <ErrorSummary errors={errors} />
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href="/medewerkers/werklijst">
          Terug naar de werklijst
        </a>
      </p>
      <h1 class="utrecht-heading-1">Een klacht vastleggen</h1>
      <p class="utrecht-paragraph">
        Voor een klacht die telefonisch, per brief, persoonlijk of via een collega binnenkwam. De termijnen tellen vanaf
        het moment dat de klacht binnenkwam, ook als dat eerder was dan vandaag.
      </p>
      <form method="post" action="/medewerkers/klacht-vastleggen" novalidate class="utrecht-form">
        <input type="hidden" name="formulier" value={props.formId} />
        <Radios
          name="channel"
          legend="Hoe kwam de klacht binnen?"
          options={channelsOf(reg).map((c) => ({ value: c, label: CHANNEL_LABELS[c] ?? c }))}
          values={values}
          errors={errors}
        />
        <DateField
          prefix="received"
          legend="Op welke dag kwam de klacht binnen?"
          hint="Bijvoorbeeld 31 8 2026. Bij een brief: de dag waarop hij binnenkwam."
          values={values}
          errors={errors}
        />
        <Text
          id="time"
          label="Hoe laat?"
          hint="Bijvoorbeeld 14:30. Weet u het niet precies? Vul dan ongeveer in."
          inputmode="numeric"
          values={values}
          errors={errors}
        />
        <Text
          id="takenBy"
          label="Wie nam de klacht aan?"
          hint="De naam van de medewerker die de klacht hoorde of ontving. Leeg: uzelf."
          optional
          values={values}
          errors={errors}
        />
        {reg.intake.variants.length > 1 ? (
          <Radios
            name="variant"
            legend="Bij wie wil de klager de klacht neerleggen?"
            options={reg.intake.variants.map((v) => ({ value: v.id, label: v.title }))}
            values={values}
            errors={errors}
          />
        ) : null}
        <Radios
          name="role"
          legend="Wie klaagt?"
          options={reg.eligibility.roles.map((r) => ({ value: r.role, label: ROLE_NAMES[r.role] ?? r.role }))}
          values={values}
          errors={errors}
        />
        <h2 class="utrecht-heading-2">De klager</h2>
        <p class="utrecht-paragraph kf-hint">
          Vul in wat u weet, en ten minste één manier om de klager te bereiken. Zonder e-mailadres gaan de brieven per
          post.
        </p>
        <Text id="name" label="Naam" values={values} errors={errors} />
        <Text id="email" label="E-mailadres" type="email" optional values={values} errors={errors} />
        <Text id="phone" label="Telefoonnummer" type="tel" optional values={values} errors={errors} />
        <Text id="street" label="Straat en huisnummer" optional values={values} errors={errors} />
        <Text id="postcode" label="Postcode" optional values={values} errors={errors} />
        <Text id="city" label="Woonplaats" optional values={values} errors={errors} />
        <Text id="onBehalfOf" label="Namens wie klaagt hij of zij?" optional values={values} errors={errors} />
        <h2 class="utrecht-heading-2">De klacht</h2>
        <Field
          id="description"
          label="Waarover klaagt hij of zij?"
          hint="In de woorden van de klager, zo goed als u kunt. Dit staat in de ontvangstbevestiging."
          error={errors.description}
        >
          <textarea
            class="utrecht-textarea utrecht-textarea--html-textarea"
            id="description"
            name="description"
            rows={6}
            aria-invalid={errors.description ? 'true' : undefined}
            aria-describedby={`description-hint${errors.description ? ' description-error' : ''}`}
          >
            {values.description ?? ''}
          </textarea>
        </Field>
        <Field
          id="transcript"
          label="Verslag van het gesprek, of de tekst van de brief"
          hint="Alleen voor het dossier; de klager kan het inzien."
          optional
        >
          <textarea
            class="utrecht-textarea utrecht-textarea--html-textarea"
            id="transcript"
            name="transcript"
            rows={6}
            aria-describedby="transcript-hint"
          >
            {values.transcript ?? ''}
          </textarea>
        </Field>
        <Text id="respondent" label="Over wie gaat de klacht?" optional values={values} errors={errors} />
        <Consent values={values} errors={errors}>
          Ik heb de klager verteld dat {reg.organisation.name} de gegevens gebruikt om de klacht te behandelen.
        </Consent>
        <button type="submit" class="utrecht-button utrecht-button--primary-action utrecht-button--submit">
          Klacht vastleggen
        </button>
      </form>
    </Layout>
  );
}

function Recorded(props: {
  reg: Regulation;
  created: { id: string; reference: string; statusUrl: string; deadlines: { title: string; lastDay: string }[] };
  email: boolean;
}) {
  const { reg, created } = props;
  return (
    <Layout reg={reg} title="Klacht vastgelegd" officer>
      <h1 class="utrecht-heading-1">Klacht vastgelegd: {created.reference}</h1>
      <p class="utrecht-paragraph">
        De klacht doorloopt nu de stappen van de klachtenregeling. De ontvangstbevestiging gaat
        {props.email ? ' per e-mail naar de klager.' : ' per post: u vindt hem in het dossier om af te drukken.'}
      </p>
      <h2 class="utrecht-heading-2">De persoonlijke link van de klager</h2>
      {props.email ? (
        <p class="utrecht-paragraph">
          De klager krijgt de link per e-mail. U ziet hem hieronder ook, voor als de klager erom vraagt.
        </p>
      ) : (
        <p class="utrecht-paragraph">
          Geef deze link aan de klager, bijvoorbeeld bij de brief. U ziet hem alleen nu: bewaar hem niet ergens anders.
        </p>
      )}
      <p class="utrecht-paragraph kf-box">{created.statusUrl}</p>
      {created.deadlines.length ? (
        <>
          <h2 class="utrecht-heading-2">Termijnen</h2>
          <ul class="utrecht-unordered-list">
            {created.deadlines.map((d) => (
              <li>
                {d.title.replace(/[?:]$/, '')}: uiterlijk {formatDutchDate(d.lastDay)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href={`/medewerkers/dossiers/${created.id}`}>
          Naar het dossier
        </a>{' '}
        ·{' '}
        <a class="utrecht-link" href="/medewerkers/klacht-vastleggen">
          Nog een klacht vastleggen
        </a>
      </p>
    </Layout>
  );
}

const MESSAGES: Record<string, string> = {
  channel: 'Kies hoe de klacht binnenkwam.',
  role: 'Kies wie er klaagt.',
  consent: 'Vertel de klager dat we de gegevens gebruiken voor de klacht, en vink dit aan.',
  'received-day': 'Vul de dag in waarop de klacht binnenkwam, bijvoorbeeld 31 8 2026.',
  time: 'Vul de tijd in, bijvoorbeeld 14:30.',
};

/** Today's date and the current time in the Netherlands: what the desk fills in most often. */
function nowValues(now: Date): Values {
  const t = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(ZONE);
  return {
    'received-day': String(t.day),
    'received-month': String(t.month),
    'received-year': String(t.year),
    time: `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function registerRecordPage(
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the pages
  app: Hono<any, any, any>,
  deps: {
    reg: Regulation;
    /** A request to the JSON API as the signed-in officer (undefined status 401: not signed in). */
    call: (c: Context, path: string, init?: RequestInit) => Promise<Response>;
    now: () => Date;
  },
) {
  const { reg, call } = deps;
  app.get('/medewerkers/klacht-vastleggen', async (c) => {
    // Signed in? The worklist's first item costs nothing and tells.
    const probe = await call(c, '/dossiers?limit=1');
    if (probe.status === 401) return c.redirect('/medewerkers', 303);
    return html(c, <RecordForm reg={reg} values={nowValues(deps.now())} errors={{}} formId={randomUUID()} />);
  });

  app.post('/medewerkers/klacht-vastleggen', async (c) => {
    const values: Values = await formOf(c);
    if (!UUID.test(values.formulier ?? '')) values.formulier = randomUUID();
    const errors: Errors = {};
    const receivedAt = receivedAtOf(values);
    if (!receivedAt) {
      if (!timeOf(values.time)) errors.time = MESSAGES.time as string;
      else errors['received-day'] = MESSAGES['received-day'] as string;
    }
    if (!values.channel) errors.channel = MESSAGES.channel as string;
    const body = {
      ...bodyOf(reg, values),
      channel: values.channel ?? '',
      receivedAt: receivedAt ?? '',
      ...(values.takenBy?.trim() ? { takenBy: values.takenBy.trim() } : {}),
      ...(values.transcript?.trim() ? { transcript: values.transcript } : {}),
    };
    const res = await call(c, '/dossiers', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `record-${values.formulier}` },
      body: JSON.stringify(body),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    const json = (await res.json().catch(() => ({}))) as any;
    if (res.status === 201) return html(c, <Recorded reg={reg} created={json} email={!!values.email?.trim()} />);
    if (res.status >= 500) throw new Error('api');
    for (const issue of json.error?.issues ?? []) {
      const path = String(issue.path);
      const field =
        path === 'receivedAt'
          ? 'received-day'
          : path === 'channel'
            ? 'channel'
            : path === 'takenBy' || path === 'transcript'
              ? path
              : (FIELD_OF[path] ?? (path.startsWith('complainant') ? 'name' : path.split('.')[0] || 'description'));
      if (!errors[field]) errors[field] = MESSAGES[field] && field !== 'received-day' ? MESSAGES[field] : issue.message;
    }
    if (Object.keys(errors).length === 0) errors.description = json.error?.message ?? 'Controleer de gegevens.';
    return html(c, <RecordForm reg={reg} values={values} errors={errors} formId={values.formulier as string} />, 422);
  });
}

/**
 * A letter to print and post: for a complainant without an e-mail address the regulation's letters
 * still have to reach them (PEOPLE.md: everyone is told what happens and by when). The letter as
 * decided in the dossier, with the sender's and the addressee's address blocks, ready for a window
 * envelope; nothing else on the page when printed.
 */
function PrintedLetter(props: {
  reg: Regulation;
  letter: { subject: string; text: string; queuedAt?: string; sentAt?: string; kind: string };
  to: { name: string; address?: { street?: string; postcode?: string; city?: string } };
  reference: string;
  id: string;
}) {
  const { reg, letter, to } = props;
  const at = letter.sentAt ?? letter.queuedAt;
  const day = at
    ? formatDutchDate(Temporal.Instant.from(at).toZonedDateTimeISO(ZONE).toPlainDate().toString())
    : undefined;
  const c = reg.organisation.contact;
  return (
    <html lang="nl">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${letter.subject} - ${props.reference}`}</title>
        <link rel="stylesheet" href="/assets/letter-print.css" />
      </head>
      <body>
        <p class="screen-only">
          Druk deze brief af (Ctrl+P) en stuur hem per post.{' '}
          <a href={`/medewerkers/dossiers/${props.id}`}>Terug naar het dossier</a>
        </p>
        <div class="sender">
          <strong>{reg.organisation.name}</strong>
          <br />
          {c.postalAddress ?? ''}
          {c.phone ? (
            <>
              <br />
              Telefoon {c.phone}
            </>
          ) : null}
          {c.email ? (
            <>
              <br />
              {c.email}
            </>
          ) : null}
        </div>
        <div class="addressee">
          {to.name}
          <br />
          {to.address?.street ?? ''}
          <br />
          {[to.address?.postcode, to.address?.city].filter(Boolean).join('  ')}
        </div>
        <div class="meta">
          {day ? `Datum: ${day}` : ''}
          <br />
          Kenmerk: {props.reference}
          <br />
          Onderwerp: {letter.subject}
        </div>
        <pre>{letter.text}</pre>
      </body>
    </html>
  );
}

export function registerPrintPage(
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the pages
  app: Hono<any, any, any>,
  deps: { reg: Regulation; call: (c: Context, path: string, init?: RequestInit) => Promise<Response> },
) {
  app.get('/medewerkers/dossiers/:id/brieven/:letterId', async (c) => {
    const res = await deps.call(c, `/dossiers/${encodeURIComponent(c.req.param('id'))}`);
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    const d = res.status === 200 ? ((await res.json()) as any) : undefined;
    const letter = d?.letters?.find((l: { letterId: string }) => l.letterId === c.req.param('letterId'));
    if (!letter)
      return html(
        c,
        <Layout reg={deps.reg} title="Niet gevonden" officer>
          <h1 class="utrecht-heading-1">Deze brief bestaat niet</h1>
        </Layout>,
        404,
      );
    // Letters to the complainant go to their address; an officer's notice is printed for the file.
    const to =
      letter.audience === 'complainant'
        ? d.received.complainant
        : { name: letter.undeliverable.join(', ') || letter.to.join(', ') };
    return html(c, <PrintedLetter reg={deps.reg} letter={letter} to={to} reference={d.reference} id={d.id} />);
  });
}
