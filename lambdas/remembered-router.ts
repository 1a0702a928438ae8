/**
 * Hono's router (its default: the RegExpRouter where the routes allow it, else the TrieRouter;
 * klachtflow's routes need the TrieRouter), with the latest answers kept by method and path. The
 * simulation's officers and complainants ask the same few paths of a dossier several times while
 * it runs (its read, its actions, the complaint's own routes), and the TrieRouter walks its tree
 * for every request anew: about 0.7 % of a simulated year's CPU (#19, session 17).
 *
 * What a path matches depends only on the routes, so an answer stays true until a route is added
 * (then everything kept is dropped). Bounded: at most KEPT paths, emptied when full, so a runtime
 * that runs for a year keeps no more than that. The complainant's page paths (`/klacht/...`) carry
 * an access token in the path and are never kept.
 */
import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

export const KEPT = 500;

export class RememberedRouter<T> implements Router<T> {
  readonly name: string;
  readonly #router: Router<T>;
  readonly #known = new Map<string, Result<T>>();

  constructor(router: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] })) {
    this.#router = router;
    this.name = `remembered ${router.name}`;
  }

  add(method: string, path: string, handler: T): void {
    this.#known.clear();
    this.#router.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    if (path.startsWith('/klacht/')) return this.#router.match(method, path);
    const key = `${method} ${path}`;
    const known = this.#known.get(key);
    if (known) return known;
    const result = this.#router.match(method, path);
    if (this.#known.size >= KEPT) this.#known.clear();
    this.#known.set(key, result);
    return result;
  }

  /** How many answers are kept (for the test of its bound). */
  get size(): number {
    return this.#known.size;
  }
}
