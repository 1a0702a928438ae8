/**
 * Officer pages for complaints by e-mail: the postvak (mail held for an officer, with the three
 * decisions as plain forms, no JavaScript), the dossier's attachments and missing fields, and
 * downloads through the officer's sign-in cookie. They call the routes of lambdas/inbound-routes.ts
 * in-process, like the other officer pages call the API.
 */
import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Regulation } from '../../statemachines/model.js';
import { dayOf, FIELD_NAMES_NL } from '../domain/letters.js';
import type { HeldMail } from '../domain/ports.js';
import { Layout, Notice } from './layout.js';
import { formOf, html } from './pages.js';

const COOKIE = 'kf_officer';

const field = (id: string, label: string, opts: { type?: string; hint?: string } = {}) => (
  <div class="kf-field utrecht-form-field">
    <label class="utrecht-form-label" for={id}>
      {label}
    </label>
    {opts.hint ? (
      <p class="kf-hint" id={`${id}-hint`}>
        {opts.hint}
      </p>
    ) : null}
    <input
      class="utrecht-textbox utrecht-textbox--html-input"
      id={id}
      name={id.replace(/^.*?__/, '')}
      type={opts.type ?? 'text'}
      {...(opts.hint ? { 'aria-describedby': `${id}-hint` } : {})}
    />
  </div>
);

/** A held mail as the API gives it to officers (lambdas/inbound-routes.ts, heldJson): the reasons in words too. */
type HeldJson = HeldMail & { reasonsText: string[] };

function HeldItem(props: { m: HeldJson }) {
  const { m } = props;
  const p = (name: string) => `h${m.id}__${name}`;
  return (
    <article class="kf-box">
      <h2 class="utrecht-heading-2">{m.subject || '(geen onderwerp)'}</h2>
      <p class="utrecht-paragraph">
        Ontvangen {dayOf(m.receivedAt)}
        {m.from?.address ? ` van ${m.from.name ? `${m.from.name} ` : ''}<${m.from.address}>` : ', afzender onbekend'}.{' '}
        <a class="utrecht-link" href={`/medewerkers/postvak/${m.id}/mail.eml`}>
          Oorspronkelijke mail downloaden
        </a>
      </p>
      <p class="utrecht-paragraph">Waarom deze mail wacht:</p>
      <ul class="utrecht-unordered-list">
        {m.reasonsText.map((r: string) => (
          <li>{r}</li>
        ))}
      </ul>
      {m.text ? <pre class="kf-pre">{m.text.slice(0, 3000)}</pre> : null}
      {m.attachments.length ? (
        <p class="utrecht-paragraph">
          Bijlagen: {m.attachments.map((a) => `${a.filename} (${Math.ceil(a.size / 1024)} kB)`).join(', ')}
        </p>
      ) : null}
      <details>
        <summary>Vastleggen als klacht</summary>
        <form method="post" action={`/medewerkers/postvak/${m.id}/vastleggen`}>
          <p class="utrecht-paragraph">Ontvangen op het moment van de mail. Laat leeg wat uit de mail mag komen.</p>
          {field(p('name'), 'Naam (niet verplicht)')}
          {field(p('email'), 'E-mailadres (niet verplicht)', { type: 'email' })}
          {field(p('street'), 'Straat en huisnummer (niet verplicht)')}
          {field(p('postcode'), 'Postcode (niet verplicht)')}
          {field(p('city'), 'Plaats (niet verplicht)')}
          <div class="kf-field utrecht-form-field">
            <label class="utrecht-form-label" for={p('description')}>
              Omschrijving (niet verplicht als de mail tekst heeft)
            </label>
            <textarea class="utrecht-textarea" id={p('description')} name="description" rows={4} />
          </div>
          <button type="submit" class="utrecht-button utrecht-button--primary-action">
            Leg vast als klacht
          </button>
        </form>
      </details>
      <details>
        <summary>Toevoegen aan een dossier</summary>
        <form method="post" action={`/medewerkers/postvak/${m.id}/toevoegen`}>
          {field(p('reference'), 'Kenmerk van het dossier', { hint: 'Bijvoorbeeld KL-2026-0001.' })}
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">
            Voeg toe aan het dossier
          </button>
        </form>
      </details>
      <details>
        <summary>Terzijde leggen</summary>
        <form method="post" action={`/medewerkers/postvak/${m.id}/terzijde`}>
          {field(p('reason'), 'Reden', { hint: 'Waarom is dit geen klacht? De mail blijft bewaard.' })}
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">
            Leg terzijde
          </button>
        </form>
      </details>
    </article>
  );
}

function Postvak(props: { reg: Regulation; items: HeldJson[]; message?: string; error?: string }) {
  return (
    <Layout reg={props.reg} title="Postvak" error={!!props.error} officer>
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href="/medewerkers/werklijst">
          Terug naar de werklijst
        </a>
      </p>
      <Notice kind="error" text={props.error} />
      <Notice kind="status" text={props.message} />
      <h1 class="utrecht-heading-1">Postvak</h1>
      <p class="utrecht-paragraph">
        E-mails die niet vanzelf een klacht werden. Beslis per mail: vastleggen als klacht, toevoegen aan een dossier,
        of terzijde leggen met een reden.
      </p>
      {props.items.length === 0 ? <p class="utrecht-paragraph">Er wachten geen e-mails.</p> : null}
      {props.items.map((m) => (
        <HeldItem m={m} />
      ))}
    </Layout>
  );
}

