/**
 * Officer sign-in in AWS: the Cognito hosted sign-in (OAuth 2.0 authorization code grant with
 * PKCE, a public client: no secret to keep). `/medewerkers` without a valid session sends the
 * browser to the hosted sign-in with a fresh state and code challenge (kept in a short-lived
 * HttpOnly cookie); the callback checks the state, exchanges the code at the token endpoint,
 * verifies the ID token (aws-jwt-verify: signature against the pool's JWKS, issuer, audience =
 * the client, token_use = id, expiry) and keeps it in a Secure, HttpOnly, SameSite=Lax session
 * cookie. The pages send that cookie to the API as a bearer token and the API verifies it again
 * (`identify`). Sign-out clears the cookie and ends the Cognito session too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Regulation } from '../../statemachines/model.js';
import { parseGroups } from '../api.js';
import { Layout } from './layout.js';
import { html } from './pages.js';
import { OFFICER_COOKIE, type PageSignIn, SIGN_IN_PATHS } from './sign-in.js';

/** The state and PKCE verifier of a sign-in under way. */
const PENDING_COOKIE = 'kf_signin';
const PENDING_SECONDS = 600;

export interface CognitoSignInConfig {
  /** The user pool, e.g. `eu-west-1_AbCdEf123` (its region and issuer follow from it). */
  readonly userPoolId: string;
  /** The app client the officers' pages sign in with. */
  readonly clientId: string;
  /** The hosted sign-in's base URL, e.g. `https://klachtflow-x.auth.eu-west-1.amazoncognito.com`. */
  readonly domainUrl: string;
  /** Where the service lives (PUBLIC_URL); the callback and sign-out URLs are under it. */
  readonly publicUrl: string;
}

/** The settings from the environment the stack sets on the API function. */
export function cognitoConfigFromEnv(env: NodeJS.ProcessEnv = process.env): CognitoSignInConfig {
  const get = (name: string) => {
    const v = env[name];
    if (!v) throw new Error(`Environment variable ${name} is not set`);
    return v;
  };
  return {
    userPoolId: get('COGNITO_USER_POOL_ID'),
    clientId: get('COGNITO_CLIENT_ID'),
    domainUrl: get('COGNITO_DOMAIN_URL'),
    publicUrl: get('PUBLIC_URL'),
  };
}

const base64url = (b: Buffer) => b.toString('base64url');

/** The officer of a verified token: the subject, and the roles from the Cognito groups. */
export interface SignedInOfficer {
  sub: string;
  roles: string[];
}

export interface CognitoSignIn extends PageSignIn {
  /** The officer behind an ID token, or undefined when it is not a valid token of this client. */
  identify(token: string | undefined): Promise<SignedInOfficer | undefined>;
  /** The hosted sign-in URL for a state and code challenge. */
  authorizeUrl(state: string, codeChallenge: string): string;
}

/**
 * The Cognito hosted sign-in. `options.jwksCache` replaces where the pool's public keys come
 * from (tests serve them on 127.0.0.1); `options.fetch` the HTTP client of the token exchange.
 */
