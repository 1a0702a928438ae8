/**
 * How officers sign in to their pages, behind one small interface so the place decides by
 * configuration: locally the runtime's per-role tokens typed into a form (`tokenSignIn` in
 * officer-pages.tsx); in AWS the Cognito hosted sign-in (`cognitoSignIn` in cognito-sign-in.tsx).
 * Either way the session ends up in the OFFICER_COOKIE, which the pages hand to the API as a
 * bearer credential.
 */
import type { Hono } from 'hono';
import type { Regulation } from '../../statemachines/model.js';

/** The cookie that holds an officer's session (a token the API accepts as `Bearer`). */
export const OFFICER_COOKIE = 'kf_officer';

/** Paths of the Cognito sign-in, relative to PUBLIC_URL (the stack registers them with the client). */
export const SIGN_IN_PATHS = {
  /** Where the hosted sign-in returns with a code. */
  callback: '/medewerkers/aangemeld',
  /** Where the hosted sign-out returns. */
  signedOut: '/medewerkers/afgemeld',
} as const;

/** The in-process API the pages call. */
export interface PagesApi {
  request: (path: string, init?: RequestInit) => Response | Promise<Response>;
}

export interface PageSignIn {
  /**
   * Registers the entry `/medewerkers` (to the worklist with a session, to the sign-in without),
   * the routes that start and finish a sign-in, and `POST /medewerkers/uitloggen`.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the pages
  register(app: Hono<any, any, any>, deps: { reg: Regulation; api: PagesApi }): void;
}
