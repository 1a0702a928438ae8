/**
 * The page frame for everything people read: plain HTML that works without JavaScript and on a
 * 360 px screen, styled with the Utrecht component library (NL Design System) and its tokens.
 * hono/jsx escapes every value: nothing a person typed can become markup.
 */
import type { Child } from 'hono/jsx';
import type { Regulation } from '../../statemachines/model.js';

/** The officers' own places, in the header of their pages. */
const OFFICER_NAV: [string, string][] = [
  ['/medewerkers/werklijst', 'Werklijst'],
  ['/medewerkers/verbeterregister', 'Verbeterregister'],
  ['/medewerkers/rapportage', 'Rapportage'],
  ['/medewerkers/postvak', 'Postvak'],
];

export function Layout(props: {
  reg: Regulation;
  title: string;
  error?: boolean;
  /**
   * An officer's page (signed in): the officers' menu in the header, and no public footer (its
   * "Vragen? Bel ..." is for complainants, not for the people who answer that phone).
   */
  officer?: boolean | 'signed-out';
  children: Child;
}) {
  const { reg } = props;
  const c = reg.organisation.contact;
  return (
    <html lang="nl">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.error ? 'Fout: ' : ''}${props.title} - ${reg.organisation.name}`}</title>
        <link rel="stylesheet" href="/assets/tokens.css" />
        <link rel="stylesheet" href="/assets/utrecht.css" />
        <link rel="stylesheet" href="/assets/klachtflow.css" />
      </head>
      <body class="utrecht-theme utrecht-document utrecht-page-body">
        <a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">
          Naar de inhoud
        </a>
        <header class="utrecht-page-header kf-header">
          <p class="kf-org">{reg.organisation.name}</p>
          {props.officer === true ? (
            <nav class="kf-nav" aria-label="Medewerkers">
              <ul>
                {OFFICER_NAV.map(([href, text]) => (
                  <li>
                    <a class="utrecht-link" href={href}>
                      {text}
                    </a>
                  </li>
                ))}
                <li>
                  <form method="post" action="/medewerkers/uitloggen">
                    <button type="submit" class="utrecht-button utrecht-button--subtle kf-link-button">
                      Uitloggen
                    </button>
                  </form>
                </li>
              </ul>
            </nav>
          ) : null}
        </header>
        <main id="inhoud" class="utrecht-page-content kf-main" tabindex={-1}>
          {props.children}
        </main>
        {props.officer ? null : (
          <footer class="utrecht-page-footer kf-footer">
            <p class="utrecht-paragraph">
              Vragen? {c.phone ? `Bel ${c.phone}` : ''}
              {c.phone && c.email ? ' of mail ' : c.email ? 'Mail ' : ''}
              {c.email ? (
                <a class="utrecht-link" href={`mailto:${c.email}`}>
                  {c.email}
                </a>
              ) : null}
            </p>
          </footer>
        )}
      </body>
    </html>
  );
}

/**
 * A reference (KL-2026-0001) on one line: read, typed and said over the phone as one thing, never
 * "KL-2026-" with "0001" below it, as Chromium breaks after a hyphen at 390 px (review of session 11).
 */
export function Ref(props: { children: unknown }) {
  return <span class="kf-ref">{props.children}</span>;
}

/** A letter's text as the page shows it, each reference in it on one line (Ref). */
export function withRefs(text: string): unknown[] {
  return text.split(/(\bKL-\d{4}-\d{4,}\b)/).map((part, i) => (i % 2 ? <Ref>{part}</Ref> : part));
}

/**
 * A line at the top of a page: what went wrong (an alert, read out at once) or what was just done
 * (a status). Nothing when there is no text.
 */
export function Notice(props: { kind: 'error' | 'status'; text?: string | undefined }) {
  if (!props.text) return null;
  return props.kind === 'error' ? (
    <div class="kf-summary" role="alert">
      <p class="utrecht-paragraph">{props.text}</p>
    </div>
  ) : (
    <div class="kf-box" role="status">
      <p class="utrecht-paragraph">{props.text}</p>
    </div>
  );
}

/** Our few rules on top of the Utrecht components: width, spacing, the error marks. */
export const KLACHTFLOW_CSS = `
body { margin: 0; }
.kf-main { max-width: 40rem; margin: 0 auto; padding: 1rem; box-sizing: border-box; overflow-wrap: anywhere; }
.kf-main:focus { outline: none; }
.kf-header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; }
.kf-link-button { min-block-size: 0; padding: 0; }
.kf-nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0; padding: 0.5rem 1rem; }
.kf-main h2 { margin-block-start: 2.5rem; padding-block-start: 1rem; border-block-start: 1px solid #c4c4c4; }
.kf-main h1 + h2, .kf-box h2, .kf-summary h2 { margin-block-start: 0; padding-block-start: 0; border: 0; }
.kf-main h3 { margin-block-start: 1.5rem; }
.kf-choice input[type="checkbox"], .kf-choice input[type="radio"] { inline-size: 1.5rem; block-size: 1.5rem; flex: none; margin: 0; }
.kf-list { list-style: none; padding: 0; margin: 0; }
.kf-item { border: 1px solid #8c8c8c; padding: 0.75rem 1rem; margin-block: 0.75rem; }
.kf-item--late { border-inline-start: 6px solid #b00020; }
.kf-item--soon { border-inline-start: 6px solid #8a6d00; }
.kf-item p { margin: 0.25rem 0; }
.kf-tag { display: inline-block; border: 2px solid currentColor; padding: 0 0.4rem; font-weight: bold; margin-inline-end: 0.5rem; }
.kf-facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: 0.25rem 1rem; margin: 0; }
.kf-facts dt { font-weight: bold; }
.kf-facts dd { margin: 0; }
@media (max-width: 30rem) { .kf-facts { grid-template-columns: 1fr; } .kf-facts dd { margin-block-end: 0.5rem; } }
.kf-steps li { margin-block: 0.25rem; }
.kf-current { font-weight: bold; }
.kf-table-wrap { overflow-x: auto; }
.kf-charts figure, .kf-chart { margin: 1.5rem 0; }
.kf-chart figcaption { font-weight: bold; margin-block-end: 0.25rem; }
.kf-pre { white-space: pre-wrap; font: inherit; margin: 0; }
.kf-org { font-weight: bold; padding: 0.5rem 1rem; margin: 0; }
.kf-footer { padding: 1rem; }
.kf-field { margin-block-end: 1.5rem; }
/* One form per way on: buttons that touch read as one; a tap must hit the one meant (WCAG 2.5.8). */
.kf-choose { margin-block: 0.75rem; }
.kf-field .utrecht-textbox, .kf-field .utrecht-textarea { max-width: 100%; box-sizing: border-box; }
.kf-date { display: flex; gap: 0.75rem; }
.kf-date .utrecht-textbox { width: 5rem; }
.kf-date .kf-year { width: 7rem; }
.kf-error { color: #b00020; font-weight: bold; }
.kf-invalid { border-inline-start: 4px solid #b00020; padding-inline-start: 0.75rem; }
.kf-summary { border: 3px solid #b00020; padding: 1rem; margin-block-end: 1.5rem; }
.kf-hint { color: #4b4b4b; }
.kf-choice { display: flex; gap: 0.5rem; align-items: flex-start; margin-block: 0.5rem; }
.kf-reference { font-size: 1.5rem; font-weight: bold; }
.kf-ref { white-space: nowrap; }
.kf-box { border: 1px solid #8c8c8c; padding: 1rem; margin-block: 1rem; overflow-wrap: anywhere; }
.kf-box > :first-child { margin-block-start: 0; }
.kf-pre { white-space: pre-wrap; font: inherit; }
`;

/** A letter printed to be posted (record-page.tsx): A4 margins, sender right, the address block. */
export const LETTER_PRINT_CSS = `
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.45; margin: 2cm; color: #000; }
.sender { text-align: right; font-size: 9pt; }
.addressee { margin-block: 1.5cm 1cm; }
.meta { margin-block-end: 0.8cm; }
pre { white-space: pre-wrap; font: inherit; }
.screen-only { border: 1px solid #555; padding: 0.5rem; margin-block-end: 1rem; }
@media print { .screen-only { display: none; } body { margin: 0; } }
`;
