/**
 * How officers sign in to their pages, behind one small interface so the place decides by
 * configuration: locally the runtime's per-role tokens typed into a form (`tokenSignIn` in
 * officer-pages.tsx); in AWS the Cognito hosted sign-in (`cognitoSignIn` in cognito-sign-in.tsx).
 * Either way the session ends up in the OFFICER_COOKIE, which the pages hand to the API as a
 * bearer credential.
 */
import { randomBytes } from 'node:crypto';
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

/**
 * The local runtime's officer sessions: each sign-in with a role's code gets a session of its own,
 * and the cookie holds only the session's id, never the code. Signing out ends the session, so the
 * cookie is worthless afterwards (in AWS the Cognito flow does the same with its own tokens).
 * Kept in memory: a restart of the runtime signs everyone out.
 */
export class OfficerSessions {
  private readonly sessions = new Map<string, { code: string; until: number }>();

  constructor(
    /** How long a session lasts without signing in again: a working day. */
    private readonly seconds = 12 * 3600,
    /** At most this many at once; the oldest go first (a bound on memory, not a rule). */
    private readonly max = 10_000,
  ) {}

  /** A new session for a role's code; its id goes in the cookie. */
  start(code: string, now = Date.now()): string {
    if (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { code, until: now + this.seconds * 1000 });
    return id;
  }

  /** The role's code behind a live session, or undefined (unknown, ended or expired). */
  codeOf(id: string | undefined, now = Date.now()): string | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.until <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    return s.code;
  }

  /** Ends a session (sign-out). */
  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }
}
