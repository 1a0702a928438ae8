/**
 * The officers' reports page: the figures the regulation asks for over a period chosen on the
 * page (a year, a half year, or two dates typed the Dutch way), with the charts, and the same
 * report to download as CSV, HTML or JSON. It reads GET /reports as the signed-in officer, so it
 * shows exactly what the API's anonymised report holds: no names, contact details or free text.
 */
import type { Context, Hono } from 'hono';
import type { Temporal } from 'temporal-polyfill';
import type { Regulation } from '../../statemachines/model.js';
import { localDate } from '../domain/calendar/deadline.js';
import { improvementLines, type Report, reportCharts, reportDay, reportSummary } from '../domain/report.js';
import { parseDutchDate, shortDutchDate } from './dutch-date.js';
import { Layout } from './layout.js';
import { ErrorSummary, type Errors, html, Text, type Values } from './pages.js';

type Call = (c: Context, path: string, init?: RequestInit) => Promise<Response>;

/** The periods offered as one click: this and last year, this and last half year. */
export function periods(today: Temporal.PlainDate): { id: string; title: string; from: string; to: string }[] {
  const y = today.year;
  const firstHalf = today.month <= 6;
  const half = (year: number, first: boolean) => ({
    from: `${year}-${first ? '01-01' : '07-01'}`,
    to: `${year}-${first ? '06-30' : '12-31'}`,
  });
  return [
    { id: 'dit-jaar', title: `Dit jaar (${y})`, from: `${y}-01-01`, to: `${y}-12-31` },
    { id: 'vorig-jaar', title: `Vorig jaar (${y - 1})`, from: `${y - 1}-01-01`, to: `${y - 1}-12-31` },
    { id: 'dit-halfjaar', title: `Dit halfjaar`, ...half(y, firstHalf) },
    { id: 'vorig-halfjaar', title: `Vorig halfjaar`, ...(firstHalf ? half(y - 1, false) : half(y, true)) },
  ];
}

function ReportPage(props: {
  reg: Regulation;
  values: Values;
  errors: Errors;
  report?: Report;
  query?: string;
  today: Temporal.PlainDate;
}) {
  const { reg, report, values, errors } = props;
  const failed = Object.keys(errors).length > 0;
  return (
    <Layout reg={reg} title="Rapportage" error={failed} officer>
      <ErrorSummary errors={errors} />
      <h1 class="utrecht-heading-1">Rapportage</h1>
      <p class="utrecht-paragraph">
        De klachten die binnenkwamen in een periode, zoals de klachtenregeling het overzicht vraagt. Zonder namen,
        contactgegevens of vrije tekst; groepen kleiner dan 5 zijn samengevoegd.
      </p>
      <h2 class="utrecht-heading-2">Periode</h2>
      <ul class="utrecht-unordered-list">
        {periods(props.today).map((p) => (
          <li>
            <a
              class="utrecht-link"
              href={`/medewerkers/rapportage?van=${shortDutchDate(p.from)}&tot=${shortDutchDate(p.to)}`}
            >
              {p.title}
            </a>
          </li>
        ))}
      </ul>
      <form method="get" action="/medewerkers/rapportage" novalidate class="kf-box">
        <Text id="van" label="Van" hint="Bijvoorbeeld 01-01-2026." values={values} errors={errors} />
        <Text id="tot" label="Tot en met" hint="Bijvoorbeeld 31-12-2026." values={values} errors={errors} />
        <button type="submit" class="utrecht-button utrecht-button--primary-action">
          Toon de rapportage
        </button>
      </form>
      {report ? (
        <>
          <h2 class="utrecht-heading-2">
            Van {reportDay(report.period.from)} tot en met {reportDay(report.period.to)}
          </h2>
          <p class="utrecht-paragraph">{reportSummary(report)}</p>
          {/* The charts are built by lambdas/domain/report.ts, which escapes every label. */}
          <div class="kf-charts" dangerouslySetInnerHTML={{ __html: reportCharts(report).join('') }} />
          <h2 class="utrecht-heading-2">Termijnen per stap</h2>
          <ul class="utrecht-unordered-list">
            {report.deadlines.map((d) => (
              <li>
                {d.title}: {d.met} gehaald, {d.metAfterExtension} gehaald na verlenging, {d.late} te laat afgerond,{' '}
                {d.breached} verstreken zonder besluit, {d.open} {d.open === 1 ? 'loopt' : 'lopen'} nog
              </li>
            ))}
          </ul>
          <h2 class="utrecht-heading-2">Termijn stilgezet (opgeschort)</h2>
          {report.suspendedDays?.length ? (
            <ul class="utrecht-unordered-list">
              {report.suspendedDays.map((x) => (
                <li>
                  {x.title}: {x.suspensions} {x.suspensions === 1 ? 'keer' : 'keren'}, samen {x.days}{' '}
                  {x.days === 1 ? 'dag' : 'dagen'}
                </li>
              ))}
            </ul>
          ) : (
            <p class="utrecht-paragraph">In deze periode stond geen termijn stil.</p>
          )}
          <h2 class="utrecht-heading-2">Verbeteracties</h2>
          {report.improvementActions.length ? (
            <ul class="utrecht-unordered-list">
              {improvementLines(report).map((l) => (
                <li>{l}</li>
              ))}
            </ul>
          ) : (
            <p class="utrecht-paragraph">Geen verbeteracties uit deze klachten.</p>
          )}
          <h2 class="utrecht-heading-2">Downloaden</h2>
          <ul class="utrecht-unordered-list">
            <li>
              <a class="utrecht-link" href={`/medewerkers/rapportage/download?${props.query}&vorm=csv`}>
                Als spreadsheet (CSV)
              </a>
            </li>
            <li>
              <a class="utrecht-link" href={`/medewerkers/rapportage/download?${props.query}&vorm=html`}>
                Als webpagina met grafieken (HTML)
              </a>
            </li>
            <li>
              <a class="utrecht-link" href={`/medewerkers/rapportage/download?${props.query}&vorm=json`}>
                Als gegevens (JSON)
              </a>
            </li>
          </ul>
        </>
      ) : null}
    </Layout>
  );
}

