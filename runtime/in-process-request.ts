/**
 * A request made in this process (the simulation), handed to the app the way @hono/node-server
 * hands it one that came over a socket (its "lightweight" request, what `npm start` serves): the
 * method, the URL and the headers at once, the body read straight from the string it was given,
 * and a web `Request` made only when something asks for what only that has (its stream, signal,
 * clone, form data, ...). Building undici's Request for each of the simulation's requests (its
 * headers, an AbortSignal, the body as a web stream, read back through it) was about 3 % of a
 * simulated year (#19, session 14).
 *
 * What it answers is what a `Request` made from the same method, URL, headers and body answers;
 * test/in-process-request.test.ts holds it to that, and the app's answers to those of the same
 * requests made as `Request`s and over HTTP. Anything this does not read plainly (a method not
 * spelled as Request spells it, a URL Request would rewrite, a body not a string or without its
 * Content-Length) is made into a `Request` at once.
 */

const REAL = Symbol('request');
const USED = Symbol('bodyUsed');
const URL_ = Symbol('url');
const METHOD = Symbol('method');
const INIT = Symbol('init');
const HEADERS = Symbol('headers');

interface Init {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

interface Light {
  [REAL]?: Request;
  [USED]?: boolean;
  [URL_]: string;
  [METHOD]: string;
  [INIT]: Init;
  [HEADERS]?: Headers;
}

/** Methods Request keeps as they are written (it upper-cases only these, and rejects some others). */
const PLAIN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** A path and query that `new URL` leaves as it is (as @hono/node-server tests it): no dot segments, nothing to encode. */
const PLAIN_PATH = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;

/** The headers a `Request` made from `init` has: its own, and a type for a string body without one. */
function headersOf(init: Init): Headers {
  const headers = new Headers(init.headers);
  // As Request does for a string body without a type (Fetch, "extract a body").
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
  return headers;
}

/** A header name as Headers takes it (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A value Headers keeps as it is but for surrounding spaces and tabs: printable ASCII and tabs. */
const PLAIN_VALUE = /^[\t\x20-\x7e]*$/;
const MADE = Symbol('made');

interface LightHeaders extends Headers {
  [MADE](): Headers;
}

/**
 * The request's headers as `headersOf` makes them, without undici's Headers until something would
 * change them (then they are made, and answer from then on): read through get, has, forEach and
 * iteration, in the order Headers gives (by name). Undici's Headers of the simulation's requests,
 * with its checks of every name and value, were about 0.4 % of a simulated year (#19, session 17);
 * read this way a request's headers cost 1.6 µs instead of 2.7 (warm microbench). Only plain headers
 * (each name once, tokens, printable ASCII values) are read this way; others get Headers at once.
 */
function lightHeaders(init: Init): Headers | undefined {
  const byName = new Map<string, string>();
  for (const name in init.headers) {
    const value = init.headers[name];
    if (typeof value !== 'string' || !TOKEN.test(name) || !PLAIN_VALUE.test(value)) return undefined;
    const key = name.toLowerCase();
    if (byName.has(key)) return undefined;
    // Headers drops the spaces and tabs around a value (Fetch, "normalize").
    byName.set(
      key,
      value.length && (value.charCodeAt(0) <= 32 || value.charCodeAt(value.length - 1) <= 32)
        ? value.replace(/^[\t ]+|[\t ]+$/g, '')
        : value,
    );
  }
  if (init.body !== undefined && !byName.has('content-type')) byName.set('content-type', 'text/plain;charset=UTF-8');
  return new LightHeadersImpl(byName, init) as unknown as Headers;
}

/** A name Headers takes, lower-cased; undefined for one it would refuse (it then refuses it itself). */
const known = (name: string) => (typeof name === 'string' && TOKEN.test(name) ? name.toLowerCase() : undefined);

class LightHeadersImpl {
  #made: Headers | undefined;
  #sorted: [string, string][] | undefined;
  constructor(
    private readonly byName: Map<string, string>,
    private readonly init: Init,
  ) {}
  [MADE](): Headers {
    return this.#made ?? headersOf(this.init);
  }
  #make(): Headers {
    this.#made ??= headersOf(this.init);
    return this.#made;
  }
  #inOrder(): [string, string][] {
    this.#sorted ??= [...this.byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return this.#sorted;
  }
  get(name: string): string | null {
    if (this.#made) return this.#made.get(name);
    const key = known(name);
    return key === undefined ? this.#make().get(name) : (this.byName.get(key) ?? null);
  }
  has(name: string): boolean {
    if (this.#made) return this.#made.has(name);
    const key = known(name);
    return key === undefined ? this.#make().has(name) : this.byName.has(key);
  }
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    const self = this as unknown as Headers;
    if (this.#made)
      this.#made.forEach((value, key) => {
        callback.call(thisArg, value, key, self);
      });
    else for (const [key, value] of this.#inOrder()) callback.call(thisArg, value, key, self);
  }
  getSetCookie(): string[] {
    return this.#made ? this.#made.getSetCookie() : [];
  }
  set(name: string, value: string): void {
    this.#make().set(name, value);
  }
  append(name: string, value: string): void {
    this.#make().append(name, value);
  }
  delete(name: string): void {
    this.#make().delete(name);
  }
  entries(): IterableIterator<[string, string]> {
    return this.#made
      ? this.#made.entries()
      : this.#inOrder()
          .map(([k, v]) => [k, v] as [string, string])
          .values();
  }
  keys(): IterableIterator<string> {
    return this.#made
      ? this.#made.keys()
      : this.#inOrder()
          .map(([k]) => k)
          .values();
  }
  values(): IterableIterator<string> {
    return this.#made
      ? this.#made.values()
      : this.#inOrder()
          .map(([, v]) => v)
          .values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  // As Headers shows itself to console.log and util.inspect (its own would read undici's state).
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: object,
    inspect: (v: unknown, o: object) => string,
  ) {
    return inspect(this.#made ?? headersOf(this.init), options);
  }
}
// `instanceof Headers`, and what Headers has that this does not define, as Headers has it.
Object.setPrototypeOf(LightHeadersImpl.prototype, Headers.prototype);

let prototype: object | undefined;

/** The prototype: Request's, with every accessor and method answered by the Request made when needed. */
function lightPrototype(): object {
  if (prototype) return prototype;
  const base = globalThis.Request.prototype;
  const proto: PropertyDescriptorMap = {};
  const real = (self: Light): Request => {
    if (self[REAL]) return self[REAL];
    const { method, headers, body } = self[INIT];
    // A body read directly is gone, as a Request's would be: the Request made now has an empty one, used.
    const made = new globalThis.Request(self[URL_], {
      method,
      headers: (self[HEADERS] as Partial<LightHeaders> | undefined)?.[MADE]?.() ?? self[HEADERS] ?? headers,
      ...(body !== undefined ? { body: self[USED] ? '' : body } : {}),
    });
    if (self[USED] && body !== undefined) void made.arrayBuffer().catch(() => undefined);
    self[REAL] = made;
    return made;
  };
  // Every accessor and method along the chain (@hono/node-server's Request subclasses undici's,
  // whose prototype holds them): none may run on this object, which has none of undici's state.
  const names = new Map<string, PropertyDescriptor>();
  for (let p: object | null = base; p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const key of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, key);
      if (key !== 'constructor' && d && !names.has(key)) names.set(key, d);
    }
  for (const [key, d] of names) {
    if (d?.get)
      proto[key] = {
        get(this: Light) {
          return Reflect.get(real(this), key);
        },
      };
    else if (typeof d?.value === 'function')
      proto[key] = {
        value(this: Light, ...args: unknown[]) {
          const r = real(this);
          return (Reflect.get(r, key) as (...a: unknown[]) => unknown).apply(r, args);
        },
      };
  }
  proto.method = {
    get(this: Light) {
      return this[METHOD];
    },
  };
  proto.url = {
    get(this: Light) {
      return this[URL_];
    },
  };
  proto.headers = {
    get(this: Light) {
      if (this[REAL]) return this[REAL].headers;
      if (!this[HEADERS]) this[HEADERS] = lightHeaders(this[INIT]) ?? headersOf(this[INIT]);
      return this[HEADERS];
    },
  };
  proto.bodyUsed = {
    get(this: Light) {
      return this[REAL] ? this[REAL].bodyUsed : this[USED] === true;
    },
  };
  /** The body as a string, read once, where no Request was made yet; otherwise the Request's. */
  const direct = (self: Light, read: (text: string) => unknown, method: 'text' | 'json' | 'arrayBuffer') => {
    if (self[REAL] || self[INIT].body === undefined) {
      const r = real(self);
      return (Reflect.get(r, method) as () => unknown).call(r);
    }
    if (self[USED]) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    self[USED] = true;
    const text = self[INIT].body;
    return new Promise((resolve) => resolve(read(text)));
  };
  proto.text = {
    value(this: Light) {
      return direct(this, (t) => t, 'text');
    },
  };
  proto.json = {
    value(this: Light) {
      return direct(this, (t) => JSON.parse(t), 'json');
    },
  };
  proto.arrayBuffer = {
    value(this: Light) {
      return direct(this, (t) => new TextEncoder().encode(t).buffer, 'arrayBuffer');
    },
  };
  prototype = Object.create(base, proto);
  return prototype as object;
}

/**
 * The request `method url` with these headers and body, as a `Request` would answer it. `base` is
 * the runtime's own address (`http://127.0.0.1:<port>`), `path` its path and query.
 */
export function inProcessRequest(base: string, path: string, init: Init): Request {
  const url = `${base}${path}`;
  const plain =
    PLAIN_METHODS.has(init.method) &&
    PLAIN_PATH.test(path) &&
    !DOT_SEGMENT.test(path) &&
    !((init.method === 'GET' || init.method === 'HEAD') && init.body !== undefined) &&
    // A body with its length and not chunked, as the simulation sends it: otherwise Hono's body
    // limit (lambdas/body-limit.ts) reads the stream into a Request made from this one, which only
    // a Request can be made from.
    (init.body === undefined ||
      (typeof init.body === 'string' &&
        Object.keys(init.headers).some((k) => k.toLowerCase() === 'content-length') &&
        !Object.keys(init.headers).some((k) => k.toLowerCase() === 'transfer-encoding')));
  if (!plain)
    return new globalThis.Request(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  const light = Object.create(lightPrototype()) as Light;
  light[URL_] = url;
  light[METHOD] = init.method;
  light[INIT] = init;
  return light as unknown as Request;
}
