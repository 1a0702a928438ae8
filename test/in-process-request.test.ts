/**
 * The simulation's requests are made in this process without building undici's Request for each
 * (runtime/in-process-request.ts, #19 session 14). Judged against a web `Request` made from the same
 * method, URL, headers and body: what the request answers, and what the app answers to it, status,
 * headers and body, for the routes the simulation and the pages take and for refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessRequest } from '../runtime/in-process-request.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const BASE = 'http://127.0.0.1:4321';
type Init = { method: string; headers: Record<string, string>; body?: string };

/** What a request shows of itself, read through the same calls on both. */
async function observe(r: Request, read: 'text' | 'json' | 'arrayBuffer' | 'formData' | 'clone') {
  const seen: Record<string, unknown> = {
    proto: r instanceof Request,
    keys: Object.keys(r),
    method: r.method,
    url: r.url,
    headers: [...r.headers],
    bodyUsed: r.bodyUsed,
  };
  // The body first: what only a Request has (its mode, signal, ...) is asked after it.
  const rest = () => ({
    mode: r.mode,
    credentials: r.credentials,
    redirect: r.redirect,
    cache: r.cache,
    aborted: r.signal.aborted,
  });
  const settle = async (p: () => unknown) => {
    try {
      const v = await p();
      // A clone: undici's Request, whichever class made the original (@hono/node-server's once a server started).
      if (v && typeof v === 'object' && typeof (v as Request).clone === 'function' && 'url' in v) {
        const copy = v as Request;
        return { ok: { request: copy.method, url: copy.url, body: await copy.text() } };
      }
      return { ok: v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v instanceof FormData ? [...v] : v };
    } catch (e) {
      return { error: (e as Error).name };
    }
  };
  if (read === 'clone') {
    const copy = r.clone();
    seen.copy = await settle(() => copy.text());
    seen.read = await settle(() => r.text());
  } else seen.read = await settle(() => r[read]());
  seen.after = r.bodyUsed;
  seen.again = await settle(() => r.text());
  Object.assign(seen, rest());
  seen.cloneAfter = await settle(() => r.clone());
  seen.afterBody = r.body === null ? null : 'stream';
  return seen;
}

describe('a request made in process answers as a Request does', () => {
  const inits: [string, string, Init][] = [
    ['/health', 'GET', { method: 'GET', headers: { host: '127.0.0.1:4321' } }],
    ['/dossiers/x?fields=a,b', 'GET', { method: 'GET', headers: { Authorization: 'Bearer t', 'X-Two': ' b ' } }],
    [
      '/complaints',
      'POST json',
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '9' }, body: '{"a":"é"}' },
    ],
    ['/complaints', 'POST without type', { method: 'POST', headers: { 'content-length': '12' }, body: 'x=1&y=%C3%A9' }],
    ['/complaints', 'POST without length', { method: 'POST', headers: {}, body: '{"a":1}' }],
    [
      '/medewerkers',
      'POST form',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'Content-Length': '16' },
        body: 'code=1&_csrf=%2F',
      },
    ],
    [
      '/complaints',
      'POST empty',
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '0' }, body: '' },
    ],
    ['/a/../health', 'dot segments', { method: 'GET', headers: {} }],
    ['/health?x=%zz é', 'a query to encode', { method: 'GET', headers: {} }],
    ['/health', 'lower-case method', { method: 'post', headers: {}, body: '{}' }],
    ['/dossiers', 'PATCH', { method: 'PATCH', headers: { 'content-length': '3' }, body: '[1]' }],
  ];
  for (const [path, what, init] of inits)
    for (const read of ['text', 'json', 'arrayBuffer', 'formData', 'clone'] as const)
      it(`${what} ${path}, read by ${read}`, async () => {
        const real = new Request(`${BASE}${path}`, {
          method: init.method,
          headers: init.headers,
          ...(init.body !== undefined ? { body: init.body } : {}),
        });
        const light = inProcessRequest(BASE, path, init);
        expect(await observe(light, read)).toEqual(await observe(real, read));
      });

  it('a GET with a body is refused as Request refuses it', () => {
    expect(() => new Request(`${BASE}/x`, { method: 'GET', body: 'a' })).toThrow(TypeError);
    expect(() => inProcessRequest(BASE, '/x', { method: 'GET', headers: {}, body: 'a' })).toThrow(TypeError);
  });
});