/** The period asked for: both dates typed the Dutch way, or this year so far when none. */
function periodOf(
  query: Record<string, string | undefined>,
  today: Temporal.PlainDate,
): { values: Values; errors: Errors; from?: string; to?: string } {
  const values: Values = {
    van: query.van?.trim() || shortDutchDate(`${today.year}-01-01`),
    tot: query.tot?.trim() || shortDutchDate(today.toString()),
  };
  const errors: Errors = {};
  const from = parseDutchDate(values.van);
  const to = parseDutchDate(values.tot);
  if (!from) errors.van = 'Vul een bestaande datum in, bijvoorbeeld 01-01-2026.';
  if (!to) errors.tot = 'Vul een bestaande datum in, bijvoorbeeld 31-12-2026.';
  if (from && to && to < from) errors.tot = 'Deze datum ligt voor de begindatum. Kies een latere datum.';
  return Object.keys(errors).length ? { values, errors } : { values, errors, from, to };
}

// biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the pages
export function registerReportPage(app: Hono<any, any, any>, deps: { reg: Regulation; call: Call; now: () => Date }) {
  const { reg, call } = deps;
  const today = () => localDate(deps.now().toISOString());

  app.get('/medewerkers/rapportage', async (c) => {
    const p = periodOf(c.req.query(), today());
    if (!p.from || !p.to) {
      // Signed in? An empty worklist page costs nothing and tells.
      const probe = await call(c, '/dossiers?limit=1');
      if (probe.status === 401) return c.redirect('/medewerkers', 303);
      return html(c, <ReportPage reg={reg} values={p.values} errors={p.errors} today={today()} />, 422);
    }
    const res = await call(c, `/reports?from=${p.from}&to=${p.to}`);
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status !== 200) throw new Error(`report: ${res.status}`);
    const report = (await res.json()) as Report;
    const query = new URLSearchParams({ van: p.values.van ?? '', tot: p.values.tot ?? '' }).toString();
    return html(
      c,
      <ReportPage reg={reg} values={p.values} errors={{}} report={report} query={query} today={today()} />,
    );
  });

  app.get('/medewerkers/rapportage/download', async (c) => {
    const p = periodOf(c.req.query(), today());
    const format = ['csv', 'html', 'json'].includes(c.req.query('vorm') ?? '') ? c.req.query('vorm') : 'csv';
    if (!p.from || !p.to) return c.redirect(`/medewerkers/rapportage?${new URLSearchParams(p.values)}`, 303);
    const res = await call(c, `/reports?from=${p.from}&to=${p.to}&format=${format}`);
    if (res.status === 401) return c.redirect('/medewerkers', 303);
    if (res.status !== 200) throw new Error(`report: ${res.status}`);
    const name = `klachtenrapportage-${reg.id}-${p.from}-${p.to}.${format}`;
    return new Response(await res.text(), {
      status: 200,
      headers: {
        'content-type': res.headers.get('content-type') ?? 'application/octet-stream',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      },
    });
  });
}
