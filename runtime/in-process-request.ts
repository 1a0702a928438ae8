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
      headers: self[HEADERS] ?? headers,
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
      if (!this[HEADERS]) {
        const headers = new Headers(this[INIT].headers);
        // As Request does for a string body without a type (Fetch, "extract a body").
        if (this[INIT].body !== undefined && !headers.has('content-type'))
          headers.set('content-type', 'text/plain;charset=UTF-8');
        this[HEADERS] = headers;
      }
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
