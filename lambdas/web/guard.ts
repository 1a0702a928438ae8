/**
 * The web edge's guards, in one place so every page gets them without each page knowing:
 *
 * - security headers on every answer: a Content-Security-Policy that allows no script at all and
 *   styles only from our own /assets (the pages carry no inline style), no framing
 *   (frame-ancestors 'none' and X-Frame-Options DENY), nosniff, and no Referer anywhere (the
 *   complainant's private link carries its token in the path);
 * - forgery protection for every form post (issue 14: a page on another port of the same host
 *   submitted a decision with the officer's cookie; SameSite does not separate ports). A post
 *   from a browser must come from our own origin (Fetch Metadata and Origin, when the browser sends
 *   them), and a post made with a credential (the officer's session cookie, or the complainant's
 *   token in the path) carries a token derived from that credential in a hidden field. The token
 *   is a hash of the credential: unforgeable without it, with no server secret to keep, and it
 *   works without JavaScript. `html()` (pages.tsx) puts the field into every post form;
 * - page addresses with encoded '/', '\', '.' or '?' are refused: the pages put their parameters
 *   into the path of an in-process API call, where `..%2F` would reach another route.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { OFFICER_COOKIE } from './sign-in.js';

/** The hidden form field that carries the token. */
export const CSRF_FIELD = '_csrf';
const CSRF_KEY = 'kfCsrf';

/**
 * The policy of every page: nothing runs, styles and images come from our own /assets, forms post
 * only to us (and, in AWS, to the hosted sign-out), nobody frames us.
 */
export function pageCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Standalone documents (the readable dossier copy, the report, the local mailbox) keep their
 * styles inline so they read the same when saved; they run no script and load nothing.
 */
export const DOCUMENT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Marks an answer as a standalone document (its own, stricter-in-kind policy; see DOCUMENT_CSP). */
export function documentPolicy(c: Context): void {
  c.header('Content-Security-Policy', DOCUMENT_CSP);
}

/** Security headers on every answer (a policy the route set itself is kept). */
export function securityHeaders(opts: { formTargets?: readonly string[] } = {}): MiddlewareHandler {
  const csp = pageCsp(opts.formTargets);
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    if (!h.has('Content-Security-Policy')) h.set('Content-Security-Policy', csp);
    h.set('X-Frame-Options', 'DENY');
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
  };
}

/** The form token for a credential: a hash, so the page shows nothing that signs in. */
export function csrfToken(credential: string): string {
  return createHash('sha256').update(`klachtflow-form\0${credential}`).digest('base64url');
}

/** The token the current request's forms carry (set by `formGuard`), if it has a credential. */
export function csrfTokenOf(c: Context): string | undefined {
  return (c.get as (k: string) => string | undefined)(CSRF_KEY);
}

/** Puts the hidden token field into every post form of a rendered page. */
export function withCsrfFields(html: string, token: string | undefined): string {
  if (!token) return html;
  return html.replace(
    /<form\b[^>]*\bmethod="post"[^>]*>/gi,
    (tag) => `${tag}<input type="hidden" name="${CSRF_FIELD}" value="${token}"/>`,
  );
}

/** Is this a page path (the routes people's browsers post forms to)? */
const isPage = (path: string) => path === '/klacht-indienen' || /^\/(klacht|medewerkers)(\/|$)/.test(path);

/** The credential a page request acts with: the officer's session, or the complainant's token in the path. */
function credentialOf(c: Context, path: string): string | undefined {
  if (path.startsWith('/medewerkers/')) return getCookie(c, OFFICER_COOKIE) || undefined;
  const m = /^\/klacht\/[^/]+\/([^/]+)(\/|$)/.exec(path);
  return m?.[1] && m[1] !== 'link-kwijt' ? m[1] : undefined;
}

/** Encoded characters that would change an in-process API path: / \ . ? (and % itself, double-encoded). */
const ENCODED_PATH_CHARS = /%(2f|5c|2e|3f|25|00)/i;

/** A Dutch page for a refused form post; nothing was done. */
const refusedPage = (title: string, text: string) =>
  `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><link rel="stylesheet" href="/assets/klachtflow.css"></head><body><main class="kf-main"><h1>${title}</h1><p>${text}</p></main></body></html>`;

/**
 * Refuses form posts that did not come from our own pages, and encoded path characters on page
 * routes; gives GET requests with a credential their form token.
 * `origins`: the service's own origins (from configuration, never from the request).
 */
export function formGuard(opts: { origins: () => readonly string[] }): MiddlewareHandler {
  return async (c, next) => {
    const rawPath = new URL(c.req.url).pathname;
    if (!isPage(rawPath)) return next();
    if (ENCODED_PATH_CHARS.test(rawPath)) {
      c.header('Cache-Control', 'no-store');
      return c.html(refusedPage('Niet gevonden', 'Dit adres bestaat niet. Gebruik de link zoals u hem kreeg.'), 404);
    }
    const credential = credentialOf(c, rawPath);
    const expected = credential ? csrfToken(credential) : undefined;
    if (expected) c.set(CSRF_KEY as never, expected as never);
    if (/^(GET|HEAD|OPTIONS)$/.test(c.req.method)) return next();

    const refuse = () => {
      c.header('Cache-Control', 'no-store');
      return c.html(
        refusedPage(
          'Niet verstuurd',
          'Dit formulier kwam niet van onze eigen pagina. Er is niets vastgelegd. Open de pagina opnieuw en probeer het nog eens.',
        ),
        403,
      );
    };
    // Fetch Metadata: a browser says where the post came from; only our own pages may post.
    // Without it (an older browser), the Origin, when sent, must be ours exactly: another port of
    // the same host is another origin. "null" is what a browser sends for our own pages too, as
    // they ask for no referrer; the form token below covers every post made with a credential.
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    if (site !== undefined) {
      if (site !== 'same-origin' && site !== 'none') return refuse();
    } else if (origin !== undefined && origin !== 'null' && !opts.origins().includes(origin)) return refuse();
    // With a credential, the form's token must match it.
    if (expected) {
      let given = '';
      try {
        const body = await c.req.parseBody();
        given = typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : '';
      } catch {
        given = '';
      }
      const a = Buffer.from(given);
      const b = Buffer.from(expected);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return refuse();
    }
    return next();
  };
}

/** The in-process API the pages call. */
export interface InProcessApi {
  request: (path: string, init?: RequestInit, env?: object) => Response | Promise<Response>;
}

/**
 * The in-process API as the pages use it: a path that the URL parser would change (dot segments,
 * backslashes, a fragment) is answered 404 instead of reaching another route.
 */
export function guardedApi(api: InProcessApi): InProcessApi {
  return {
    request: (path, init, env) => {
      const asked = path.split('?')[0] ?? path;
      const parsed = new URL(path, 'http://in-process');
      if (parsed.pathname !== asked || parsed.hash || path.includes('\\'))
        return new Response(JSON.stringify({ error: { message: 'Deze route bestaat niet.', issues: [] } }), {
          status: 404,
          headers: { 'content-type': 'application/json' },
        });
      return api.request(path, init, env);
    },
  };
}
