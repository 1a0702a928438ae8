/**
 * The officers' Cognito hosted sign-in (lambdas/web/cognito-sign-in.tsx), against a stand-in for
 * Cognito on 127.0.0.1: the pool's JWKS (a key pair made here) and the token endpoint. The pages
 * run in the real API app, which identifies officers by the verified session cookie.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Json } from 'aws-jwt-verify/safe-json-parse';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../lambdas/api.js';
import { type CognitoSignIn, cognitoSignIn } from '../lambdas/web/cognito-sign-in.js';
import { OFFICER_COOKIE, SIGN_IN_PATHS } from '../lambdas/web/sign-in.js';
import { loadRegulation } from '../statemachines/load.js';

const POOL = 'eu-west-1_Test123';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const CLIENT = 'pages-client-1';
const PUBLIC = 'https://klachten.example.nl';

const pool = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
const now = () => Math.floor(Date.now() / 1000);

/** A JWT signed RS256 with `key`, as Cognito issues ID tokens. */
function jwt(claims: Record<string, unknown>, key: KeyObject = pool.privateKey, kid = 'pool-key'): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'RS256', kid, typ: 'JWT' })}.${enc(claims)}`;
  return `${body}.${sign('sha256', Buffer.from(body), key).toString('base64url')}`;
}

const idClaims = (over: Record<string, unknown> = {}) => ({
  sub: 'officer-sub-1',
  iss: ISSUER,
  aud: CLIENT,
  token_use: 'id',
  auth_time: now(),
  iat: now(),
  exp: now() + 3600,
  email: 'functionaris@example.nl',
  'cognito:groups': ['officer', 'manager'],
  ...over,
});

let server: Server;
let base: string;
const jwksRequests: string[] = [];
const tokenRequests: URLSearchParams[] = [];
/** What the fake token endpoint hands out for the code `good-code`. */
let issued = '';

beforeAll(async () => {
  const jwk = { ...pool.publicKey.export({ format: 'jwk' }), kid: 'pool-key', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/jwks.json') return res.end(JSON.stringify({ keys: [jwk] }));
      if (req.method === 'POST' && req.url === '/oauth2/token') {
        const form = new URLSearchParams(body);
        tokenRequests.push(form);
        if (form.get('code') !== 'good-code') {
          res.statusCode = 400;
          return res.end(JSON.stringify({ error: 'invalid_grant' }));
        }
        return res.end(JSON.stringify({ id_token: issued, access_token: 'a', token_type: 'Bearer', expires_in: 3600 }));
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let signIn: CognitoSignIn;
let app: ReturnType<typeof createApi>;

beforeEach(() => {
  jwksRequests.length = 0;
  tokenRequests.length = 0;
  issued = jwt(idClaims());
  // The pool's keys come from 127.0.0.1; the verifier still asks for the pool's own JWKS URI.
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        jwksRequests.push(uri);
        return (await (await fetch(`${base}/jwks.json`)).json()) as Json;
      },
    },
  });
  signIn = cognitoSignIn({ userPoolId: POOL, clientId: CLIENT, domainUrl: base, publicUrl: PUBLIC }, { jwksCache });
  app = createApi({
    regulation: loadRegulation('ons-welzijn'),
    procedure: {} as never,
    store: { worklist: async () => ({ items: [], next: null }) } as never,
    officer: async (c) => signIn.identify(/^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]),
    signIn,
    statusUrl: () => '',
  });
});

/** The cookies a response sets, by name (value and attributes). */
function setCookies(res: Response): Map<string, string> {
  return new Map(res.headers.getSetCookie().map((c) => [c.slice(0, c.indexOf('=')), c]));
}
const cookieValue = (cookie: string | undefined) => cookie?.split(';')[0]?.split('=').slice(1).join('=') ?? '';
const page = (path: string, cookie?: string) =>
  app.request(`${PUBLIC}${path}`, cookie ? { headers: { cookie } } : undefined);

describe('cognito sign-in: starting', () => {
  it('sends a visitor without a session to the hosted sign-in with client, redirect URI, state and PKCE', async () => {
    const res = await page('/medewerkers');
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location') ?? '');
    expect(`${to.origin}${to.pathname}`).toBe(`${base}/oauth2/authorize`);
    expect(to.searchParams.get('response_type')).toBe('code');
    expect(to.searchParams.get('client_id')).toBe(CLIENT);
    expect(to.searchParams.get('redirect_uri')).toBe(`${PUBLIC}${SIGN_IN_PATHS.callback}`);
    expect(to.searchParams.get('scope')).toBe('openid email');
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    const pending = setCookies(res).get('kf_signin') ?? '';
    expect(pending).toMatch(/HttpOnly/);
    expect(pending).toMatch(/Secure/);
    expect(pending).toMatch(/SameSite=Lax/);
    const [state, verifier] = cookieValue(pending).split('.');
    expect(to.searchParams.get('state')).toBe(state);
    expect(state?.length).toBeGreaterThanOrEqual(32);
    expect(to.searchParams.get('code_challenge')).toBe(
      createHash('sha256')
        .update(verifier ?? '')
        .digest('base64url'),
    );
  });

  it('each sign-in gets its own state', async () => {
    const a = new URL((await page('/medewerkers')).headers.get('location') ?? '').searchParams.get('state');
    const b = new URL((await page('/medewerkers')).headers.get('location') ?? '').searchParams.get('state');
    expect(a).not.toBe(b);
  });

  it('a worklist request without a session goes back to the entry, which starts the sign-in', async () => {
    const res = await page('/medewerkers/werklijst');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/medewerkers');
  });
});

describe('cognito sign-in: the callback', () => {
  async function start() {
    const res = await page('/medewerkers');
    const pending = cookieValue(setCookies(res).get('kf_signin'));
    const state = new URL(res.headers.get('location') ?? '').searchParams.get('state') ?? '';
    return { pending, state, verifier: pending.split('.')[1] };
  }

  it('exchanges the code with the PKCE verifier and sets a Secure, HttpOnly, SameSite=Lax session cookie', async () => {
    const { pending, state, verifier } = await start();
    const res = await page(`${SIGN_IN_PATHS.callback}?code=good-code&state=${state}`, `kf_signin=${pending}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/medewerkers/werklijst');
    expect(tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(tokenRequests[0] ?? [])).toEqual({
      grant_type: 'authorization_code',
      client_id: CLIENT,
      code: 'good-code',
      redirect_uri: `${PUBLIC}${SIGN_IN_PATHS.callback}`,
      code_verifier: verifier,
    });
    const session = setCookies(res).get(OFFICER_COOKIE) ?? '';
    expect(cookieValue(session)).toBe(issued);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/medewerkers']) expect(session).toContain(attr);
    expect(Number(/Max-Age=(\d+)/.exec(session)?.[1])).toBeGreaterThan(3500);
    expect(jwksRequests).toEqual([`${ISSUER}/.well-known/jwks.json`]);

    // Assess: the cookie opens the worklist and the entry page.
    const list = await page('/medewerkers/werklijst', `${OFFICER_COOKIE}=${issued}`);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('Werklijst');
    const entry = await page('/medewerkers', `${OFFICER_COOKIE}=${issued}`);
    expect(entry.headers.get('location')).toBe('/medewerkers/werklijst');
  });

  it('refuses a callback whose state is not the one this browser was sent with', async () => {
    const { pending } = await start();
    const res = await page(`${SIGN_IN_PATHS.callback}?code=good-code&state=someone-elses`, `kf_signin=${pending}`);
    expect(res.status).toBe(401);
    expect(tokenRequests).toHaveLength(0);
    expect(setCookies(res).get(OFFICER_COOKIE) ?? '').not.toContain(issued);
  });

  it('refuses a callback without the pending cookie', async () => {
    const { state } = await start();
    const res = await page(`${SIGN_IN_PATHS.callback}?code=good-code&state=${state}`);
    expect(res.status).toBe(401);
    expect(tokenRequests).toHaveLength(0);
  });

  it('refuses a code the token endpoint rejects', async () => {
    const { pending, state } = await start();
    const res = await page(`${SIGN_IN_PATHS.callback}?code=stolen&state=${state}`, `kf_signin=${pending}`);
    expect(res.status).toBe(401);
    expect(tokenRequests).toHaveLength(1);
    expect(setCookies(res).has(OFFICER_COOKIE)).toBe(false);
  });

  it('refuses an ID token the token endpoint hands out for another client', async () => {
    issued = jwt(idClaims({ aud: 'another-client' }));
    const { pending, state } = await start();
    const res = await page(`${SIGN_IN_PATHS.callback}?code=good-code&state=${state}`, `kf_signin=${pending}`);
    expect(res.status).toBe(401);
    expect(setCookies(res).has(OFFICER_COOKIE)).toBe(false);
  });
});