describe('the app answers a request made in process as it answers a Request and HTTP', () => {
  let rt: TestRuntime;
  let officer: string;
  let id: string;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', '2026-09-01T09:00:00+02:00', undefined, {
      store: 'memory',
      aws: 'in-process',
    });
    officer = Object.values(rt.officers)[0] as string;
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    id = r.json.id;
    // The ladder's first steps done: the dossier stands still while the routes are compared.
    await rt.advance('PT0S');
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
  });

  const json = (v: unknown) => JSON.stringify(v);
  const cases: () => [string, string, { headers?: Record<string, string>; body?: string }][] = () => [
    ['GET', '/health', {}],
    ['HEAD', '/health', {}],
    ['GET', '/openapi.json', {}],
    ['GET', '/klacht-indienen', {}],
    ['GET', '/bestaat-niet', {}],
    [
      'GET',
      `/dossiers/${id}?fields=currentStep,deadlines,availableActions`,
      { headers: { authorization: `Bearer ${officer}` } },
    ],
    ['GET', `/dossiers/${id}?fields=bestaat-niet`, { headers: { authorization: `Bearer ${officer}` } }],
    ['GET', `/dossiers/${id}`, {}],
    [
      'POST',
      '/complaints',
      { headers: { 'content-type': 'application/json' }, body: json({ ...SANNE, consent: false, description: '' }) },
    ],
    ['POST', '/complaints', { headers: { 'content-type': 'application/json' }, body: '{"complainant":' }],
    ['POST', '/complaints', { headers: { 'content-type': 'application/json' }, body: '{"description":"\\ud800"}' }],
    [
      'POST',
      '/complaints',
      { headers: { 'content-type': 'application/json', 'content-length': '2000000' }, body: '{}' },
    ],
    ['POST', '/complaints', { body: 'geen json' }],
    // A length and chunked both: Hono's own body limit reads it (lambdas/body-limit.ts).
    [
      'POST',
      '/complaints',
      {
        headers: { 'content-type': 'application/json', 'content-length': '7', 'transfer-encoding': 'chunked' },
        body: '{"a":1}',
      },
    ],
    ['POST', '/complaints', { headers: { 'content-length': '9' }, body: 'geen json' }],
    [
      'POST',
      '/complaints',
      { headers: { 'content-type': 'application/json', 'content-length': '15' }, body: '{"complainant":' },
    ],
    [
      'POST',
      `/dossiers/${id}/actions`,
      {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}`, prefer: 'return=minimal' },
        body: json({ type: 'outcome', stepId: 'bestaat-niet', outcome: 'x' }),
      },
    ],
    [
      'POST',
      `/dossiers/${id}/registration`,
      {
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${officer}`,
          'content-length': '14',
          prefer: 'return=minimal',
        },
        body: json({ answers: {} }),
      },
    ],
    ['POST', '/medewerkers', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'code=fout' }],
    ['GET', '/a/../health', {}],
    ['post', '/local/clock', { headers: { 'content-type': 'application/json' }, body: json({ advance: 'PT0S' }) }],
    ['GET', '/local/clock', {}],
  ];
  const answer = async (r: Response) => ({
    status: r.status,
    headers: [...r.headers].filter(([k]) => k !== 'date'),
    // A form's own id (a uuid per page shown) differs from page to page.
    body: (r.status === 204 || r.status === 304 ? '' : await r.text()).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      '<uuid>',
    ),
  });

  it('status, headers and body, route by route', async () => {
    let compared = 0;
    for (const [method, path, init] of cases()) {
      const viaRequest = await answer(
        await rt.fetch(
          new Request(`${rt.url}${path}`, {
            method,
            headers: init.headers ?? {},
            ...(init.body !== undefined ? { body: init.body } : {}),
          }),
        ),
      );
      const inProcess = await answer(await rt.request(method, path, init));
      expect(inProcess, `${method} ${path}`).toEqual(viaRequest);
      // And over HTTP, as `npm start` serves it (its own headers aside: the connection's), where
      // a client can send it (not a length the body does not have, nor a length beside chunked).
      const length = Object.entries(init.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-length')?.[1];
      const chunked = Object.keys(init.headers ?? {}).some((k) => k.toLowerCase() === 'transfer-encoding');
      if (chunked || (length !== undefined && Number(length) !== Buffer.byteLength(init.body ?? ''))) {
        compared++;
        continue;
      }
      const overHttp = await fetch(`${rt.url}${path}`, {
        method,
        headers: init.headers ?? {},
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
      const http = await answer(overHttp);
      expect({ status: http.status, body: http.body }, `${method} ${path} over HTTP`).toEqual({
        status: inProcess.status,
        body: inProcess.body,
      });
      const own = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);
      expect(
        http.headers.filter(([k]) => !own.has(k)),
        `${method} ${path} over HTTP`,
      ).toEqual(inProcess.headers.filter(([k]) => !own.has(k)));
      compared++;
    }
    expect(compared).toBe(cases().length);
  }, 60_000);

  it('a complaint made in process is the one made by a Request, field by field but for its own ids', async () => {
    const body = JSON.stringify({ ...SANNE, complainant: { ...SANNE.complainant, email: 'inproces@example.nl' } });
    const init = {
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      body,
    };
    const a = await rt.request('POST', '/complaints', init);
    const b = await rt.fetch(new Request(`${rt.url}/complaints`, { method: 'POST', ...init }));
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    const strip = (x: any) => ({ ...x, id: 0, reference: 0, accessToken: 0, statusUrl: 0 });
    expect(strip(await a.json())).toEqual(strip(await b.json()));
  });
});
