/**
 * The API's body limit (lambdas/body-limit.ts) decides from Content-Length without asking for the
 * body stream (#19). Held to Hono's own `bodyLimit` over real HTTP on @hono/node-server (what the
 * local runtime serves with): arbitrary Unicode bodies, sent with a length or chunked, with every
 * method, under limits around their size, get the same status and the same answer from both.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import fc from 'fast-check';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimitByLength } from '../lambdas/body-limit.js';

type Limit = (options: { maxSize: number; onError: (c: Context) => Response }) => MiddlewareHandler;
type Answer = { status: number; body: string; connection: string | undefined; touched: string | undefined };

/** An app with `limit` at `maxSize` (from the path), answering what it read and whether the stream was asked for. */
function app(limit: Limit) {
  const hono = new Hono<{ Variables: { touched: () => boolean } }>();
  hono.use('*', async (c, next) => {
    // A spy on the request's body stream: the light request of @hono/node-server builds a full web
    // Request the moment it is asked for.
    const raw = c.req.raw;
    let proto = Object.getPrototypeOf(raw);
    let getter: (() => unknown) | undefined;
    while (proto && !getter) {
      getter = Object.getOwnPropertyDescriptor(proto, 'body')?.get;
      proto = Object.getPrototypeOf(proto);
    }
    let touched = false;
    Object.defineProperty(raw, 'body', {
      configurable: true,
      get() {
        touched = true;
        return getter?.call(this);
      },
    });
    c.set('touched', () => touched);
    await next();
  });
  hono.use('/limit/:max', async (c, next) =>
    limit({
      maxSize: Number(c.req.param('max')),
      onError: (cc) => {
        cc.header('Connection', 'close');
        return cc.text('te groot', 413);
      },
    })(c, next),
  );
  hono.all('/limit/:max', async (c) => {
    const touched = c.get('touched')();
    const text = await c.req.text();
    return c.text(`${text.length}:${text}`, 200, { 'x-touched': String(touched) });
  });
  return hono;
}

async function listen(limit: Limit) {
  const server = serve({ fetch: app(limit).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

/** One request over a fresh connection; `chunked` sends the body in two writes without a length. */
function send(port: number, method: string, max: number, body: Buffer | undefined, chunked: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `/limit/${max}`,
        agent: false,
        headers: body && !chunked ? { 'content-length': body.length } : {},
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).toString('utf8'),
            connection: res.headers.connection,
            touched: res.headers['x-touched'] as string | undefined,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body && chunked) {
      const half = Math.floor(body.length / 2);
      req.write(body.subarray(0, half));
      req.end(body.subarray(half));
    } else req.end(body);
  });
}

let ours: Awaited<ReturnType<typeof listen>>;
let honos: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  ours = await listen(bodyLimitByLength as Limit);
  honos = await listen(bodyLimit as Limit);
});
afterAll(async () => {
  for (const s of [ours, honos]) await new Promise<void>((r) => s.server.close(() => r()));
});

describe('body limit by Content-Length', () => {
  it('answers as Hono’s bodyLimit for arbitrary bodies, methods, framings and limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'GET'),
        fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }),
        fc.boolean(),
        fc.integer({ min: -2, max: 8 }),
        async (method, text, chunked, offset) => {
          const body = text === undefined ? undefined : Buffer.from(text, 'utf8');
          // Limits just under, at and above the body's size in bytes.
          const max = Math.max(0, (body?.length ?? 0) + offset);
          const a = await send(ours.port, method, max, body, chunked);
          const b = await send(honos.port, method, max, body, chunked);
          expect({ ...a, touched: undefined }).toEqual({ ...b, touched: undefined });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decides a request with a Content-Length without asking for its body stream', async () => {
    const body = Buffer.from(JSON.stringify({ naam: 'Sanne de Vries', omschrijving: 'Één klacht 🙂' }));
    for (const max of [body.length - 1, body.length, 1024]) {
      const a = await send(ours.port, 'POST', max, body, false);
      expect(a.status).toBe(max < body.length ? 413 : 200);
      if (a.status === 200) expect(a.touched).toBe('false');
    }
    // Hono's own asks for it (what made node-server build a web Request and stream for every POST).
    expect((await send(honos.port, 'POST', 1024, body, false)).touched).toBe('true');
    // Chunked, without a length: Hono's middleware counts the bytes as they come.
    expect((await send(ours.port, 'POST', body.length - 1, body, true)).status).toBe(413);
    expect((await send(ours.port, 'POST', body.length, body, true)).status).toBe(200);
  });
});
