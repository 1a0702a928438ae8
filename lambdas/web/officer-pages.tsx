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
import { findStep } from '../../statemachines/ladder.js';
import type { Regulation } from '../../statemachines/model.js';
import { dayOf, labelled } from '../domain/letters.js';
import { DEADLINE_STATUS_NL } from '../domain/timeline.js';
import { markCurrentStep } from './ladder-diagram.js';
import { Layout, Notice } from './layout.js';
import { formOf, html } from './pages.js';
import { MailSection } from './postvak-pages.js';
import { CHANNEL_LABELS, registerPrintPage, registerRecordPage } from './record-page.js';
import { OFFICER_COOKIE, OfficerSessions, type PageSignIn } from './sign-in.js';

const COOKIE = OFFICER_COOKIE;

function SignIn(props: { reg: Regulation; error?: string }) {
  return (
    <Layout reg={props.reg} title="Inloggen voor medewerkers" error={!!props.error}>
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

function Worklist(props: {
  reg: Regulation;
  items: any[];
  now: number;
  rung?: string;
  /** Mail in the postvak that waits for a decision, when the regulation takes e-mail. */
  held?: { count: number; oldest?: string };
}) {
  const { reg } = props;
  const soon = 3 * 86400_000;
  return (
    <Layout reg={reg} title="Werklijst">
      <h1 class="utrecht-heading-1">Werklijst</h1>
      <p class="utrecht-paragraph">Open klachten, de eerstvolgende termijn bovenaan.</p>
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href="/medewerkers/klacht-vastleggen">
          Een klacht vastleggen
        </a>{' '}
        (telefonisch, per brief, persoonlijk of via een collega binnengekomen)
      </p>
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href="/medewerkers/verbeterregister">
          Verbeterregister: alle verbeteracties uit klachten
        </a>
      </p>
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href="/medewerkers/postvak">
          Postvak: e-mails die op een beslissing wachten
        </a>
        {/* A held mail may be a complaint whose terms already run from its receipt. */}
        {props.held?.count ? (
          <strong>
            {' '}
            ({props.held.count === 1 ? '1 e-mail wacht' : `${props.held.count} e-mails wachten`}
            {props.held.oldest ? `, de oudste sinds ${dayOf(props.held.oldest)}` : ''})
          </strong>
        ) : null}
      </p>
      <form method="get" action="/medewerkers/werklijst" class="kf-field">
        <label class="utrecht-form-label" for="rung">
          Trede
        </label>{' '}
        <select class="utrecht-select utrecht-select--html-select" id="rung" name="rung">
          <option value="">Alle treden</option>
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
      {props.items.length === 0 ? <p class="utrecht-paragraph">Geen open klachten.</p> : null}
      <table class="utrecht-table">
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell">Kenmerk</th>
            <th class="utrecht-table__header-cell">Stap</th>
            <th class="utrecht-table__header-cell">Termijn</th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {props.items.map((d) => {
            const step = d.currentStep ? findStep(reg, d.currentStep)?.step : undefined;
            // The complainant's own term (to choose the next rung) is theirs: nothing is late for
            // the officer, and the list says whom the dossier waits for.
            const waiting = step?.actor === 'complainant';
            const due = d.nextDueAt ? Date.parse(d.nextDueAt) : undefined;
            const mark =
              due === undefined || waiting
                ? ''
                : due < props.now
                  ? 'Te laat'
                  : due - props.now < soon
                    ? 'Binnenkort'
                    : '';
            return (
              <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">
                  <a class="utrecht-link" href={`/medewerkers/dossiers/${d.id}`}>
                    {d.reference}
                  </a>
                </td>
                <td class="utrecht-table__cell">
                  {step?.title ?? d.currentStep ?? '-'}
                  {waiting ? ' (wacht op de klager)' : ''}
                </td>
                <td class="utrecht-table__cell">
                  {d.nextDueAt ? `${waiting ? 'de klager kan kiezen tot ' : ''}${dayOf(d.nextDueAt)}` : 'geen termijn'}
                  {mark ? <strong class={mark === 'Te laat' ? 'kf-error' : ''}> ({mark})</strong> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <form method="post" action="/medewerkers/uitloggen">
        <button type="submit" class="utrecht-button utrecht-button--subtle">
          Uitloggen
        </button>
      </form>
    </Layout>
  );
}

const IMPROVEMENT_STATUS: Record<string, string> = { open: 'open', 'in-progress': 'in uitvoering', done: 'afgerond' };

/**
 * The improvement register over all dossiers, earliest date first (ONS: "De klachtenfunctionaris
 * bewaakt en registreert de stand van zaken uitvoering verbeteracties"). Late actions say so in
 * words, not only in colour.
 */
function Register(props: { reg: Regulation; items: any[]; status?: string; message?: string }) {
  const late = props.items.filter((i) => i.overdue).length;
  return (
    <Layout reg={props.reg} title="Verbeterregister">
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href="/medewerkers/werklijst">
          Terug naar de werklijst
        </a>
      </p>
      <Notice kind="status" text={props.message} />
      <h1 class="utrecht-heading-1">Verbeterregister</h1>
      <p class="utrecht-paragraph">
        Verbeteracties uit klachten, de vroegste datum bovenaan. {props.items.length} actie(s)
        {late ? `, waarvan ${late} te laat` : ''}.
      </p>
      <form method="get" action="/medewerkers/verbeterregister" class="kf-field">
        <label class="utrecht-form-label" for="status">
          Stand
        </label>{' '}
        <select class="utrecht-select utrecht-select--html-select" id="status" name="status">
          <option value="">Alle</option>
          {Object.entries(IMPROVEMENT_STATUS).map(([value, title]) => (
            <option value={value} selected={props.status === value}>
              {title}
            </option>
          ))}
        </select>{' '}
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">
          Toon
        </button>
      </form>
      {props.items.length === 0 ? <p class="utrecht-paragraph">Geen verbeteracties.</p> : null}
      <table class="utrecht-table">
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell">Uiterlijk</th>
            <th class="utrecht-table__header-cell">Actie</th>
            <th class="utrecht-table__header-cell">Wie</th>
            <th class="utrecht-table__header-cell">Dossier</th>
            <th class="utrecht-table__header-cell">Stand</th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {props.items.map((i, n) => (
            <tr class="utrecht-table__row">
              <td class="utrecht-table__cell">
                {i.due}
                {i.overdue ? <strong class="kf-error"> (te laat)</strong> : null}
              </td>
              <td class="utrecht-table__cell">{i.action}</td>
              <td class="utrecht-table__cell">{i.ownerTitle}</td>
              <td class="utrecht-table__cell">
                <a class="utrecht-link" href={`/medewerkers/dossiers/${i.dossierId}`}>
                  {i.reference}
                </a>
              </td>
              <td class="utrecht-table__cell">
                <form method="post" action={`/medewerkers/verbeterregister/${i.dossierId}/${i.improvementId}`}>
                  <label class="utrecht-form-label" for={`stand-${n}`}>
                    Stand van {i.reference}, actie {i.improvementId}
                  </label>{' '}
                  <select class="utrecht-select utrecht-select--html-select" id={`stand-${n}`} name="status">
                    {Object.entries(IMPROVEMENT_STATUS).map(([value, title]) => (
                      <option value={value} selected={i.status === value}>
                        {title}
                      </option>
                    ))}
                  </select>{' '}
                  <button type="submit" class="utrecht-button utrecht-button--subtle">
                    Bewaar
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

function ActionForm(props: { id: string; action: any }) {
  const a = props.action;
  const f = a.fields;
  // A step's own extension and a term for the whole handling can be on one page: ids stay unique.
  const suffix = a.termId ? `-${a.termId}` : '';
  return (
    <form method="post" action={`/medewerkers/dossiers/${props.id}/acties`} class="kf-box">
      <input type="hidden" name="type" value={a.type} />
      <input type="hidden" name="stepId" value={a.stepId} />
      {a.termId ? <input type="hidden" name="termId" value={a.termId} /> : null}
      {a.type === 'outcome' ? (
        <fieldset class="utrecht-form-fieldset kf-field">
          <legend class="utrecht-form-fieldset__legend">{a.title}: de uitkomst</legend>
          {f.outcome.options.map((o: any, i: number) => (
            <div class="kf-choice">
              <input
                class="utrecht-radio-button utrecht-radio-button--html-input"
                type="radio"
                id={`outcome-${o.value}`}
                name="outcome"
                value={o.value}
                checked={i === 0}
              />
              <label class="utrecht-form-label utrecht-form-label--radio" for={`outcome-${o.value}`}>
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
            <input
              class="utrecht-textbox utrecht-textbox--html-input"
              id={`term${suffix}`}
              name="term"
              value="vier weken"
            />
          </div>
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
              {f.to.options.map((o: any) => (
                <option value={o.value}>{o.title}</option>
              ))}
            </select>
          </div>
        </>
      ) : null}
      <div class="kf-field">
        <label class="utrecht-form-label" for={`${a.type}${suffix}-text`}>
          {a.type === 'outcome' ? 'Toelichting voor de brief (niet verplicht)' : 'Reden'}
        </label>
        <textarea
          class="utrecht-textarea utrecht-textarea--html-textarea"
          id={`${a.type}${suffix}-text`}
          name={a.type === 'outcome' ? 'note' : 'reason'}
          rows={4}
        />
      </div>
      {a.type === 'extend' ? (
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
      <button type="submit" class="utrecht-button utrecht-button--primary-action">
        {a.type === 'outcome' ? 'Leg de uitkomst vast' : a.type === 'extend' ? 'Verleng de termijn' : 'Draag over'}
      </button>
    </form>
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

function DossierPage(props: {
  reg: Regulation;
  d: any;
  svg: string;
  message?: string;
  error?: string;
  conduct?: any[];
}) {
  const { reg, d } = props;
  return (
    <Layout reg={reg} title={`Dossier ${d.reference}`} error={!!props.error}>
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href="/medewerkers/werklijst">
          Terug naar de werklijst
        </a>
      </p>
      <Notice kind="error" text={props.error} />
      <Notice kind="status" text={props.message} />
      <h1 class="utrecht-heading-1">Dossier {d.reference}</h1>
      <p class="utrecht-paragraph">
        Ontvangen {dayOf(d.received.receivedAt)} van {d.received.complainant.name}.{' '}
        {d.status === 'closed' ? `Gesloten: ${d.closed?.result}.` : ''}
      </p>
      {d.received.channel !== 'web' ? (
        <p class="utrecht-paragraph">
          Binnengekomen: {(CHANNEL_LABELS[d.received.channel] ?? d.received.channel).toLowerCase()}
          {d.received.takenBy ? `, aangenomen door ${d.received.takenBy}` : ''}.
        </p>
      ) : null}
      <div class="kf-box">
        <p class="utrecht-paragraph">{d.received.description}</p>
      </div>
      {d.received.transcript ? (
        <details class="kf-box">
          <summary>Verslag of tekst van de brief</summary>
          <pre class="kf-pre">{d.received.transcript}</pre>
        </details>
      ) : null}
      {d.received.window?.outside ? <p class="utrecht-paragraph kf-error">{d.received.window.text}</p> : null}
      <MailSection d={d} />
      {d.currentStep ? (
        <>
          <h2 class="utrecht-heading-2">Nu: {d.currentStep.title}</h2>
          <p class="utrecht-paragraph">
            Bij: {reg.roles.find((r) => r.id === d.currentStep.assignee)?.title ?? d.currentStep.assignee}
          </p>
          {d.availableActions.length === 0 ? (
            <p class="utrecht-paragraph">U kunt bij deze stap nu niets doen.</p>
          ) : null}
          {d.availableActions.map((a: any) => (
            <ActionForm id={d.id} action={a} />
          ))}
        </>
      ) : null}
      <h2 class="utrecht-heading-2">De ladder</h2>
      {/* Graphviz escapes the labels; they come from the regulation, not from a complainant. */}
      <figure
        class="kf-diagram"
        role="img"
        aria-label={`De klachtenladder van ${reg.organisation.name}; de huidige stap is gemarkeerd.`}
        dangerouslySetInnerHTML={{ __html: props.svg.replace(/^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?/, '') }}
      />
      <h2 class="utrecht-heading-2">Termijnen</h2>
      <ul class="utrecht-unordered-list">
        {d.deadlines.map((x: any) => (
          <li>
            <details>
              <summary>
                {labelled(x.title, `uiterlijk ${dayOf(x.dueAt)}`)} ({DEADLINE_STATUS_NL[x.status] ?? x.status}
                {x.extended ? ', verlengd' : ''})
              </summary>
              <p class="utrecht-paragraph">{x.explanation.text}</p>
            </details>
          </li>
        ))}
      </ul>
      <h2 class="utrecht-heading-2">Tijdlijn</h2>
      <ol class="utrecht-ordered-list">
        {(d.history ?? []).map((h: any) => (
          <li>
            <strong>{dayOf(h.at)}</strong> ({h.who}): {h.text}
          </li>
        ))}
      </ol>
      {d.registration ? <Registration id={d.id} form={d.registration} /> : null}
      <h2 class="utrecht-heading-2">Verbeteracties</h2>
      <ul class="utrecht-unordered-list">
        {(d.improvements ?? []).map((i: any) => (
          <li>
            {i.action} ({i.owner}, uiterlijk {i.due}):{' '}
            {i.status === 'done' ? 'afgerond' : i.status === 'in-progress' ? 'in uitvoering' : 'open'}
          </li>
        ))}
      </ul>
      <form method="post" action={`/medewerkers/dossiers/${d.id}/verbeteracties`} class="kf-box">
        <div class="kf-field">
          <label class="utrecht-form-label" for="improvement-action">
            Nieuwe verbeteractie
          </label>
          <input class="utrecht-textbox utrecht-textbox--html-input" id="improvement-action" name="action" />
        </div>
        <div class="kf-field">
          <label class="utrecht-form-label" for="improvement-owner">
            Wie voert hem uit?
          </label>
          <select class="utrecht-select utrecht-select--html-select" id="improvement-owner" name="owner">
            {reg.roles.map((r) => (
              <option value={r.id}>{r.title}</option>
            ))}
          </select>
        </div>
        <div class="kf-field">
          <label class="utrecht-form-label" for="improvement-due">
            Klaar op (JJJJ-MM-DD)
          </label>
          <input class="utrecht-textbox utrecht-textbox--html-input" id="improvement-due" name="due" />
        </div>
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">
          Voeg toe aan het verbeterregister
        </button>
      </form>
      <ConductNotes id={d.id} notes={props.conduct} />
      <h2 class="utrecht-heading-2">Ingezien door</h2>
      <ul class="utrecht-unordered-list">
        {(d.reads ?? []).slice(-20).map((r: any) => (
          <li>
            {r.by}, {dayOf(r.at)} ({r.what})
          </li>
        ))}
      </ul>
      <h2 class="utrecht-heading-2">Brieven en berichten</h2>
      {d.letters.map((l: any) => (
        <details class="kf-box">
          <summary>
            {l.subject} aan {l.to.join(', ') || 'niemand (geen adres)'}
            {l.undeliverable.length ? ` - per post aan: ${l.undeliverable.join(', ')}` : ''}
          </summary>
          <pre class="kf-pre">{l.text}</pre>
          {l.audience === 'complainant' || l.undeliverable.length ? (
            <p class="utrecht-paragraph">
              <a class="utrecht-link" href={`/medewerkers/dossiers/${d.id}/brieven/${encodeURIComponent(l.letterId)}`}>
                Afdrukken als brief
              </a>
            </p>
          ) : null}
        </details>
      ))}
    </Layout>
  );
}

/** The regulation's registration form: derived answers shown, the rest to fill in. */
function Registration(props: { id: string; form: any }) {
  const { form } = props;
  return (
    <section>
      <h2 class="utrecht-heading-2">{form.title}</h2>
      {form.missing.length ? (
        <p class="utrecht-paragraph">Nog in te vullen: {form.missing.length} verplichte vraag/vragen.</p>
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
                {q.answer ?? 'volgt uit het dossier'}
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

const ERRORS: Record<number, string> = {
  409: 'Dat kon niet meer: het dossier is intussen verder gegaan. Bekijk de stand hieronder.',
};

// biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the pages
export function registerOfficerPages(
  app: Hono<any, any, any>,
  deps: {
    reg: Regulation;
    api: { request: (path: string, init?: RequestInit) => Response | Promise<Response> };
    now: () => Date;
    /** The ladder drawn at compile time (SVG); the current step is marked per page. Absent: no diagram. */
    ladderDiagram?: string;
    /**
     * How officers sign in. @default tokenSignIn with sessions of its own (the API must accept
     * them: the runtime passes the sessions it resolves)
     */
    signIn?: PageSignIn;
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

  const dossier = async (c: Context, message?: string, error?: string, status: 200 | 409 | 422 = 200) => {
    const res = await get(c, `/dossiers/${c.req.param('id')}`);
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status !== 200)
      return html(
        c,
        <Layout reg={reg} title="Niet gevonden">
          <h1 class="utrecht-heading-1">Dit dossier bestaat niet</h1>
        </Layout>,
        404,
      );
    const d = (await res.json()) as any;
    const svg = markCurrentStep(deps.ladderDiagram ?? '', d.currentStep?.id);
    // Readers of conduct notes get them; for everyone else the API says no, and the page shows none.
    const notes = await get(c, `/dossiers/${c.req.param('id')}/conduct-notes`);
    const conduct = notes.status === 200 ? ((await notes.json()) as { items: any[] }).items : undefined;
    return html(c, <DossierPage reg={reg} d={d} svg={svg} message={message} error={error} conduct={conduct} />, status);
  };
  app.get('/medewerkers/dossiers/:id', (c) => dossier(c, c.req.query('gedaan') ? 'Vastgelegd.' : undefined));

  app.post('/medewerkers/dossiers/:id/verbeteracties', async (c) => {
    const form = await formOf(c);
    const res = await api.request(`/dossiers/${c.req.param('id')}/improvements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        action: String(form.action ?? ''),
        owner: String(form.owner ?? ''),
        due: String(form.due ?? ''),
      }),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 200) return c.redirect(`/medewerkers/dossiers/${c.req.param('id')}?gedaan=1`, 303);
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return dossier(c, undefined, json.error?.message ?? 'Dat lukte niet.', 422);
  });

  app.post('/medewerkers/dossiers/:id/verwijtbaar', async (c) => {
    const res = await api.request(`/dossiers/${c.req.param('id')}/conduct-notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: String((await formOf(c)).text ?? '') }),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 201) return c.redirect(`/medewerkers/dossiers/${c.req.param('id')}?gedaan=1`, 303);
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return dossier(c, undefined, json.error?.message ?? 'Dat lukte niet.', 422);
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
      headers: { authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ answers }),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 200) return c.redirect(`/medewerkers/dossiers/${c.req.param('id')}?gedaan=1`, 303);
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return dossier(c, undefined, json.error?.message ?? 'Dat lukte niet.', 422);
  });

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
          }
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
    const res = await api.request(`/dossiers/${c.req.param('id')}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 200) return c.redirect(`/medewerkers/dossiers/${c.req.param('id')}?gedaan=1`, 303);
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return dossier(
      c,
      undefined,
      ERRORS[res.status] ?? json.error?.message ?? 'Dat lukte niet.',
      res.status === 409 ? 409 : 422,
    );
  });
}
