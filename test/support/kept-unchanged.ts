/**
 * Test support: holds an in-memory DynamoDB (runtime/memory-dynamodb.ts) to what its memos rest on.
 * An item's index keys (itemIndexKeys), its size toward a Query's page (compressedSize) and its
 * bytes for the meter (documentBytesOf) are remembered per stored object, and an item replaced is
 * deleted from the indexes under the keys it was written under: all of that is right only while
 * no stored item (or index entry) is ever changed in place, and while nothing the store hands out
 * (an answer, a refusal's item, a cancelled transaction's reasons) is an object it keeps, and
 * nothing it keeps is an object of a caller's request (a caller may change either afterwards: the
 * dossier store keeps the view items it wrote). Wraps the store's `send`: after each request every
 * held value is compared with what it was when first seen (a copy of it: a write from dynalite's
 * sloppy-mode code to a frozen object would be silently dropped, so freezing would not tell), and
 * the request's input and its answer or error are walked for an object the store keeps. Each
 * breach is recorded (`breaches`, for an afterEach) and thrown, so the request's caller sees it too.
 */
import type { MemoryDynamoDb } from '../../runtime/memory-dynamodb.js';

export interface KeptGuard {
  /** What went wrong, in the order found (empty while the store keeps to it). */
  breaches: string[];
  /** Requests checked (a judge that checks nothing proves nothing). */
  checked: number;
  /** Compares every held value with what it was when first seen, now (an afterEach: the last requests' changes). */
  verify(): void;
}

/**
 * A copy of a held value's structure, its strings shared: compared with `same`, where a string
 * kept is the very string held (=== answers at once; JSON of an item of 400 KB made the
 * comparisons the larger part of the tests).
 */
function snapshot(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(snapshot);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = snapshot((value as Record<string, unknown>)[k]);
  return out;
}
function same(now: unknown, before: unknown): boolean {
  if (now === null || typeof now !== 'object' || before === null || typeof before !== 'object')
    return Object.is(now, before);
  if (Array.isArray(now) !== Array.isArray(before)) return false;
  const keys = Object.keys(now);
  if (keys.length !== Object.keys(before).length) return false;
  for (const k of keys)
    if (!Object.hasOwn(before, k) || !same((now as Record<string, unknown>)[k], (before as Record<string, unknown>)[k]))
      return false;
  return true;
}

/** Every object reachable from `value` (own enumerable properties; arrays; an error's fields). */
function eachObject(value: unknown, visit: (o: object, path: string) => boolean, path = ''): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!visit(value, path)) return false;
  for (const k of Object.keys(value))
    if (!eachObject((value as Record<string, unknown>)[k], visit, `${path}.${k}`)) return false;
  return true;
}

/**
 * Every `every`th request (and at `verify`) the held values are compared whole: a change in place
 * stays, so it is found a few requests later, at a fraction of the cost (compared as JSON after
 * every request, the generated sequences of test/memory-dynamodb.test.ts took ten times as long).
 */
export function guardKept(memory: MemoryDynamoDb, every = 50): KeptGuard {
  /** Each held value's snapshot when first seen. */
  const seen = new Map<object, unknown>();
  /** Every object reachable from a held value. */
  const kept = new WeakSet<object>();
  const compare = (what: string): string | undefined => {
    const live = new Set<object>();
    let breach: string | undefined;
    for (const v of memory.heldValues()) {
      const o = v as object;
      live.add(o);
      const before = seen.get(o);
      if (before !== undefined && !same(o, before))
        breach ??= `${what}: a held item was changed in place: ${JSON.stringify(before).slice(0, 200)} became ${JSON.stringify(o).slice(0, 200)}`;
    }
    // The items replaced or deleted since are forgotten.
    for (const o of seen.keys()) if (!live.has(o)) seen.delete(o);
    return breach;
  };
  const guard: KeptGuard = {
    breaches: [],
    checked: 0,
    verify() {
      const breach = compare('at the end of a test');
      if (breach) guard.breaches.push(breach);
    },
  };
  const send = memory.send.bind(memory);
  const check = (input: unknown, handedOut: unknown, what: string): string | undefined => {
    guard.checked++;
    for (const v of memory.heldValues()) {
      const o = v as object;
      if (seen.has(o)) continue;
      seen.set(o, snapshot(o));
      eachObject(o, (x) => {
        kept.add(x);
        return true;
      });
    }
    let breach = guard.checked % every === 0 ? compare(what) : undefined;
    if (breach) return breach;
    eachObject(handedOut, (o, path) => {
      if (kept.has(o)) breach = `${what}: handed out an object the store keeps, at ${path || '(the answer)'}`;
      return breach === undefined;
    });
    if (breach) return breach;
    eachObject(input, (o, path) => {
      if (kept.has(o)) breach = `${what}: keeps an object of the request's input, at input${path}`;
      return breach === undefined;
    });
    return breach;
  };
  memory.send = async (command: { input: any; kind?: string }) => {
    const what = command.kind ?? command.constructor.name;
    let out: unknown;
    try {
      out = await send(command);
    } catch (e) {
      const breach = check(command.input, e, what);
      if (breach) {
        guard.breaches.push(breach);
        throw new Error(breach);
      }
      throw e;
    }
    const breach = check(command.input, out, what);
    if (breach) {
      guard.breaches.push(breach);
      throw new Error(breach);
    }
    return out;
  };
  return guard;
}