/** On the dossier page: what came by e-mail (attachments) and what is still missing. */
export function MailSection(props: { d: any }) {
  const { d } = props;
  const missing: string[] = d.incomplete ?? [];
  const attachments: any[] = d.attachments ?? [];
  if (!missing.length && !attachments.length) return null;
  return (
    <>
      {missing.length ? (
        <div class="kf-box">
          <h2 class="utrecht-heading-2">Gegevens ontbreken</h2>
          <ul class="utrecht-unordered-list">
            {missing.map((m) => (
              <li>{FIELD_NAMES_NL[m] ?? m}</li>
            ))}
          </ul>
          {d.incompleteAsked ? (
            <p class="utrecht-paragraph">
              Gevraagd op {dayOf(d.incompleteAsked.at)}, antwoord uiterlijk {dayOf(d.incompleteAsked.replyBy)}.
            </p>
          ) : null}
          <form method="post" action={`/medewerkers/dossiers/${d.id}/aanvulling-vragen`}>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">
              Vraag de klager per brief om deze gegevens
            </button>
          </form>
        </div>
      ) : null}
      {attachments.length ? (
        <>
          <h2 class="utrecht-heading-2">Bijlagen</h2>
          <ul class="utrecht-unordered-list">
            {attachments.map((a) => (
              <li>
                <a class="utrecht-link" href={`/medewerkers/dossiers/${d.id}/bijlagen/${a.sha256}`}>
                  {a.filename}
                </a>{' '}
                ({a.contentType}, {Math.ceil(a.size / 1024)} kB, ontvangen {dayOf(a.at)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function registerPostvakPages(
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the pages
  app: Hono<any, any, any>,
  deps: { reg: Regulation; api: { request: (path: string, init?: RequestInit) => Response | Promise<Response> } },
) {
  const { reg, api } = deps;
  const auth = (c: Context) => ({ authorization: `Bearer ${getCookie(c, COOKIE) ?? ''}` });
  const post = (c: Context, path: string, body: unknown) =>
    api.request(path, {
      method: 'POST',
      headers: { ...auth(c), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const page = async (c: Context, message?: string, error?: string, status: 200 | 409 | 422 = 200) => {
    const res = await api.request('/inbound-mail?status=held', { headers: auth(c) });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    const items = res.status === 200 ? ((await res.json()) as { items: HeldJson[] }).items : [];
    const off = res.status === 404 ? 'Klachten per e-mail staan voor deze organisatie niet aan.' : undefined;
    return html(c, <Postvak reg={reg} items={items} message={message ?? off} error={error} />, status);
  };
  const after = async (c: Context, res: Response, done: string) => {
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status < 300) return c.redirect(`/medewerkers/postvak?gedaan=${encodeURIComponent(done)}`, 303);
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return page(c, undefined, json.error?.message ?? 'Dat lukte niet.', res.status === 409 ? 409 : 422);
  };

  app.get('/medewerkers/postvak', (c) => page(c, c.req.query('gedaan') || undefined));

  app.post('/medewerkers/postvak/:id/vastleggen', async (c) => {
    const f = await formOf(c);
    const t = (k: string) => (f[k] ?? '').trim();
    const address = {
      ...(t('street') ? { street: t('street') } : {}),
      ...(t('postcode') ? { postcode: t('postcode') } : {}),
      ...(t('city') ? { city: t('city') } : {}),
    };
    const body = {
      ...(t('name') ? { name: t('name') } : {}),
      ...(t('email') ? { email: t('email') } : {}),
      ...(Object.keys(address).length ? { address } : {}),
      ...(t('description') ? { description: t('description') } : {}),
    };
    const res = await post(c, `/inbound-mail/${c.req.param('id')}/register`, body);
    if (res.status === 201) {
      const r = (await res.json()) as { dossierId: string };
      return c.redirect(`/medewerkers/dossiers/${r.dossierId}?gedaan=1`, 303);
    }
    return after(c, res, 'Vastgelegd.');
  });
  app.post('/medewerkers/postvak/:id/toevoegen', async (c) => {
    const f = await formOf(c);
    return after(
      c,
      await post(c, `/inbound-mail/${c.req.param('id')}/attach`, { reference: (f.reference ?? '').trim() }),
      'Toegevoegd aan het dossier.',
    );
  });
  app.post('/medewerkers/postvak/:id/terzijde', async (c) => {
    const f = await formOf(c);
    return after(
      c,
      await post(c, `/inbound-mail/${c.req.param('id')}/discard`, { reason: f.reason ?? '' }),
      'Terzijde gelegd.',
    );
  });

  const download = async (c: Context, path: string) => {
    const res = await api.request(path, { headers: auth(c) });
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status !== 200) return c.text('Niet gevonden.', 404);
    return new Response(res.body, { status: 200, headers: res.headers });
  };
  app.get('/medewerkers/postvak/:id/mail.eml', (c) => download(c, `/inbound-mail/${c.req.param('id')}/raw`));
  app.get('/medewerkers/dossiers/:id/bijlagen/:sha', (c) =>
    download(c, `/dossiers/${c.req.param('id')}/attachments/${c.req.param('sha')}`),
  );
  app.post('/medewerkers/dossiers/:id/aanvulling-vragen', async (c) => {
    const res = await post(c, `/dossiers/${c.req.param('id')}/missing-information`, {});
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status === 200) return c.redirect(`/medewerkers/dossiers/${c.req.param('id')}?gedaan=1`, 303);
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return html(
      c,
      <Layout reg={reg} title="Fout: niet gelukt" error officer>
        <div class="kf-summary" role="alert">
          <p class="utrecht-paragraph">{json.error?.message ?? 'Dat lukte niet.'}</p>
        </div>
        <p class="utrecht-paragraph">
          <a class="utrecht-link" href={`/medewerkers/dossiers/${c.req.param('id')}`}>
            Terug naar het dossier
          </a>
        </p>
      </Layout>,
      422,
    );
  });
}
