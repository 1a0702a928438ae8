/**
 * @hono/node-server as patched (patches/@hono+node-server+2.1.8.patch, #19, session 10). The
 * server replaces the global Response with a lightweight one that keeps its body and init and
 * makes undici's Response only when something asks for more than the status and headers. Reading
 * its body (`text()`, `json()`) made that Response and read it back through a web stream: 1.9 % of
 * a simulated year's CPU, where the runtime answers the simulation's requests in process. The
 * patch answers `text()` and `json()` of a string body not read before from the string itself.
 *
 * The judge is undici's own Response (the global one before the server replaces it), built from
 * the same body and init: for arbitrary bodies (any UTF-16, lone surrogates and a leading byte
 * order mark among them, JSON and not), statuses and headers, and any sequence of reads (text,
 * json, arrayBuffer, a second read, bodyUsed, clone, status, headers), the lightweight Response
 * must answer the same values and fail with the same errors. Both builds Node loads (ES module and
 * CommonJS) are held to it. Seeded (FC_SEED replays a run).
 */
import { createRequire } from 'node:module';
import { getRequestListener } from '@hono/node-server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const NativeResponse = globalThis.Response;
// What the runtime's server does when it starts: the lightweight Response becomes the global one.
getRequestListener(() => new Response(null));
const esmResponse = globalThis.Response;
(
  createRequire(import.meta.url)('@hono/node-server') as { getRequestListener: typeof getRequestListener }
).getRequestListener(() => new Response(null));
const cjsResponse = globalThis.Response;

type Op = 'text' | 'json' | 'arrayBuffer' | 'bodyUsed' | 'status' | 'clone';

/** What one operation answers: a value, or the name of the error it threw or rejected with. */
async function perform(r: Response, op: Op): Promise<unknown> {
  try {
    switch (op) {
      case 'text':
        return { value: await r.text() };
      case 'json':
        return { value: await r.json() };
      case 'arrayBuffer':
        return { value: Buffer.from(await r.arrayBuffer()).toString('hex') };
      case 'bodyUsed':
        return { value: r.bodyUsed };
      case 'status':
        return { value: [r.status, r.ok] };
      case 'clone': {
        const c = r.clone();
        return { value: [await c.text(), r.bodyUsed] };
      }
    }
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  // Lone surrogates: undici encodes them as U+FFFD.
  fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)), maxLength: 6 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  // A byte order mark first: undici's UTF-8 decoding drops it.
  fc.jsonValue().map((v) => `\ufeff${JSON.stringify(v)}`),
  fc.constantFrom('', '\ufeff', '{"a":1}', '"\\ud800"', '[1,2', 'null'),
);
const body = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }) },
);
const init = fc.record(
  {
    // 204 and 304 take no body; 99 and 600 are no status at all.
    status: fc.constantFrom(200, 201, 204, 304, 400, 404, 422, 99, 600),
    headers: fc.oneof(
      fc.constant({ 'content-type': 'application/json' }),
      fc.constant({ 'content-type': 'text/html; charset=UTF-8', 'x-a': 'b' }),
      fc.constant([['content-type', 'text/plain']] as [string, string][]),
    ),
  },
  { requiredKeys: ['status'] },
);
const ops = fc.array(fc.constantFrom<Op>('text', 'json', 'arrayBuffer', 'bodyUsed', 'status', 'clone'), {
  minLength: 1,
  maxLength: 4,
});

describe('@hono/node-server lightweight Response, patched', () => {
  for (const [build, Light] of [
    ['ES module', esmResponse],
    ['CommonJS', cjsResponse],
  ] as const) {
    it(`answers as undici's Response for any body and reads (${build})`, async () => {
      expect(Light).not.toBe(NativeResponse);
      await fc.assert(
        fc.asyncProperty(body, init, ops, async (b, i, seq) => {
          const light = new Light(b as ConstructorParameters<typeof Response>[0], i);
          let native: Response;
          try {
            native = new NativeResponse(b as ConstructorParameters<typeof Response>[0], i);
          } catch (e) {
            // A body with a status that takes none, or no status at all: undici refuses it when
            // made; the lightweight one (as the library has it) when its body is first touched.
            const bodyOp = seq.find((op) => op !== 'status');
            if (bodyOp) expect(await perform(light, bodyOp)).toEqual({ error: (e as Error).constructor.name });
            return;
          }
          // Headers are the library's own (its default content type differs from undici's); the
          // patch is about the body.
          for (const op of seq) expect(await perform(light, op)).toEqual(await perform(native, op));
        }),
        { numRuns: 400, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
      );
    });
  }

  it('reads a string body without making an undici Response', async () => {
    // The point of the patch: the body answered from the string, not through a stream.
    const r = new esmResponse('{"a":1}', { status: 201, headers: { 'content-type': 'application/json' } });
    const made = Object.getOwnPropertySymbols(r).map((s) => s.description);
    expect(await r.json()).toEqual({ a: 1 });
    expect(Object.getOwnPropertySymbols(r).some((s) => s.description === 'responseCache' && (r as never)[s])).toBe(
      false,
    );
    expect(made).toContain('cache');
  });
});