export function cognitoSignIn(
  config: CognitoSignInConfig,
  options: { jwksCache?: JwksCache; fetch?: typeof fetch } = {},
): CognitoSignIn {
  const domain = config.domainUrl.replace(/\/$/, '');
  const publicUrl = config.publicUrl.replace(/\/$/, '');
  const redirectUri = `${publicUrl}${SIGN_IN_PATHS.callback}`;
  const http = options.fetch ?? fetch;
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: config.userPoolId, tokenUse: 'id', clientId: config.clientId },
    options.jwksCache ? { jwksCache: options.jwksCache } : undefined,
  );

  const identify: CognitoSignIn['identify'] = async (token) => {
    if (!token) return undefined;
    try {
      const payload = await verifier.verify(token);
      return { sub: String(payload.sub), roles: parseGroups(payload['cognito:groups']) };
    } catch {
      return undefined; // forged, expired, another pool or client, an access token: no officer
    }
  };

  const authorizeUrl: CognitoSignIn['authorizeUrl'] = (state, codeChallenge) => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: redirectUri,
      scope: 'openid email',
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
    return `${domain}/oauth2/authorize?${q}`;
  };

  const cookieOptions = (maxAge: number) =>
    ({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/medewerkers', maxAge }) as const;

  /** Off to the hosted sign-in, with a fresh state and PKCE verifier remembered in a cookie. */
  const startSignIn = (c: Context) => {
    const state = base64url(randomBytes(24));
    const codeVerifier = base64url(randomBytes(32));
    const challenge = base64url(createHash('sha256').update(codeVerifier).digest());
    deleteCookie(c, OFFICER_COOKIE, { path: '/medewerkers' });
    setCookie(c, PENDING_COOKIE, `${state}.${codeVerifier}`, cookieOptions(PENDING_SECONDS));
    c.header('Cache-Control', 'no-store');
    return c.redirect(authorizeUrl(state, challenge), 302);
  };

  const failed = (c: Context, reg: Regulation, message: string) =>
    html(
      c,
      <Layout reg={reg} title="Inloggen mislukt" error>
        <h1 class="utrecht-heading-1">Inloggen is niet gelukt</h1>
        <p class="utrecht-paragraph">{message}</p>
        <p class="utrecht-paragraph">
          <a class="utrecht-link" href="/medewerkers">
            Opnieuw inloggen
          </a>
        </p>
      </Layout>,
      401,
    );

  return {
    identify,
    authorizeUrl,
    register(app, { reg }) {
      app.get('/medewerkers', async (c) =>
        (await identify(getCookie(c, OFFICER_COOKIE))) ? c.redirect('/medewerkers/werklijst', 303) : startSignIn(c),
      );

      app.get(SIGN_IN_PATHS.callback, async (c) => {
        const [state, codeVerifier] = (getCookie(c, PENDING_COOKIE) ?? '').split('.');
        deleteCookie(c, PENDING_COOKIE, { path: '/medewerkers' });
        const code = c.req.query('code');
        if (!state || !codeVerifier || c.req.query('state') !== state || !code)
          return failed(c, reg, 'De aanmelding is verlopen of kwam niet van deze pagina. Probeer het opnieuw.');
        let idToken: string | undefined;
        try {
          const res = await http(`${domain}/oauth2/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'authorization_code',
              client_id: config.clientId,
              code,
              redirect_uri: redirectUri,
              code_verifier: codeVerifier,
            }),
          });
          if (res.ok) idToken = ((await res.json()) as { id_token?: string }).id_token;
        } catch {
          idToken = undefined;
        }
        const officer = await identify(idToken);
        if (!idToken || !officer)
          return failed(c, reg, 'Uw aanmelding kon niet worden bevestigd. Probeer het opnieuw.');
        const { exp } = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
          exp: number;
        };
        setCookie(c, OFFICER_COOKIE, idToken, cookieOptions(Math.max(0, exp - Math.floor(Date.now() / 1000))));
        return c.redirect('/medewerkers/werklijst', 303);
      });

      app.post('/medewerkers/uitloggen', (c) => {
        deleteCookie(c, OFFICER_COOKIE, { path: '/medewerkers' });
        const q = new URLSearchParams({
          client_id: config.clientId,
          logout_uri: `${publicUrl}${SIGN_IN_PATHS.signedOut}`,
        });
        return c.redirect(`${domain}/logout?${q}`, 303);
      });

      app.get(SIGN_IN_PATHS.signedOut, (c) =>
        html(
          c,
          <Layout reg={reg} title="Uitgelogd">
            <h1 class="utrecht-heading-1">U bent uitgelogd</h1>
            <p class="utrecht-paragraph">
              <a class="utrecht-link" href="/medewerkers">
                Opnieuw inloggen
              </a>
            </p>
          </Layout>,
        ),
      );
    },
  };
}
