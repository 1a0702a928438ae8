/**
 * The API's router keeps its latest answers by method and path (lambdas/remembered-router.ts,
 * #19 session 17). Held here to Hono's default router given the same routes: the app's own routes,
 * every route's path with ids filled in and paths no route has, asked twice (the second from what
 * was kept); a route added after a path was asked is found; what is kept stays within its bound in
 * a runtime that runs for a year; a complainant's page path, which carries an access token, is
 * never kept.
 */
import fc from 'fast-check';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { createApi } from '../lambdas/api.js';
import { KEPT, RememberedRouter } from '../lambdas/remembered-router.js';
import { loadRegulation } from '../statemachines/load.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
type Handler = () => void;

/** The app's routes as Hono registered them: method, path, handler. */
function appRoutes(): { method: string; path: string; handler: Handler }[] {
  const app = createApi({
    regulation: loadRegulation('oco-almere'),
    procedure: {} as never,
    store: {} as never,
    officer: async () => undefined,
    statusUrl: (id: string, token: string) => `http://127.0.0.1:1/klacht/${id}/${token}`,
  } as never);
  return app.routes as never;
}

const hono = () => new SmartRouter<Handler>({ routers: [new RegExpRouter<Handler>(), new TrieRouter<Handler>()] });

describe('the remembered router answers as Hono’s own', () => {
  const routes = appRoutes();
  const segment = fc.oneof(
    fc.stringMatching(/^[0-9a-z]{26}$/),
    fc.constantFrom('link', 'actions', 'export', 'x', 'ontvangst', ''),
  );
  const path = fc.oneof(
    // A route's own path with its parameters and wildcards filled in.
    fc
      .tuple(fc.constantFrom(...routes.map((r) => r.path)), fc.array(segment, { minLength: 3, maxLength: 3 }))
      .map(([p, [a, b, c]]) =>
        p
          .replace(/:[a-zA-Z]+/, a as string)
          .replace(/:[a-zA-Z]+/, b as string)
          .replace('*', c as string),
      ),
    fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`),
  );
  const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS');

  it('matches every path as Hono’s default router, first and from memory', () => {
    // Precondition: the routes are many, with parameters and middleware wildcards among them.
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.some((r) => r.path.includes('/:') && r.path.endsWith('*'))).toBe(true);
    const remembered = new RememberedRouter<Handler>();
    const plain = hono();
    for (const r of routes) {
      remembered.add(r.method, r.path, r.handler);
      plain.add(r.method, r.path, r.handler);
    }
    fc.assert(
      fc.property(method, path, (m, p) => {
        const expected = plain.match(m, p);
        expect(remembered.match(m, p)).toStrictEqual(expected);
        expect(remembered.match(m, p)).toStrictEqual(expected);
      }),
      { seed: SEED, numRuns: 3000 },
    );
    expect(remembered.size).toBeGreaterThan(0);
  });

  it('finds a route added after a path was asked', () => {
    const remembered = new RememberedRouter<Handler>(new TrieRouter<Handler>());
    const first: Handler = () => undefined;
    const later: Handler = () => undefined;
    remembered.add('GET', '/dossiers/:id', first);
    expect(remembered.match('GET', '/dossiers/01jabc')[0].map(([h]) => h)).toStrictEqual([first]);
    remembered.add('GET', '/dossiers/*', later);
    expect(remembered.match('GET', '/dossiers/01jabc')[0].map(([h]) => h)).toStrictEqual([first, later]);
  });

  it('keeps at most its bound, and no page path with a token', () => {
    const remembered = new RememberedRouter<Handler>(new TrieRouter<Handler>());
    remembered.add('GET', '/dossiers/:id', () => undefined);
    remembered.add('GET', '/klacht/:id/:token', () => undefined);
    for (let i = 0; i < KEPT * 3 + 7; i++) {
      remembered.match('GET', `/dossiers/${i}`);
      expect(remembered.size).toBeLessThanOrEqual(KEPT);
    }
    const before = remembered.size;
    expect(remembered.match('GET', '/klacht/01jabc/geheim-token')[0]).toHaveLength(1);
    expect(remembered.size).toBe(before);
  });
});