describe('cognito sign-in: which tokens count', () => {
  it.each([
    ['forged: signed with another key', () => jwt(idClaims(), attacker.privateKey)],
    ['expired', () => jwt(idClaims({ exp: now() - 60, iat: now() - 3700 }))],
    ['for another client (audience)', () => jwt(idClaims({ aud: 'another-client' }))],
    [
      'from another pool (issuer)',
      () => jwt(idClaims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' })),
    ],
    ['an access token, not an ID token', () => jwt(idClaims({ token_use: 'access', client_id: CLIENT }))],
    ['unsigned (alg none)', () => `${jwt(idClaims()).split('.').slice(0, 2).join('.')}.`],
  ])('refuses a session cookie that is %s', async (_, make) => {
    const token = make();
    expect(await signIn.identify(token)).toBeUndefined();
    const res = await page('/medewerkers/werklijst', `${OFFICER_COOKIE}=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/medewerkers');
    // The entry does not take it for a session either: off to the hosted sign-in again.
    const entry = await page('/medewerkers', `${OFFICER_COOKIE}=${token}`);
    expect(entry.status).toBe(302);
    expect(entry.headers.get('location')).toContain('/oauth2/authorize');
  });

  it('the API refuses the same forged token as a bearer', async () => {
    const res = await app.request('/dossiers', {
      headers: { authorization: `Bearer ${jwt(idClaims(), attacker.privateKey)}` },
    });
    expect(res.status).toBe(401);
  });

  it('maps cognito:groups to roles, as a list and as the "[a b]" string', async () => {
    expect(await signIn.identify(jwt(idClaims()))).toEqual({ sub: 'officer-sub-1', roles: ['officer', 'manager'] });
    expect(await signIn.identify(jwt(idClaims({ 'cognito:groups': '[director committee]' })))).toEqual({
      sub: 'officer-sub-1',
      roles: ['director', 'committee'],
    });
    expect((await signIn.identify(jwt(idClaims({ 'cognito:groups': undefined }))))?.roles).toEqual([]);
  });
});

describe('cognito sign-in: signing out', () => {
  it('clears the session and ends the Cognito session, returning to the signed-out page', async () => {
    // The sign-out form carries the page's form token, as every post form does.
    const list = await (await page('/medewerkers/werklijst', `${OFFICER_COOKIE}=${issued}`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(list)?.[1] ?? '';
    expect(csrf).not.toBe('');
    const res = await app.request(`${PUBLIC}/medewerkers/uitloggen`, {
      method: 'POST',
      headers: { cookie: `${OFFICER_COOKIE}=${issued}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(res.status).toBe(303);
    const to = new URL(res.headers.get('location') ?? '');
    expect(`${to.origin}${to.pathname}`).toBe(`${base}/logout`);
    expect(to.searchParams.get('client_id')).toBe(CLIENT);
    expect(to.searchParams.get('logout_uri')).toBe(`${PUBLIC}${SIGN_IN_PATHS.signedOut}`);
    expect(setCookies(res).get(OFFICER_COOKIE)).toMatch(/Max-Age=0/);
    const out = await page(SIGN_IN_PATHS.signedOut);
    expect(out.status).toBe(200);
    expect(await out.text()).toContain('U bent uitgelogd');
  });

  it('the local token form is not there in AWS', async () => {
    const res = await app.request(`${PUBLIC}/medewerkers/inloggen`, { method: 'POST', body: 'token=x' });
    expect(res.status).toBe(404);
  });
});
